"""``diff``: every change between two versions, at its line, with the bump it needs.

The real change is the one of ``tests/evolving_specs.py`` (staffing-and-finance 2.4.0
released, then 3.0.0 with a field renamed, one removed, one added). Expected places are
found in the YAML text by searching it, never through the loader's marks.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from evolving_specs import (
    ADDED,
    DATASET_FILE,
    NEW_VERSION,
    OLD_VERSION,
    RELEASE_DATE,
    REMOVED,
    RENAMED,
    TEMPLATE,
    TEMPLATE_FILE,
    Evolved,
    evolved_specs,
)

from lks_templates.build import build_all
from lks_templates.cli import main
from lks_templates.evolve.bumps import against_releases, is_enough, next_version, version_step
from lks_templates.evolve.diff import constraints_change
from lks_templates.evolve.release import RELEASED_FOLDER, release
from lks_templates.spec import load_specs
from lks_templates.spec.models import Constraints
from lks_templates.spec.specset import shipped_specs_dir

OLD_NAME, NEW_NAME = RENAMED


def _line(path: Path, pattern: str, after: int = 0) -> tuple[int, int]:
    """(line, column) of the first match of ``pattern`` at or after line ``after``: the
    column of the match's first group, or of the match."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        found = re.search(pattern, text)
        if number >= after and found:
            start = found.start(1) if found.groups() else found.start()
            return number, start + 1
    raise AssertionError(f"{pattern!r} not in {path}")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


@pytest.fixture
def evolved(tmp_path: Path) -> Evolved:
    return evolved_specs(tmp_path)


def _expected_lines(folder: Path, evolved: Evolved) -> list[str]:
    """The three changes, placed by searching the files, and the verdict."""
    template, dataset = folder / TEMPLATE_FILE, folder / DATASET_FILE
    assert evolved.lines["renamed"][0] == DATASET_FILE
    renamed_line = evolved.lines["renamed"][1]
    assert _line(dataset, rf"- name: {NEW_NAME}$") == (renamed_line, 3)
    profile_line, _ = _line(template, r"^profile:")
    added_file, added_line = evolved.lines["added"]
    assert added_file == DATASET_FILE
    profile_added = evolved.lines["profile-added"]
    assert profile_added[0] == TEMPLATE_FILE
    assert _line(template, rf"^  - ({ADDED})$") == (profile_added[1], 5)
    return [
        f"{template}:{profile_line}:1: major profile field removed: {REMOVED}",
        # The field's mapping starts at `name`, after the "- " of the list item.
        f"{dataset}:{renamed_line}:5: major profile field renamed: {OLD_NAME} -> {NEW_NAME}",
        f"{template}:{profile_added[1]}:5: minor profile field added: {ADDED} "
        f"(defined at {dataset}:{added_line})",
        f"{TEMPLATE} {OLD_VERSION} -> {NEW_VERSION}: needs a major bump; {NEW_VERSION} is enough.",
    ]


def test_diff_names_every_change_of_the_real_change_at_its_line(
    evolved: Evolved, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "diff", "--specs", str(evolved.folder))
    assert (code, err) == (0, "")
    assert out == _expected_lines(evolved.folder, evolved)
    # The rename also changed a rule's formula (lks_headcount > 0 became lks_people > 0):
    # followed through the rename, that is no change of the rule.
    template_text = (evolved.folder / TEMPLATE_FILE).read_text(encoding="utf-8")
    assert f"IF({NEW_NAME} > 0" in template_text
    assert not any("headcount_not_below_wte" in line for line in out)


def test_the_bumps_of_the_real_change(evolved: Evolved) -> None:
    (verdict,) = against_releases(load_specs(evolved.folder))
    assert [(c.kind, c.what, c.bump) for c in verdict.changes] == [
        ("field-removed", REMOVED, "major"),
        ("field-renamed", OLD_NAME, "major"),
        ("field-added", ADDED, "minor"),
    ]
    assert (verdict.needed, verdict.enough) == ("major", True)


def test_two_folders_give_the_same_changes_as_against_the_release(
    evolved: Evolved, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "diff", str(evolved.old_folder), str(evolved.folder))
    assert code == 0
    assert out == _expected_lines(evolved.folder, evolved)
    # Two template files: each with the specs beside it.
    old, new = evolved.old_folder / TEMPLATE_FILE, evolved.folder / TEMPLATE_FILE
    code, out_files, _ = _run(capsys, "diff", str(old), str(new))
    assert (code, out_files) == (0, out)


