"""returns.csv: one row per return read, each column checked against what the returns
were built with (shipped templates, values chosen by hand) and against problems.csv."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_readback_support import (
    ANNUAL,
    FORM,
    MONTHLY,
    PROFILE,
    build,
    form_values,
    shipped_version,
    specs,
)

import lks_templates
from lks_templates.cli import main
from lks_templates.collection import RETURN_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
FIXED = [
    "file",
    "template_id",
    "template_version",
    "org_ods_code",
    "org_name",
    "reporting_year",
    "periods_expected",
    "periods_entered",
    "first_period",
    "last_period",
    "errors",
    "warnings",
]
SEARCHES = [12, 30, 18]  # April, May, June; nothing entered after June
HOSTILE_NAME = "=HYPERLINK(1)"


def kpi_names(template: str) -> list[str]:
    """The KPI names of a shipped spec, in its order, read from the YAML itself."""
    spec = yaml.safe_load((ROOT / "template_specs" / f"{template}.yaml").read_text())
    return [kpi["name"] for kpi in spec["kpis"]]


def april_to_june(**profile: Any) -> dict[str, Any]:
    """A monthly-activity return with evidence searches and training for April to June only."""
    blank = [None] * 9
    return {
        **PROFILE,
        **profile,
        "evidence_searches": [*SEARCHES, *blank],
        "training_attendees": [5, 0, 10, *blank],
    }


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("returns")
    build(folder / "a-spring.xlsx", MONTHLY, april_to_june())
    build(
        folder / "b-no-headcount.xlsx",
        MONTHLY,
        april_to_june(org_ods_code="RYY", org_name=HOSTILE_NAME, staff_headcount_served=None),
    )
    shutil.copy(folder / "a-spring.xlsx", folder / "c-spring-again.xlsx")
    (folder / "d-corrupt.xlsx").write_bytes((folder / "a-spring.xlsx").read_bytes()[:3000])
    build(folder / "e-annual.xlsx", ANNUAL, {"reporting_year": 2026, "org_ods_code": "RZZ"})
    build(folder / "f-case-study.xlsx", FORM, form_values())
    result = tmp_path_factory.mktemp("out")
    assert main(["collect", str(folder), "--out", str(result)]) == 1  # the corrupt file
    return result


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def header_of(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as stream:
        return next(csv.reader(stream))


def by_file(out: Path) -> dict[str, dict[str, str]]:
    return {Path(row["file"]).name: row for row in table(out / "returns.csv")}


def test_columns_are_the_fixed_ones_then_the_union_of_kpis(out: Path) -> None:
    header = header_of(out / "returns.csv")
    assert list(RETURN_COLUMNS) == FIXED
    # Templates by id (monthly-activity before staffing-and-finance), each in spec order.
    monthly, annual = kpi_names(MONTHLY), kpi_names(ANNUAL)
    assert header == FIXED + monthly + [name for name in annual if name not in monthly]
    assert sorted(by_file(out)) == [
        "a-spring.xlsx",
        "b-no-headcount.xlsx",
        "c-spring-again.xlsx",
        "d-corrupt.xlsx",
        "e-annual.xlsx",
        "f-case-study.xlsx",
    ]


def test_periods_and_profile_of_a_partial_year(out: Path) -> None:
    row = by_file(out)["a-spring.xlsx"]
    assert row["template_id"] == MONTHLY
    assert row["template_version"] == shipped_version(MONTHLY)
    assert row["org_ods_code"] == PROFILE["org_ods_code"]
    assert row["org_name"] == PROFILE["org_name"]
    assert row["reporting_year"] == "2026"
    assert (row["periods_expected"], row["periods_entered"]) == ("12", "3")
    assert (row["first_period"], row["last_period"]) == ("m01", "m03")
    annual = by_file(out)["e-annual.xlsx"]
    assert (annual["periods_expected"], annual["periods_entered"]) == ("1", "0")
    assert (annual["first_period"], annual["last_period"]) == ("", "")
    form = by_file(out)["f-case-study.xlsx"]  # a form has no periods and no KPIs
    assert (form["template_id"], form["periods_expected"], form["periods_entered"]) == (
        FORM,
        "0",
        "0",
    )
    assert all(form[name] == "" for name in kpi_names(MONTHLY))


def test_kpis_worked_by_hand_and_blank_without_their_input(out: Path) -> None:
    rows = by_file(out)
    spring, no_headcount = rows["a-spring.xlsx"], rows["b-no-headcount.xlsx"]
    assert float(spring["evidence_searches_ytd"]) == 60  # 12 + 30 + 18
    assert float(spring["searches_per_1000_staff"]) == pytest.approx(60 / 5000 * 1000)
    assert float(spring["attendees_per_1000_staff"]) == pytest.approx(15 / 5000 * 1000)
    # No headcount: the per-staff KPIs are blank, the year-to-date count is not.
    assert float(no_headcount["evidence_searches_ytd"]) == 60
    assert no_headcount["searches_per_1000_staff"] == ""
    assert no_headcount["attendees_per_1000_staff"] == ""
    # A KPI of the other template is blank for a monthly return, and the reverse.
    assert all(spring[name] == "" for name in kpi_names(ANNUAL) if name not in kpi_names(MONTHLY))
    assert rows["e-annual.xlsx"]["evidence_searches_ytd"] == ""


def test_errors_and_warnings_are_the_rows_of_problems_csv(out: Path) -> None:
    problems = table(out / "problems.csv")
    for name, row in by_file(out).items():
        mine = [p for p in problems if p["file"] == row["file"]]
        assert int(row["errors"]) == sum(p["severity"] == "error" for p in mine), name
        assert int(row["warnings"]) == sum(p["severity"] == "warning" for p in mine), name
    # The copy keeps its row, as values.csv keeps its values; its duplicate error counted.
    rows = by_file(out)
    again, first = rows["c-spring-again.xlsx"], rows["a-spring.xlsx"]
    assert int(again["errors"]) == int(first["errors"]) + 1
    assert {k: v for k, v in again.items() if k not in ("file", "errors")} == {
        k: v for k, v in first.items() if k not in ("file", "errors")
    }
    # figure-incomplete warnings: one for each blank per-staff KPI without a headcount.
    assert int(rows["b-no-headcount.xlsx"]["warnings"]) > int(first["warnings"])


def test_a_corrupt_file_still_has_its_row(out: Path) -> None:
    row = by_file(out)["d-corrupt.xlsx"]
    problems = [p for p in table(out / "problems.csv") if p["file"] == row["file"]]
    assert [p["code"] for p in problems] == ["corrupt-file"]
    assert (row["errors"], row["warnings"]) == ("1", "0")
    assert all(
        value == "" for key, value in row.items() if key not in ("file", "errors", "warnings")
    )


def test_text_is_escaped_in_csv_and_raw_in_python(out: Path, tmp_path: Path) -> None:
    assert by_file(out)["b-no-headcount.xlsx"]["org_name"] == "'" + HOSTILE_NAME
    folder = Path(by_file(out)["b-no-headcount.xlsx"]["file"]).parent
    collection = lks_templates.collect([folder], specs=specs())
    frame = collection.returns
    assert list(frame.columns) == header_of(out / "returns.csv")
    row = frame[frame["file"].str.endswith("b-no-headcount.xlsx")].iloc[0]
    assert row["org_name"] == HOSTILE_NAME
    assert row["periods_entered"] == "3"


def test_data_package_describes_returns_csv(out: Path) -> None:
    import importlib.util

    package = json.loads((out / "datapackage.json").read_text())
    resource = next(r for r in package["resources"] if r["name"] == "returns")
    header = header_of(out / "returns.csv")
    assert [f["name"] for f in resource["schema"]["fields"]] == header
    types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    assert types["errors"] == "integer" and types["evidence_searches_ytd"] == "number"
    if importlib.util.find_spec("frictionless") is None:
        pytest.skip("frictionless is not installed: pip install -e '.[test]'")
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", str(out / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_same_rows_with_several_processes(out: Path, tmp_path: Path) -> None:
    folder = Path(by_file(out)["a-spring.xlsx"]["file"]).parent
    assert main(["collect", str(folder), "--out", str(tmp_path), "--jobs", "2"]) == 1
    assert (tmp_path / "returns.csv").read_bytes() == (out / "returns.csv").read_bytes()


def test_parquet_holds_the_same_rows_raw(out: Path, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    folder = Path(by_file(out)["a-spring.xlsx"]["file"]).parent
    assert main(["collect", str(folder), "--out", str(tmp_path), "--parquet"]) == 1
    frame = pd.read_parquet(tmp_path / "returns.parquet")
    assert list(frame.columns) == header_of(out / "returns.csv")
    assert len(frame) == len(table(out / "returns.csv")) == 6
    assert HOSTILE_NAME in frame["org_name"].tolist()  # the raw text, unescaped
