"""The JSON Schema of the spec language and the generated reference stay in step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from lks_templates.cli import main
from lks_templates.spec import models
from lks_templates.spec.schema import (
    BEGIN_MARK,
    END_MARK,
    REFERENCE_MODELS,
    SCHEMA_FILE,
    reference_tables,
    schema_text,
)

ROOT = Path(__file__).resolve().parent.parent
GOOD_SPECS = Path(__file__).parent / "data" / "specs"
REFERENCE = ROOT / "docs" / "spec-reference.md"


def test_committed_schema_is_current() -> None:
    committed = (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == schema_text(), "run: lks-templates schema --out " + SCHEMA_FILE


def test_schema_command_prints_and_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed)["title"] == "lks-templates spec"
    target = tmp_path / "out" / "spec.schema.json"
    assert main(["schema", "--out", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == printed
    assert [p.name for p in target.parent.iterdir()] == ["spec.schema.json"]


def test_schema_command_reports_an_unwritable_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main(["schema", "--out", str(blocker / "x.json")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_schema_is_a_union_over_kind() -> None:
    schema = json.loads(schema_text())
    assert schema["discriminator"]["propertyName"] == "kind"
    assert sorted(schema["discriminator"]["mapping"]) == [
        "benchmark",
        "dataset",
        "faq",
        "form",
        "release",
        "template",
    ]
    kpi = schema["$defs"]["Kpi"]["properties"]
    assert kpi["direction"]["enum"] == ["higher", "lower", "neutral"]
    assert kpi["formula"]["description"].startswith("Excel-style formula")


def test_good_specs_pass_the_schema_and_bad_ones_fail() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(schema_text()))
    for path in sorted(GOOD_SPECS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(validator.iter_errors(data)) == [], path.name
    typo = {"spec": 1, "kind": "faq", "id": "x", "version": "1.0.0", "title": "X",
            "entries": [], "titel": "X"}  # fmt: skip
    assert not validator.is_valid(typo)
    assert not validator.is_valid({**typo, "titel": None, "kind": "faqs"})


def _generated_block(text: str) -> str:
    return text.split(BEGIN_MARK, 1)[1].split(END_MARK, 1)[0].strip()


def test_reference_tables_are_current() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    assert _generated_block(text) == reference_tables().strip(), (
        "run: python -m lks_templates.spec.schema --reference docs/spec-reference.md"
    )


def test_reference_documents_every_key_and_model() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    kinds = [models.DatasetSpec, models.TemplateSpec, models.FormSpec, models.FaqSpec]
    assert set(kinds) <= set(REFERENCE_MODELS)
    for model in REFERENCE_MODELS:
        assert f"### {model.__name__}" in text
        for key, info in model.model_fields.items():
            assert f"| `{key}` |" in text, f"{model.__name__}.{key}"
            assert info.description, f"{model.__name__}.{key} has no docstring"