def test_a_dataset_file_alone_is_compared_through_the_templates_that_use_it(
    evolved: Evolved, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(evolved.old_folder / DATASET_FILE, alone / "dataset-before.yaml")
    old_version = yaml.safe_load((alone / "dataset-before.yaml").read_text())["version"]
    new_dataset = evolved.folder / DATASET_FILE
    new_version = yaml.safe_load(new_dataset.read_text())["version"]
    code, out, _ = _run(capsys, "diff", str(alone / "dataset-before.yaml"), str(new_dataset))
    renamed = evolved.lines["renamed"][1]
    assert code == 0
    assert (
        out[0]
        == f"{new_dataset}:{renamed}:5: major profile field renamed: {OLD_NAME} -> {NEW_NAME}"
    )
    assert out[-1] == (
        f"supplementary-dataset (as {TEMPLATE} uses it) {old_version} -> {new_version}: "
        f"needs a major bump; {new_version} is enough."
    )


def _set_version(path: Path, version: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1))


def test_a_minor_bump_of_a_major_change_is_refused_by_diff_and_by_check(
    evolved: Evolved, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = evolved.folder
    dist = tmp_path / "dist"
    build_all([folder], dist)
    assert main(["check", str(folder), "--dist", str(dist)]) == 0  # 3.0.0: enough
    capsys.readouterr()

    _set_version(folder / TEMPLATE_FILE, "2.5.0")
    expected = [
        *_expected_lines(folder, evolved)[:-1],
        f"{TEMPLATE} {OLD_VERSION} -> 2.5.0: needs a major bump; 2.5.0 is not enough "
        "(a minor bump): make it 3.0.0.",
    ]
    code, out, err = _run(capsys, "diff", "--specs", str(folder))
    assert (code, out) == (1, expected)
    assert "1 version not bumped enough" in err
    # check: the same lines; the dist rebuilt for 2.5.0, so only the bump fails it.
    shutil.rmtree(dist)
    build_all([folder], dist)
    code, out, _ = _run(capsys, "check", str(folder), "--dist", str(dist))
    assert code == 1
    assert out[: len(expected)] == expected
    assert f"{dist} is up to date." in out


@pytest.fixture
def released(evolved: Evolved) -> Path:
    """The evolved specs with 3.0.0 released too: a clean start for one more change."""
    folder = evolved.folder
    release(load_specs(folder), folder / RELEASED_FOLDER, RELEASE_DATE)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_field_guidance_reworded_needs_a_patch(
    released: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = released / DATASET_FILE
    assert _run(capsys, "diff", "--specs", str(released))[:2] == (
        0,
        [f"{TEMPLATE} {NEW_VERSION} -> {NEW_VERSION}: no changes."],
    )
    _edit(dataset, "Count each person once whatever their hours;", "Count each person once;")
    field_line, _ = _line(dataset, rf"- name: {NEW_NAME}$")
    guidance = _line(dataset, r"^    (guidance):", after=field_line)
    code, out, _ = _run(capsys, "diff", "--specs", str(released))
    assert code == 1
    assert out[0].startswith(
        f"{dataset}:{guidance[0]}:{guidance[1]}: patch profile field {NEW_NAME}: "
        "counting guidance changed: Count each person once whatever their hours;"
    )
    assert out[1:] == [
        f"{TEMPLATE} {NEW_VERSION} -> {NEW_VERSION}: needs a patch bump; {NEW_VERSION} is not "
        "enough (the version is unchanged): make it 3.0.1."
    ]
    _set_version(released / TEMPLATE_FILE, "3.0.1")
    code, out, _ = _run(capsys, "diff", "--specs", str(released))
    assert (code, out[-1]) == (
        0,
        f"{TEMPLATE} {NEW_VERSION} -> 3.0.1: needs a patch bump; 3.0.1 is enough.",
    )


NEW_KPI = """  - name: volunteers_per_lks_wte
    title: Volunteers per LKS staff WTE
    formula: lks_volunteers / lks_wte_total
    unit: people per WTE
"""


def test_an_added_kpi_needs_a_minor_bump(
    released: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = released / TEMPLATE_FILE
    _edit(template, "\nrules:\n", "\n" + NEW_KPI + "rules:\n")
    _set_version(template, "3.0.1")
    line, _ = _line(template, r"- name: volunteers_per_lks_wte")
    code, out, _ = _run(capsys, "diff", "--specs", str(released))
    assert (code, out) == (
        1,
        [
            f"{template}:{line}:5: minor KPI added: volunteers_per_lks_wte",
            f"{TEMPLATE} {NEW_VERSION} -> 3.0.1: needs a minor bump; 3.0.1 is not enough "
            "(a patch bump): make it 3.1.0.",
        ],
    )


def test_a_changed_kpi_formula_is_major_and_a_reflowed_one_is_no_change(
    released: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = released / TEMPLATE_FILE
    _edit(template, "formula: spend_total / staff_wte_served\n",
          "formula: >-\n      spend_total\n      / staff_wte_served\n")  # fmt: skip
    assert _run(capsys, "diff", "--specs", str(released))[0] == 0  # spacing only

    _edit(template, "formula: income_total / spend_total * 100",
          "formula: income_total / spend_total * 1000")  # fmt: skip
    _set_version(template, "3.1.0")
    kpi_line, _ = _line(template, r"- name: income_share")
    formula = _line(template, r"^    (formula):", after=kpi_line)
    code, out, _ = _run(capsys, "diff", "--specs", str(released))
    assert (code, out) == (
        1,
        [
            f"{template}:{formula[0]}:{formula[1]}: major KPI income_share: formula changed: "
            "income_total / spend_total * 100 -> income_total / spend_total * 1000",
            f"{TEMPLATE} {NEW_VERSION} -> 3.1.0: needs a major bump; 3.1.0 is not enough "
            "(a minor bump): make it 4.0.0.",
        ],
    )


def test_the_shipped_specs_are_released_as_they_are(capsys: pytest.CaptureFixture[str]) -> None:
    folder = shipped_specs_dir()
    ids = sorted(
        data["id"]
        for path in folder.glob("*.yaml")
        if (data := yaml.safe_load(path.read_text(encoding="utf-8")))["kind"]
        in ("template", "form")
    )
    code, out, _ = _run(capsys, "diff", "--specs", str(folder))
    assert code == 0
    versions = {
        data["id"]: data["version"]
        for path in folder.glob("*.yaml")
        if (data := yaml.safe_load(path.read_text(encoding="utf-8")))["kind"]
        in ("template", "form")
    }
    assert out == [f"{i} {versions[i]} -> {versions[i]}: no changes." for i in ids]


def test_a_spec_never_released_is_said_so_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "specs"
    shutil.copytree(shipped_specs_dir(), folder)
    shutil.rmtree(folder / RELEASED_FOLDER)
    code, out, _ = _run(capsys, "diff", "--specs", str(folder))
    assert code == 0
    assert out[0] == (
        "e-resources 1.0.0: not released yet, nothing to compare with "
        "(`lks-templates release` records it)."
    )


@pytest.mark.parametrize(
    "argv",
    [["diff", "one"], ["diff", "a", "b", "c"], ["diff", "x", "y", "--specs", "z"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, [])
    assert err.startswith("diff takes ")


@pytest.mark.parametrize(
    ("old", "new", "step"),
    [
        ("2.4.0", "3.0.0", "major"),
        ("2.4.0", "2.5.0", "minor"),
        ("2.4.0", "2.4.1", "patch"),
        ("2.4.0", "2.4.0", "none"),
        ("2.4.0", "2.3.9", "down"),
        ("0.3.0", "0.4.0", "major"),  # before 1.0.0 the places shift
        ("0.3.0", "0.3.1", "minor"),
        ("0.9.2", "1.0.0", "major"),
        ("3.0.0-rc.1", "3.0.0", "pre-release"),
        ("3.0.0", "3.0.0-rc.1", "down"),
        ("2.4.0", "3.0.0-rc.1", "major"),
    ],
)
def test_version_steps(old: str, new: str, step: str) -> None:
    assert version_step(old, new) == step


def test_enough_and_the_next_version() -> None:
    assert is_enough("major", "2.4.0", "3.0.0")
    assert not is_enough("major", "2.4.0", "2.5.0")
    assert is_enough("patch", "0.3.0", "0.3.1")
    assert not is_enough("major", "0.3.0", "0.3.1")
    assert not is_enough("patch", "2.4.0", "2.3.0")
    assert is_enough("major", "3.0.0-rc.1", "3.0.0-rc.2")
    assert [next_version("2.4.3", b) for b in ("major", "minor", "patch")] == [
        "3.0.0",
        "2.5.0",
        "2.4.4",
    ]
    assert [next_version("0.4.3", b) for b in ("major", "minor", "patch")] == [
        "0.5.0",
        "0.4.4",
        "0.4.4",
    ]


@pytest.mark.parametrize(
    ("old", "new", "bump"),
    [
        ({}, {"required": True}, "major"),
        ({"required": True}, {}, "minor"),
        ({"minimum": 0}, {"minimum": 1}, "major"),
        ({"minimum": 1}, {"minimum": 0}, "minor"),
        ({"minimum": 0}, {}, "minor"),
        ({"maximum": 10}, {"maximum": 9}, "major"),
        ({}, {"maximum": 10}, "major"),
        ({"maxLength": 10}, {"maxLength": 20}, "minor"),
        ({"enum": ["a", "b"]}, {"enum": ["a", "b", "c"]}, "minor"),
        ({"enum": ["a", "b"]}, {"enum": ["a"]}, "major"),
        ({"enum": ["a", "b"]}, {"enum": ["a", "c"]}, "major"),
        ({"enum": ["a", "b"]}, {"enum": ["b", "a"]}, "patch"),
        ({}, {"pattern": "^[A-Z]"}, "major"),
        ({"pattern": "^[A-Z]"}, {}, "minor"),
        ({"minimum": 0, "maximum": 5}, {"minimum": -1, "maximum": 4}, "major"),
    ],
)
def test_constraints_narrowed_are_major_widened_minor(
    old: dict[str, object], new: dict[str, object], bump: str
) -> None:
    found = constraints_change(Constraints.model_validate(old), Constraints.model_validate(new))
    assert found is not None
    assert found[0] == bump
    assert (
        constraints_change(Constraints.model_validate(old), Constraints.model_validate(old)) is None
    )


# One edit of the released 3.0.0 each: (file, text before, text after, kind, bump, the line
# the change is written on: a line to find, then the key's line after it).
FAQ_FILE = "faq.yaml"
GUIDANCE = "guidance: Count each person once whatever their hours"
EDITS: dict[str, tuple[str, str, str, str, str, str, str]] = {
    "definition": (DATASET_FILE, "employed in the library and knowledge service at 31 March.",
                   "employed by the library and knowledge service at 31 March.",
                   "field-description", "major", f"- name: {NEW_NAME}$", r"^    (description):"),
    "unit": (DATASET_FILE, f"    unit: people\n    section: Staffing\n    frequency: annual\n"
             f"    {GUIDANCE}", f"    unit: persons\n    section: Staffing\n    frequency: "
             f"annual\n    {GUIDANCE}", "field-unit", "major", f"- name: {NEW_NAME}$",
             r"^    (unit):"),
    "narrowed": (DATASET_FILE, f"constraints: {{minimum: 0}}\n    unit: people\n    section: "
                 f"Staffing\n    frequency: annual\n    {GUIDANCE}", f"constraints: {{minimum: "
                 f"1}}\n    unit: people\n    section: Staffing\n    frequency: annual\n    "
                 f"{GUIDANCE}", "field-constraints", "major", f"- name: {NEW_NAME}$",
                 r"^    (constraints):"),
    "field title": (DATASET_FILE, "title: LKS staff (headcount)", "title: LKS staff (people)",
                    "field-title", "patch", f"- name: {NEW_NAME}$", r"^    (title):"),
    "period": (TEMPLATE_FILE, "year_start_month: 4}", "year_start_month: 1}", "period",
               "major", r"^kind:", r"^(period):"),
    "derived formula": (TEMPLATE_FILE, 'formula: "1250"', 'formula: "1000"', "derived-formula",
                        "major", "- name: staff_ratio_target", r"^    (formula):"),
    "kpi target": (TEMPLATE_FILE, "target: 1250", "target: 1000", "kpi-target", "minor",
                   "- name: staff_per_qualified_librarian", r"^    (target):"),
    "rule message": (TEMPLATE_FILE, "Qualified librarians (WTE) are more than",
                     "Qualified librarian WTE is more than", "rule-message", "patch",
                     "- name: qualified_not_above_total", r"^    (message):"),
    "chart series": (TEMPLATE_FILE, "series: [loans, documents_supplied_users, "
                     "counter_total_item_requests]", "series: [loans, documents_supplied_users]",
                     "chart-series", "minor", "- title: Collection use in the year",
                     r"^    (series):"),
    "chart title": (TEMPLATE_FILE, "- title: Collection use in the year",
                    "- title: Collection use over the year", "chart-title", "patch",
                    r"^charts:", r"^  - (title): Collection use over"),
    "send to": (TEMPLATE_FILE, "by the date they set", "by the date asked", "template-send-to",
                "patch", r"^kind:", r"^(send_to):"),
    "faq answer": (FAQ_FILE, "own story: trends through the year", "own story: trends over the "
                   "year", "faq-answer", "patch", "question: Why collect statistics beyond",
                   r"^    (answer):"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(EDITS))
def test_each_kind_of_change_is_placed_and_bumped(case: str, released: Path) -> None:
    name, before, after, kind, bump, anchor, key = EDITS[case]
    path = released / name
    _edit(path, before, after)
    start, _ = _line(path, anchor)
    line, column = _line(path, key, after=start)
    (verdict,) = against_releases(load_specs(released))
    assert [(c.kind, c.bump, c.file, c.line, c.column) for c in verdict.changes] == [
        (kind, bump, str(path), line, column)
    ]
    assert verdict.needed == bump
    assert not verdict.enough  # the version was left at 3.0.0
