"""Last year's figures in every template: the block, ``build_workbook(last_year=...)``,
read-back of old and new returns, and ``compute``'s year on year, worked by hand.

The LibreOffice proof that the cells compute the same is ``test_engine_last_year.py``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lks_templates.build import build_workbook
from lks_templates.compute import compute
from lks_templates.layout import plan_workbook
from lks_templates.preview import example_values
from lks_templates.readback import read_return
from lks_templates.readback.result import Return
from lks_templates.spec import ResolvedTemplate, load_specs

ROOT = Path(__file__).parent.parent
SPECS = ROOT / "template_specs"
BEFORE = Path(__file__).parent / "data" / "before-last-year"


def _resolve(template_id: str) -> ResolvedTemplate:
    found = load_specs([SPECS]).resolve(template_id)
    assert found is not None
    return found


def _months(*values: Any) -> list[Any]:
    return list(values) + [None] * (12 - len(values))


# A part-year (April, May and July entered; June left blank) beside a whole last year.
THIS_YEAR: dict[str, list[Any]] = {
    "impact_returns": _months(10, 12, None, 8),
    "impact_returns_positive": _months(9, 10, None, 8),
    "time_saved_hours": _months(1.5, None, None, 2.25),
    "satisfaction_score": _months(4.0, 3.5, None, 4.5),
    "satisfaction_ratings": _months(10, 20, None, 10),
    "evidence_searches": _months(30, 41, None, 25),
}
LAST_YEAR: dict[str, list[float | None]] = {
    "impact_returns": [9, 11, 30, 7, 50, 1, 1, 1, 1, 1, 1, 1],
    "impact_returns_positive": [0, 0, 5, 0, 1, 1, 1, 1, 1, 1, 1, 1],
    "time_saved_hours": [None, 3, 3, 4, 1, 1, 1, 1, 1, 1, 1, 1],
    "satisfaction_score": [3.0, 4.0, 5.0, 2.0, 1, 1, 1, 1, 1, 1, 1, 1],
    "satisfaction_ratings": [5, 15, 100, 10, 1, 1, 1, 1, 1, 1, 1, 1],
    "case_studies_submitted": [2] * 12,
}
# measure -> (Year to date, Last year over April, May and July) by hand; "" is blank.
BY_HAND: dict[str, tuple[Any, Any]] = {
    "impact_returns": (10 + 12 + 8, 9 + 11 + 7),
    "impact_returns_positive": (27, 0),  # last year 0: a change, but no percentage
    "time_saved_hours": (3.75, 4),  # last April blank: July alone compares
    "satisfaction_score": (
        (4.0 * 10 + 3.5 * 20 + 4.5 * 10) / (10 + 20 + 10),
        (3.0 * 5 + 4.0 * 15 + 2.0 * 10) / (5 + 15 + 10),
    ),
    "satisfaction_ratings": (40, 5 + 15 + 10),
    "case_studies_submitted": ("", ""),  # nothing entered this year: nothing compared
    "evidence_searches": (96, ""),  # no last year's figures
}


def _expected_change(this: Any, last: Any) -> tuple[Any, Any]:
    if this == "" or last == "":
        return "", ""
    return this - last, ("" if last == 0 else (this - last) / abs(last))


def _problems(result: Return) -> list[tuple[str, str, str, str]]:
    return [(p.code, p.sheet, p.cell, p.field) for p in result.problems]


@pytest.fixture(scope="module")
def impact() -> ResolvedTemplate:
    return _resolve("impact")


@pytest.fixture(scope="module")
def filled(impact: ResolvedTemplate, tmp_path_factory: pytest.TempPathFactory) -> Path:
    values = {**example_values(impact), **THIS_YEAR}
    values["case_studies_submitted"] = [None] * 12
    path = tmp_path_factory.mktemp("last-year") / "impact.xlsx"
    return build_workbook(impact, path, values=values, last_year=LAST_YEAR)


def test_compute_compares_the_periods_entered_this_year(impact: ResolvedTemplate) -> None:
    computed = compute(impact, {}, THIS_YEAR, 2026, last_year=LAST_YEAR)
    assert set(computed.year_on_year) == set(BY_HAND)
    for name, (this, last) in BY_HAND.items():
        row = computed.year_on_year[name]
        change, percent = _expected_change(this, last)
        for got, want in [
            (row.this_year, this),
            (row.last_year, last),
            (row.change, change),
            (row.change_percent, percent),
        ]:
            assert got == (want if want == "" else pytest.approx(want, rel=1e-12)), name


def test_without_last_year_compute_gives_no_comparison(impact: ResolvedTemplate) -> None:
    assert compute(impact, {}, THIS_YEAR, 2026).year_on_year == {}


def test_last_year_fills_exactly_the_named_locked_cells(filled: Path) -> None:
    workbook = openpyxl.load_workbook(filled)
    for measure, values in LAST_YEAR.items():
        [(sheet, ref)] = workbook.defined_names[f"lks_last_year_{measure}"].destinations
        [(own_sheet, own_ref)] = workbook.defined_names[measure].destinations
        cells = workbook[sheet][ref.replace("$", "")][0]
        own = workbook[own_sheet][own_ref.replace("$", "")][0]
        # Same period order: the same columns as the measure's entry cells, one row.
        assert [c.column for c in cells] == [c.column for c in own]
        assert [c.value for c in cells] == values
        assert all(c.protection.locked for c in cells)
    # A measure not given stays blank.
    [(sheet, ref)] = workbook.defined_names["lks_last_year_evidence_searches"].destinations
    assert all(c.value is None for c in workbook[sheet][ref.replace("$", "")][0])


@pytest.mark.parametrize("template_id", ["impact", "supplementary-return"])
def test_no_last_year_builds_the_template_byte_for_byte(template_id: str, tmp_path: Path) -> None:
    resolved = _resolve(template_id)
    shipped = (ROOT / "dist" / f"{template_id}.xlsx").read_bytes()
    nothing: list[dict[str, list[float | None]] | None] = [None, {}]
    for index, last_year in enumerate(nothing):
        path = build_workbook(resolved, tmp_path / f"{index}.xlsx", last_year=last_year)
        assert path.read_bytes() == shipped


def test_read_gives_last_year_and_the_comparison(filled: Path) -> None:
    result = read_return(filled)
    assert result.readable
    assert result.last_year["impact_returns"] == LAST_YEAR["impact_returns"]
    assert result.last_year["evidence_searches"] == [None] * 12
    assert set(result.year_on_year) == set(BY_HAND)
    for name, (this, last) in BY_HAND.items():
        row = result.year_on_year[name]
        change, percent = _expected_change(this, last)
        for got, want in [
            (row.this_year, this),
            (row.last_year, last),
            (row.change, change),
            (row.change_percent, percent),
        ]:
            assert got == (None if want == "" else pytest.approx(want, rel=1e-12)), name
    assert not [p for p in result.problems if p.field.startswith("lks_last_year_")]


def test_a_forms_has_no_last_year() -> None:
    plan = plan_workbook(_resolve("impact-case-study"))
    assert plan.last_year_inputs == {}
    assert not [n for n in plan.defined_names if n.startswith("lks_last_year_")]


@pytest.mark.parametrize("template_id", ["impact", "supplementary-return"])
def test_returns_made_before_the_block_read_as_before(template_id: str, tmp_path: Path) -> None:
    old = BEFORE / f"{template_id}.xlsx"
    with zipfile.ZipFile(old) as archive:
        assert b"lks_last_year_" not in archive.read("xl/workbook.xml")  # the premise
    resolved = _resolve(template_id)
    new = build_workbook(resolved, tmp_path / "new.xlsx", values=example_values(resolved))
    before, today = read_return(old), read_return(new)
    assert before.readable
    assert _problems(before) == _problems(today)
    assert not [p for p in before.problems if p.code in ("missing-name", "formula-overwritten")]
    assert before.measures == today.measures and before.profile == today.profile
    assert before.kpis == today.kpis and before.derived == today.derived
    assert before.last_year == {} and before.year_on_year == {}


def _cell_of(path: Path, name: str, index: int) -> tuple[str, str]:
    workbook = openpyxl.load_workbook(path)
    [(sheet, ref)] = workbook.defined_names[name].destinations
    cells = workbook[sheet][ref.replace("$", "")]
    row = cells[0] if isinstance(cells, tuple) else (cells,)
    return sheet, row[index].coordinate


def test_a_wrong_last_year_value_is_a_located_problem(
    impact: ResolvedTemplate, tmp_path: Path
) -> None:
    """Text where last year's number belongs, and a score above its maximum: each a
    problem at its cell, named by the block's name; the value counts as blank."""
    last_year: dict[str, Any] = {
        "impact_returns": [9, "n/a", 30],
        "satisfaction_score": [3.0, 7.0],
    }
    values = {**example_values(impact), **THIS_YEAR}
    path = build_workbook(impact, tmp_path / "bad.xlsx", values=values, last_year=last_year)
    result = read_return(path)
    found = {
        (p.code, p.sheet, p.cell, p.field, p.period)
        for p in result.problems
        if p.field.startswith("lks_last_year_")
    }
    returns, score = "lks_last_year_impact_returns", "lks_last_year_satisfaction_score"
    assert found == {
        ("type-error", *_cell_of(path, returns, 1), returns, "m02"),
        ("constraint-error", *_cell_of(path, score, 1), score, "m02"),
    }
    assert result.last_year["impact_returns"][:3] == [9, None, 30]
    # April and July compared; the unreadable May counts as blank: 9 by hand.
    assert result.year_on_year["impact_returns"].last_year == 9


