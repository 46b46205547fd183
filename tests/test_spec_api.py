"""The Python API: load_spec, load_specs, SpecSet, naming rules and version order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lks_templates
from lks_templates.errors import SpecError
from lks_templates.spec import (
    DatasetSpec,
    FormSpec,
    TemplateSpec,
    load_spec,
    load_specs,
    shipped_specs_dir,
)
from lks_templates.spec.crossref import version_key
from lks_templates.spec.names import looks_like_cell_reference, name_problem

GOOD_SPECS = Path(__file__).parent / "data" / "specs"


def _codes(error: SpecError) -> list[tuple[str, int | None, str]]:
    return [(Path(p.file).name, p.line, p.code) for p in error.problems]


def test_load_specs_gathers_every_kind_sorted() -> None:
    specs = load_specs(GOOD_SPECS)
    assert [s.id for s in specs.datasets] == ["supplementary-dataset"]
    assert [s.id for s in specs.templates] == ["monthly-activity"]
    assert [s.id for s in specs.forms] == ["impact-case-study"]
    assert [s.id for s in specs.faqs] == ["lks-statistics-faq"]
    assert specs.sources[("monthly-activity", "1.0.0")] == str(GOOD_SPECS / "monthly-activity.yaml")
    resolved = specs.resolved()
    assert [(r.template.id, r.is_form) for r in resolved] == [
        ("impact-case-study", True),
        ("monthly-activity", False),
    ]
    form, template = resolved
    assert form.profile_names == ["org_name", "case_title", "time_saved_hours"]
    assert form.measure_fields == []
    assert [f.name for f in template.measure_fields] == [
        "evidence_searches", "training_sessions", "training_attendees",
    ]  # fmt: skip
    assert template.dataset.id == "supplementary-dataset"
    assert template.faq is not None and template.faq.id == "lks-statistics-faq"
    assert template.source.endswith("monthly-activity.yaml")
    assert len(template.sha256()) == 64


def test_public_api_is_importable_from_the_package() -> None:
    assert lks_templates.load_specs is load_specs
    assert lks_templates.load_spec is load_spec


def test_versions_get_and_resolve(tmp_path: Path) -> None:
    for name in ("supplementary-dataset.yaml", "monthly-activity.yaml", "faq.yaml"):
        shutil.copy(GOOD_SPECS / name, tmp_path / name)
    old = (GOOD_SPECS / "monthly-activity.yaml").read_text(encoding="utf-8")
    newer = old.replace("version: 1.0.0", "version: 1.10.0").replace(
        "title: Monthly activity dashboard", "title: Monthly activity, newer"
    )
    (tmp_path / "monthly-activity-1.10.yaml").write_text(newer, encoding="utf-8")
    nine = old.replace("version: 1.0.0", "version: 1.9.0")
    (tmp_path / "monthly-activity-1.9.yaml").write_text(nine, encoding="utf-8")
    specs = load_specs(tmp_path)
    assert [t.version for t in specs.templates] == ["1.0.0", "1.9.0", "1.10.0"]
    latest = specs.get("monthly-activity")
    assert isinstance(latest, TemplateSpec) and latest.title == "Monthly activity, newer"
    first = specs.get("monthly-activity", "1.0.0")
    assert first is not None and first.version == "1.0.0"
    assert specs.get("monthly-activity", "2.0.0") is None
    assert specs.get("no-such-id") is None
    resolved = specs.resolve("monthly-activity", "1.9.0")
    assert resolved is not None and resolved.template.version == "1.9.0"
    assert specs.resolve("supplementary-dataset") is None  # a dataset is not a template
    assert isinstance(specs.get("supplementary-dataset"), DatasetSpec)


def test_version_order() -> None:
    versions = ["1.10.0", "1.0.0-rc.1", "1.9.0", "1.0.0", "0.9.9", "2.0.0+build.5"]
    assert sorted(versions, key=version_key) == [
        "0.9.9", "1.0.0-rc.1", "1.0.0", "1.9.0", "1.10.0", "2.0.0+build.5",
    ]  # fmt: skip


def test_load_specs_raises_once_with_every_problem_in_every_file(tmp_path: Path) -> None:
    shutil.copytree(GOOD_SPECS, tmp_path / "specs")
    template = tmp_path / "specs" / "monthly-activity.yaml"
    text = template.read_text(encoding="utf-8").replace("direction: higher", "direction: up")
    template.write_text(text.replace("[evidence_searches]", "[evidence_serches]"), encoding="utf-8")
    (tmp_path / "specs" / "broken.yaml").write_text("kind: [\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_specs(tmp_path / "specs")
    assert _codes(caught.value) == [
        ("broken.yaml", 2, "yaml-syntax"),
        ("monthly-activity.yaml", 21, "bad-value"),
    ]
    assert "monthly-activity.yaml:21:16: bad-value" in str(caught.value)


def test_load_specs_cross_checks_after_shape(tmp_path: Path) -> None:
    shutil.copytree(GOOD_SPECS, tmp_path / "specs")
    template = tmp_path / "specs" / "monthly-activity.yaml"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("[evidence_searches]", "[evidence_serches]"), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_specs([template, tmp_path / "specs" / "supplementary-dataset.yaml"])
    assert _codes(caught.value) == [
        ("monthly-activity.yaml", 35, "unknown-field"),  # the chart's series
        ("monthly-activity.yaml", 39, "unknown-faq"),  # the FAQ file was not given
    ]


def test_load_spec_checks_one_file_on_its_own(tmp_path: Path) -> None:
    template = load_spec(GOOD_SPECS / "monthly-activity.yaml")
    assert isinstance(template, TemplateSpec)
    assert isinstance(load_spec(GOOD_SPECS / "case-study.yaml"), FormSpec)
    # Field names are not checked without the dataset; formula syntax and cycles are.
    text = (GOOD_SPECS / "monthly-activity.yaml").read_text(encoding="utf-8")
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(text.replace("[evidence_searches]", "[nothing_known]"), encoding="utf-8")
    assert isinstance(load_spec(unknown), TemplateSpec)
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("SUM(training_attendees)", "SUM(training_attendees"), "utf-8")
    with pytest.raises(SpecError) as caught:
        load_spec(broken)
    assert _codes(caught.value) == [("broken.yaml", 25, "formula-syntax")]


def test_load_spec_refuses_a_folder_and_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path)
    assert [p.code for p in caught.value.problems] == ["not-a-file"]
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path / "missing.yaml")
    assert [p.code for p in caught.value.problems] == ["missing-path"]


def test_shipped_specs_dir_is_the_repository_folder_in_a_checkout() -> None:
    root = Path(__file__).resolve().parent.parent
    assert shipped_specs_dir() == root / "template_specs"


@pytest.mark.parametrize(
    ("name", "is_reference"),
    [
        ("a1", True), ("abc1", True), ("fte1", True), ("xfd1048576", True), ("row1", True),
        ("xfe1", False), ("a0", False), ("abcd1", False), ("fte_1", False), ("a1b", False),
        ("r", True), ("c", True), ("rc", True), ("r1c1", True), ("r2c", True), ("rc3", True),
        ("c3", True), ("r10", True), ("rr", False), ("cr", False), ("r1c1x", False),
    ],
)  # fmt: skip
def test_cell_reference_lookalikes(name: str, is_reference: bool) -> None:
    assert looks_like_cell_reference(name) is is_reference


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("evidence_searches", None),
        ("_private", None),
        ("Searches", "invalid-name"),
        ("9lives", "invalid-name"),
        ("", "invalid-name"),
        ("staff-wte", "invalid-name"),
        ("sum", "name-like-function"),
        ("true", "name-like-function"),
        ("year", "name-like-function"),
        ("xlookup", "name-like-function"),
        ("fte1", "name-like-cell-reference"),
        ("print_area", "reserved-name"),
        ("a" * 255, None),
        ("a" * 256, "name-too-long"),
    ],
)
def test_name_rules(name: str, code: str | None) -> None:
    found = name_problem(name)
    assert (found[0] if found else None) == code
