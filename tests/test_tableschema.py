"""Frictionless Table Schema interop: round trips, Frictionless's own validation, and
located problems for what a dataset spec cannot hold."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from lks_templates.cli import main
from lks_templates.errors import SpecError
from lks_templates.spec import DatasetSpec, load_specs
from lks_templates.tableschema import (
    convert_tableschema,
    export_tableschema,
    import_tableschema,
)

frictionless = pytest.importorskip("frictionless")

SPECS = Path(__file__).resolve().parent.parent / "template_specs"
DATASETS = ["supplementary-dataset", "case-study-fields"]
SHARED_KEYS = ("name", "title", "description", "type", "format", "constraints", "example")


def _dataset(dataset_id: str) -> DatasetSpec:
    spec = load_specs([SPECS]).get(dataset_id)
    assert isinstance(spec, DatasetSpec)
    return spec


def _write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize("dataset_id", DATASETS)
def test_round_trip_gives_the_same_dataset(tmp_path: Path, dataset_id: str) -> None:
    original = _dataset(dataset_id)
    schema = _write_json(tmp_path / "schema.json", export_tableschema(original))
    back = DatasetSpec.model_validate(import_tableschema(schema))
    assert back == original
    # Key by key, so a failure names the field and key that changed.
    for before, after in zip(original.fields, back.fields, strict=True):
        assert after.model_dump() == before.model_dump(), before.name


@pytest.mark.parametrize("dataset_id", DATASETS)
def test_round_trip_without_extensions_keeps_every_shared_key(
    tmp_path: Path, dataset_id: str
) -> None:
    original = _dataset(dataset_id)
    schema = export_tableschema(original, extensions=False)
    assert not [k for f in schema["fields"] for k in f if k.startswith("lks:")]
    back = import_tableschema(_write_json(tmp_path / f"{dataset_id}.json", schema))
    assert back["id"] == dataset_id  # from the file name
    for before, after in zip(original.fields, back["fields"], strict=True):
        dumped = before.model_dump(exclude_defaults=True)
        dumped["constraints"] = before.constraints.model_dump(exclude_defaults=True)
        expected = {k: dumped[k] for k in SHARED_KEYS if dumped.get(k) not in (None, {})}
        expected["type"] = before.type
        assert {k: after[k] for k in SHARED_KEYS if k in after} == expected


@pytest.mark.parametrize("extensions", [True, False])
@pytest.mark.parametrize("dataset_id", DATASETS)
def test_frictionless_accepts_the_exported_schema(dataset_id: str, extensions: bool) -> None:
    schema = export_tableschema(_dataset(dataset_id), extensions=extensions)
    report = frictionless.Schema.validate_descriptor(schema)
    assert report.flatten(["type", "message"]) == []


def test_frictionless_accepts_the_examples_as_data(tmp_path: Path) -> None:
    """The example values, as one row of CSV, satisfy the exported schema's constraints."""
    dataset = _dataset("supplementary-dataset")
    with (tmp_path / "examples.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f.name for f in dataset.fields])
        writer.writerow(["" if f.example is None else f.example for f in dataset.fields])
    schema = export_tableschema(dataset)
    resource = frictionless.Resource(
        path="examples.csv",
        basepath=str(tmp_path),
        schema=frictionless.Schema.from_descriptor(schema),
    )
    report = resource.validate()
    assert report.flatten(["rowNumber", "fieldName", "type"]) == []
    # And a value that breaks a constraint is caught by Frictionless too.
    with (tmp_path / "examples.csv").open("a", newline="", encoding="utf-8") as handle:
        row = ["" if f.example is None else f.example for f in dataset.fields]
        row[[f.name for f in dataset.fields].index("org_ods_code")] = "rxx"
        csv.writer(handle).writerow(row)
    report = resource.validate()
    assert report.flatten(["rowNumber", "fieldName", "type"]) == [
        [3, "org_ods_code", "constraint-error"]
    ]


FOREIGN_SCHEMA = """\
{
  "fields": [
    {"name": "Total Loans", "type": "integer", "constraints": {"minimum": 0}},
    {"name": "fte1", "title": "FTE", "description": "Staff WTE.", "type": "number"},
    {"name": "site", "type": "geopoint"},
    {"name": "year", "description": "Year.", "type": "year", "rdfType": "http://schema.org/x"},
    {"name": "count", "description": "Count.", "type": "integer",
     "constraints": {"unique": true, "enum": [1, 2]}}
  ],
  "primaryKey": ["site"]
}
"""


def test_import_locates_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "foreign.json"
    path.write_text(FOREIGN_SCHEMA, encoding="utf-8")
    result = convert_tableschema(path)
    found = [(p.line, p.column, p.code, p.severity) for p in result.problems]
    # Columns counted by hand in FOREIGN_SCHEMA: values for errors, keys for keys left out.
    assert found == [
        (3, 5, "missing-description", "warning"),
        (3, 14, "invalid-name", "error"),
        (4, 14, "name-like-cell-reference", "error"),
        (5, 5, "missing-description", "warning"),
        (5, 30, "unsupported-type", "error"),
        (6, 14, "name-like-function", "error"),
        (6, 54, "converted-type", "warning"),
        (6, 62, "dropped-key", "warning"),
        (7, 14, "name-like-function", "error"),
        (8, 22, "dropped-key", "warning"),
        (8, 46, "unsupported-constraint", "error"),
        (10, 3, "dropped-key", "warning"),
    ]
    with pytest.raises(SpecError) as raised:
        import_tableschema(path)
    assert [p.code for p in raised.value.problems] == [
        "invalid-name",
        "name-like-cell-reference",
        "unsupported-type",
        "name-like-function",
        "name-like-function",
        "unsupported-constraint",
    ]


def test_rename_converts_names_as_documented(tmp_path: Path) -> None:
    schema = {
        "fields": [
            {"name": "Total Loans", "description": "Loans.", "type": "integer"},
            {"name": "fte1", "title": "FTE", "description": "WTE.", "type": "number"},
            {"name": "sum", "description": "A sum.", "type": "number"},
            {"name": "2019 visits", "description": "Visits.", "type": "integer"},
        ]
    }
    path = _write_json(tmp_path / "loans.json", schema)
    result = convert_tableschema(path, rename=True, dataset_id="loans-data")
    assert result.errors == []
    assert [(f["name"], f["title"]) for f in result.data["fields"]] == [
        ("total_loans", "Total Loans"),
        ("fte1_value", "FTE"),
        ("sum_value", "sum"),
        ("n_2019_visits", "2019 visits"),
    ]
    assert [p.code for p in result.problems] == ["renamed-field"] * 4
    assert result.data["id"] == "loans-data"
    DatasetSpec.model_validate(result.data)


def test_yaml_input_and_lks_properties(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(
        "lks:id: my-data\nlks:version: 2.1.0\nlks:title: My data\nfields:\n"
        "  - name: visits\n    description: Visits in person.\n    type: integer\n"
        "    lks:unit: visits\n    lks:frequency: annual\n    lks:section: Activity\n",
        encoding="utf-8",
    )
    data = import_tableschema(path)
    assert data == {
        "spec": 1,
        "kind": "dataset",
        "id": "my-data",
        "version": "2.1.0",
        "title": "My data",
        "fields": [
            {
                "name": "visits",
                "title": "Visits",
                "description": "Visits in person.",
                "type": "integer",
                "unit": "visits",
                "section": "Activity",
                "frequency": "annual",
            }
        ],
    }


def test_bad_lks_frequency_and_json_syntax(tmp_path: Path) -> None:
    bad = _write_json(
        tmp_path / "f.json",
        {"fields": [{"name": "visits", "description": "V.", "lks:frequency": "weekly"}]},
    )
    codes = [(p.line, p.code) for p in convert_tableschema(bad).errors]
    assert codes == [(6, "invalid-value")]
    broken = tmp_path / "broken.json"
    broken.write_text('{"fields": [\n  {"name": "a",}\n]}', encoding="utf-8")
    problems = convert_tableschema(broken).problems
    assert [(p.code, p.line, p.column) for p in problems] == [("json-syntax", 2, 16)]


# ---------------------------------------------------------------------------- commands


def test_export_and_import_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "out" / "schema.json"
    specs = str(SPECS)
    assert (
        main(["export-tableschema", "case-study-fields", "--specs", specs, "--out", str(schema)])
        == 0
    )
    assert json.loads(schema.read_text(encoding="utf-8"))["lks:id"] == "case-study-fields"
    spec_file = tmp_path / "spec.yaml"
    assert main(["import-tableschema", str(schema), "--out", str(spec_file)]) == 0
    imported = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    assert DatasetSpec.model_validate(imported) == _dataset("case-study-fields")
    # A spec file works as well as an id; a template is not a dataset (usage error).
    assert main(["export-tableschema", str(spec_file)]) == 0
    assert json.loads(capsys.readouterr().out)["fields"][0]["name"] == "org_name"
    assert main(["export-tableschema", "impact", "--specs", specs]) == 2
    assert main(["export-tableschema", "no-such-dataset", "--specs", specs]) == 2


def test_import_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "foreign.json"
    path.write_text(FOREIGN_SCHEMA, encoding="utf-8")
    assert main(["import-tableschema", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:3:14: invalid-name `Total Loans` is not a valid name" in err
    assert main(["import-tableschema", str(tmp_path / "missing.json")]) == 2
    assert main(["import-tableschema", str(path), "--id", "Not An Id"]) == 2


SHAPE = '{"fields": [{"name": "loans", "type": "integer"}, ...]}'


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "readme.txt",
            b"Read me first.\n",
            f":1:1: not-a-mapping This is not a Table Schema, which is a JSON object "
            f"(or YAML mapping): {SHAPE}.",
        ),
        (
            "list.json",
            b"[1, 2]\n",
            f":1:1: not-a-mapping This is not a Table Schema, which is a JSON object "
            f"(or YAML mapping): {SHAPE}.",
        ),
        (
            "picture.json",
            b"\x89PNG\r\n\x1a\n\x00\x00",
            f": not-text This is not a UTF-8 text file; a Table Schema is JSON or YAML text: "
            f"{SHAPE}.",
        ),
        (
            "notes.yaml",
            b"note: fields come later\n",
            f":1:1: missing-fields A Table Schema needs a non-empty `fields` list: {SHAPE}.",
        ),
    ],
)
def test_a_file_that_is_not_a_table_schema_is_told_what_one_looks_like(
    name: str, content: bytes, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["import-tableschema", str(path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert f"{path}{expected}" in lines
    assert lines[-1] == "1 error: nothing written."
    assert "spec: 1" not in "\n".join(lines)