def test_a_deleted_last_year_name_is_reported(filled: Path, tmp_path: Path) -> None:
    """A workbook with the block but one of its names deleted is not taken for an old
    return: the missing name is reported at its place, the others are read."""
    target = tmp_path / "deleted.xlsx"
    with zipfile.ZipFile(filled) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data, count = re.subn(
                    rb'<definedName name="lks_last_year_impact_returns">[^<]*</definedName>',
                    b"",
                    data,
                )
                assert count == 1
            out.writestr(item, data)
    result = read_return(target)
    missing = [p for p in result.problems if p.code == "missing-name"]
    sheet, first = _cell_of(filled, "lks_last_year_impact_returns", 0)
    assert [(p.field, p.sheet, p.cell) for p in missing] == [
        ("lks_last_year_impact_returns", sheet, first)
    ]
    assert "impact_returns" not in result.last_year
    assert result.last_year["satisfaction_ratings"] == LAST_YEAR["satisfaction_ratings"]


def test_read_prints_year_on_year(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lks_templates.cli import main

    assert main(["read", str(filled)]) == 0
    out = capsys.readouterr().out
    table = out.split("Year on year", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    rows = {line.split()[0]: line.split()[1:] for line in table[1:]}
    assert table[0].split() == ["Year", "to", "date", "Last", "year", "Change", "Change", "%"]
    # 30 against 27: +3, +11.1%; last year 0: a change, no percentage; nothing compared
    # where either year is blank.
    assert rows["impact_returns"] == ["30", "27", "+3", "+11.1%"]
    assert rows["impact_returns_positive"] == ["27", "0", "+27"]
    assert rows["time_saved_hours"] == [
        "3.75",
        "4.00",
        "-0.25",
        "-6.3%",
    ]  # -6.25% rounds away from 0
    assert rows["evidence_searches"] == ["96"]
    assert rows["case_studies_submitted"] == []


def test_read_json_has_last_year(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from lks_templates.cli import main

    assert main(["read", str(filled), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["last_year"]["impact_returns"] == LAST_YEAR["impact_returns"]
    assert data["year_on_year"]["impact_returns"] == {
        "this_year": 30,
        "last_year": 27,
        "change": 3,
        "change_percent": pytest.approx(3 / 27),
    }


def test_a_blank_block_reads_blank_and_compares_nothing(
    impact: ResolvedTemplate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """This year's template filled without last year's figures: the block is read (all
    blank), nothing is compared and ``read`` prints no Year on year."""
    from lks_templates.cli import main

    path = build_workbook(impact, tmp_path / "this-year.xlsx", values=example_values(impact))
    result = read_return(path)
    assert result.last_year == {m: [None] * 12 for m in impact.measure_names}
    assert result.year_on_year == {}
    assert main(["read", str(path)]) == 0
    assert "Year on year" not in capsys.readouterr().out
