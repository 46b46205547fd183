"""Values read wrongly or not at all: number text, huge numbers, error values, the year.

Every workbook is the shipped monthly-activity template built filled with the standard
return (``test_readback_support``), then one cell of its Data sheet is rewritten in the
zip the way Excel, a paste or a hostile sender would store it. Each test asserts the exact
problem (code, Sheet!cell, field) and what was kept of the cell.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from test_readback_support import (
    FORM,
    build,
    cell_of,
    form_values,
    good_return_path,
    monthly_values,
    plan_of,
    replace,
    rewrite,
    sheet_part,
    specs,
)

from lks_templates.build import build_workbook
from lks_templates.collection import write_collection
from lks_templates.readback import read_return
from lks_templates.readback.result import Return
from lks_templates.spec import load_specs

SHEET, SEARCHES = cell_of("evidence_searches", 0)  # April's evidence searches
_, YEAR = cell_of("reporting_year")
_, ORG_NAME = cell_of("org_name")


@pytest.fixture
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return good_return_path(tmp_path_factory)


def with_cell(source: Path, target: Path, cell: str, body: str) -> Path:
    """``source`` with the Data sheet's ``cell`` replaced by ``<c r=cell .../>`` + body.

    ``body`` is the rest of the element after its address, e.g. ``t="e"><v>#N/A</v></c>``.
    """
    part = sheet_part(source, SHEET)
    pattern = rf'<c r="{cell}"( s="\d+")?[^>]*?(?:/>|>.*?</c>)'
    return rewrite(source, target, {part: replace(pattern, rf'<c r="{cell}"\1 {body}')})


def read(path: Path) -> Return:
    result = read_return(path, specs=specs())
    assert result.readable, [p.format() for p in result.problems]
    return result


def located(result: Return) -> list[tuple[str, str, str, str]]:
    """(code, Sheet!cell, field, period) of every problem."""
    return [(p.code, f"{p.sheet}!{p.cell}", p.field, p.period) for p in result.problems]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


# -- item 4: text in a number cell always gives a number or a located type error ---------

NOT_NUMBERS = [
    "e5",
    "+e5",
    "-e5",
    "1e",
    ".e1",
    "e",
    "+",
    ".",
    "5e+",
    "inf",
    "-inf",
    "Infinity",
    "nan",
    "NaN",
    "1_000",
    "0x10",
    "1,00",
    "--5",
    "1e400",  # a number too large for any cell
    "\uff11\uff10",  # full-width digits 10: text to a spreadsheet
]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_text_that_is_not_a_number_is_a_located_type_error(
    good: Path, tmp_path: Path, text: str
) -> None:
    path = with_cell(
        good, tmp_path / "text.xlsx", SEARCHES, f't="inlineStr"><is><t>{text}</t></is></c>'
    )
    result = read(path)
    # The rule that uses the cell is not checked in April: the cell counts as blank.
    assert located(result) == [("type-error", f"{SHEET}!{SEARCHES}", "evidence_searches", "m01")]
    assert result.measures["evidence_searches"][:2] == [None, 10]
    assert result.raw_errors[("evidence_searches", "m01")] == text


@pytest.mark.parametrize(("text", "number"), [("1,000", 1000), (" 12 ", 12), ("1e3", 1000)])
def test_number_text_a_spreadsheet_converts_is_read_with_a_warning(
    good: Path, tmp_path: Path, text: str, number: int
) -> None:
    path = with_cell(
        good, tmp_path / "text.xlsx", SEARCHES, f't="inlineStr"><is><t>{text}</t></is></c>'
    )
    result = read(path)
    assert located(result) == [
        ("number-as-text", f"{SHEET}!{SEARCHES}", "evidence_searches", "m01")
    ]
    assert result.measures["evidence_searches"][0] == number


@pytest.mark.parametrize("field", ["evidence_searches", "search_hours"])  # integer, number
@pytest.mark.parametrize("stored", ["inf", "-INF", "NaN", "1e400"])
def test_a_stored_number_no_cell_can_hold_is_a_type_error(
    good: Path, tmp_path: Path, stored: str, field: str
) -> None:
    # The value reader turns these into infinity or NaN, which no spreadsheet stores.
    _, cell = cell_of(field, 0)
    path = with_cell(good, tmp_path / "stored.xlsx", cell, f"><v>{stored}</v></c>")
    result = read(path)
    assert located(result) == [("type-error", f"{SHEET}!{cell}", field, "m01")]
    assert result.measures[field][0] is None


def test_one_bad_number_text_costs_only_its_cell_in_a_batch(good: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(good.read_bytes())
    with_cell(good, folder / "b.xlsx", SEARCHES, 't="inlineStr"><is><t>+e5</t></is></c>')
    (folder / "c.xlsx").write_bytes(good.read_bytes())
    write_collection([folder], tmp_path / "out", specs=specs())
    values = read_csv(tmp_path / "out" / "values.csv")
    searches = {
        (Path(r["file"]).name, r["value"], r["problem"])
        for r in values
        if r["field"] == "evidence_searches" and r["period"] == "m01"
    }
    assert searches == {
        ("a.xlsx", "10", ""),
        ("b.xlsx", "'+e5", "type-error"),
        ("c.xlsx", "10", ""),
    }
    # Every other value of the bad file is still collected. The standard return has 7
    # profile values (the year included), 15 measures and 4 derived figures of 12 months,
    # and 8 KPIs: 243 values. In the bad file April's hours per search divides by a blank,
    # which the workbook shows blank, so it has one value fewer.
    names = ("a.xlsx", "b.xlsx", "c.xlsx")
    counts = {name: sum(1 for r in values if Path(r["file"]).name == name) for name in names}
    assert counts == {"a.xlsx": 243, "b.xlsx": 242, "c.xlsx": 243}


# -- item 5: numbers past the largest float -------------------------------------------


def test_two_huge_counts_give_blank_kpis_not_a_traceback(tmp_path: Path) -> None:
    searches = [1e308, 1e308] + [10] * 10
    result = read(build(tmp_path / "huge.xlsx", values=monthly_values(evidence_searches=searches)))
    # By hand: SUM(evidence_searches) passes the largest number, so every KPI over it is
    # #NUM! behind IFERROR: blank, as the workbook shows. The other KPIs are the standard
    # return's: 120 attendees, 84 documents, 78 information enquiries per 5,000 staff.
    assert result.kpis == {
        "evidence_searches_ytd": None,
        "searches_per_1000_staff": None,
        "attendees_per_1000_staff": 24.0,
        "document_supply_per_1000_staff": 16.8,
        "searches_per_qualified_wte": None,
        "mean_hours_per_search": None,
        "enquiries_per_1000_staff": 15.6,
        "training_user_hours_ytd": 180.0,
    }
    # searches * 40 passes it too, so the minutes check fails in April and May, as the
    # workbook's own flag cells show (the engine test proves 1E+308*10 is #NUM!).
    assert [(p.code, p.field, p.period) for p in result.problems] == [
        ("rule-failed", "search_hours_not_minutes", "m01"),
        ("rule-failed", "search_hours_not_minutes", "m02"),
    ]


# -- item 9: error values stored in entry cells ----------------------------------------


@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!"])
def test_an_error_value_in_a_measure_is_reported_and_kept(
    good: Path, tmp_path: Path, error: str
) -> None:
    path = with_cell(good, tmp_path / "error.xlsx", SEARCHES, f't="e"><v>{error}</v></c>')
    result = read(path)
    assert located(result) == [("error-value", f"{SHEET}!{SEARCHES}", "evidence_searches", "m01")]
    assert error in result.problems[0].message
    assert result.measures["evidence_searches"][:2] == [None, 10]
    assert result.raw_errors[("evidence_searches", "m01")] == error


def test_error_values_in_the_profile_and_the_year_are_reported(good: Path, tmp_path: Path) -> None:
    step = with_cell(good, tmp_path / "one.xlsx", ORG_NAME, 't="e"><v>#N/A</v></c>')
    path = with_cell(step, tmp_path / "two.xlsx", YEAR, 't="e"><v>#VALUE!</v></c>')
    result = read(path)
    # Neither is also reported as required-missing: the cell is not blank, it is unusable.
    assert located(result) == [
        ("error-value", f"{SHEET}!{YEAR}", "reporting_year", ""),
        ("error-value", f"{SHEET}!{ORG_NAME}", "org_name", ""),
    ]
    assert (result.reporting_year, result.profile["org_name"]) == (None, None)
    assert result.raw_errors[("reporting_year", "")] == "#VALUE!"


def test_an_error_cell_without_an_address_is_placed_by_its_row(good: Path, tmp_path: Path) -> None:
    part = sheet_part(good, SHEET)
    # April's cell written without r=, as the cell after C18: it is D18.
    edit = replace(
        rf'<c r="{SEARCHES}" s="(\d+)"><v>10</v></c>', r'<c s="\1" t="e"><v>#N/A</v></c>'
    )
    result = read(rewrite(good, tmp_path / "no-address.xlsx", {part: edit}))
    assert located(result) == [("error-value", f"{SHEET}!{SEARCHES}", "evidence_searches", "m01")]


def test_a_formula_showing_an_error_is_not_an_entry(good: Path, tmp_path: Path) -> None:
    # Excel stores a formula's error result as t="e" too; it is a result, not an entry.
    first = plan_of().defined_names["enquiries_total"].split("!")[1].split(":")[0]
    cell = first.replace("$", "")
    part = sheet_part(good, SHEET)
    edit = replace(rf'<c r="{cell}" s="(\d+)"><f>', rf'<c r="{cell}" s="\1" t="e"><f>')
    result = read(rewrite(good, tmp_path / "result.xlsx", {part: edit}))
    assert located(result) == []


def test_collect_keeps_the_error_text(good: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with_cell(good, folder / "error.xlsx", SEARCHES, 't="e"><v>#N/A</v></c>')
    write_collection([folder], tmp_path / "out", specs=specs())
    (value,) = [
        (r["value"], r["type"], r["problem"])
        for r in read_csv(tmp_path / "out" / "values.csv")
        if r["field"] == "evidence_searches" and r["period"] == "m01"
    ]
    assert value == ("#N/A", "string", "error-value")
    (problem,) = read_csv(tmp_path / "out" / "problems.csv")
    assert (problem["code"], problem["cell"], problem["value"]) == ("error-value", SEARCHES, "#N/A")


# -- item 16: a reporting year typed as text -------------------------------------------


def test_a_year_typed_as_text_is_read_with_a_warning(tmp_path: Path) -> None:
    result = read(build(tmp_path / "year.xlsx", values=monthly_values(reporting_year="2026")))
    assert located(result) == [("number-as-text", f"{SHEET}!{YEAR}", "reporting_year", "")]
    assert result.problems[0].severity == "warning"
    assert result.reporting_year == 2026


FULL_WIDTH_2026 = "\uff12\uff10\uff12\uff16"


@pytest.mark.parametrize(
    "typed", [FULL_WIDTH_2026, "\uff12\uff1026", "2026a", "2026.5", "1899", "MMXXVI", "e5"]
)
def test_a_year_that_is_not_a_year_is_a_located_type_error(tmp_path: Path, typed: str) -> None:
    result = read(build(tmp_path / "year.xlsx", values=monthly_values(reporting_year=typed)))
    assert located(result) == [("type-error", f"{SHEET}!{YEAR}", "reporting_year", "")]
    assert result.reporting_year is None
    assert result.raw_errors[("reporting_year", "")] == typed
    assert [p.start for p in result.periods] == [None] * 12


# -- numbers in date cells ---------------------------------------------------------------


def _form_with_date(source: Path, target: Path, stored: str) -> Path:
    """The impact case study with its date cell (date-formatted) storing ``stored``."""
    sheet, cell = cell_of("case_date", 0, FORM)
    part = sheet_part(source, sheet)
    edit = replace(rf'(<c r="{cell}" s="\d+"><v>)[^<]*(</v>)', rf"\g<1>{stored}\g<2>")
    return rewrite(source, target, {part: edit})


@pytest.mark.parametrize("stored", ["NaN", "0", "inf", "1e20", "2958466"])
def test_a_date_cell_storing_no_date_is_a_type_error(tmp_path: Path, stored: str) -> None:
    good = build(tmp_path / "form.xlsx", FORM, values=form_values())
    result = read(_form_with_date(good, tmp_path / "bad-date.xlsx", stored))
    sheet, cell = cell_of("case_date", 0, FORM)
    # NaN and 0 come from the value reader as 30/12/1899, before any spreadsheet date.
    assert located(result) == [("type-error", f"{sheet}!{cell}", "case_date", "")]
    assert result.profile["case_date"] is None


def test_a_date_cell_the_value_reader_cannot_convert_costs_only_its_file(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = build(folder / "a-good.xlsx", FORM, values=form_values())
    _form_with_date(good, folder / "b-bad.xlsx", "-1e308")  # the reader panics on it
    write_collection([folder], tmp_path / "out", specs=specs())
    problems = [
        (Path(r["file"]).name, r["code"]) for r in read_csv(tmp_path / "out" / "problems.csv")
    ]
    assert problems == [("b-bad.xlsx", "corrupt-file")]
    files = {Path(r["file"]).name for r in read_csv(tmp_path / "out" / "values.csv")}
    assert files == {"a-good.xlsx"}


# -- item 14: formulas that name reporting_year ------------------------------------------

YEAR_SPECS = Path(__file__).parent / "data" / "reporting-year"


def _year_return(tmp_path: Path, year: int | str) -> Return:
    year_specs = load_specs([YEAR_SPECS])
    resolved = year_specs.resolve("year-template")
    assert resolved is not None
    values: dict[str, Any] = {"reporting_year": year, "opened": 2001, "searches": [10, 20, None, 5]}
    path = build_workbook(resolved, tmp_path / "year.xlsx", values=values)
    result = read_return(path, specs=year_specs)
    assert result.readable
    return result


def test_kpis_and_rules_naming_reporting_year_are_computed(tmp_path: Path) -> None:
    result = _year_return(tmp_path, 2026)
    # By hand: 2026 - 2001 = 25 years; 35 searches / 25 = 1.4 (LibreOffice agrees:
    # test_values_engine.py). The rules pass, so there is no problem at all.
    assert result.kpis == {"years_open": 25.0, "year_searches_per_year_open": 1.4}
    assert result.derived["searches_per_year_open"][:4] == [0.4, 0.8, None, 0.2]
    assert result.problems == []


def test_a_rule_naming_an_unreadable_year_is_not_checked(tmp_path: Path) -> None:
    result = _year_return(tmp_path, FULL_WIDTH_2026)
    # Only the year itself is reported: the rules that use it would fail only because of it.
    assert [(p.code, p.field) for p in result.problems] == [("type-error", "reporting_year")]
