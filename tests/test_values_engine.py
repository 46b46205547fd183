"""LibreOffice proves two read-back fixes: formulas using ``reporting_year`` and overflow.

One recalculation serves the module: the template of ``tests/data/reporting-year/``
(formulas that name ``reporting_year``), built and filled, and a workbook of formulas whose
results pass the largest number a cell can hold. ``compute()`` and the evaluator must give
what LibreOffice shows, and the hand-worked values below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from engine import read_computed, recalculate

from lks_templates.build import build_workbook
from lks_templates.compute import compute
from lks_templates.formula import ExcelError, Value, evaluate, parse, to_excel
from lks_templates.formula.compiled import compile_expr
from lks_templates.formula.evaluate import EnvValue
from lks_templates.spec import ResolvedTemplate, load_specs

pytestmark = pytest.mark.engine

YEAR_SPECS = Path(__file__).parent / "data" / "reporting-year"
SEARCHES = [10, 20, None, 5] + [None] * 8
"""35 searches a year, none in June or after July."""

# Formula -> what a spreadsheet shows, by hand: 1e308 twice passes the largest number
# (about 1.797E+308), so the sum, the mean of the two (the sum comes first), products and
# powers past it are #NUM!; behind IFERROR they are blank, as every KPI cell is.
BIG: dict[str, EnvValue] = {"x": [1e308, 1e308], "y": 1e308, "z": 1.5e308}
OVERFLOW = [
    ("SUM(x)", "#NUM!"),
    ("AVERAGE(x)", "#NUM!"),
    ("SUMPRODUCT(x, x)", "#NUM!"),
    ("y * 10", "#NUM!"),
    ("y + y", "#NUM!"),
    ("-y - y", "#NUM!"),
    ("y / 0.1", "#NUM!"),
    ("y ^ 2", "#NUM!"),
    ('IFERROR(SUM(x), "")', None),
    ("SUM(x) / 2", "#NUM!"),
    ("MAX(x) / 2", 5e307),
    ("MEDIAN(x)", "#NUM!"),
    ("INT(z)", 1.5e308),
    ("ABS(0 - y)", 1e308),
    ("z % * 1000", "#NUM!"),
    ("y - y", 0.0),
]
# The one known difference (docs/formula-language.md): rounding 1.5E+308 to a power of ten
# gives 2E+308, past the largest number: Excel and the evaluator show #NUM!, LibreOffice
# leaves the number as it was.
DIVERGENT = [
    ("ROUND(z, -308)", "#NUM!", 1.5e308),
    ("ROUNDUP(z, -308)", "#NUM!", 1.5e308),
]
_CELLS = {"x": "Data!$A$1:$A$2", "y": "Data!$B$1", "z": "Data!$C$1"}


def _year_template() -> ResolvedTemplate:
    found = load_specs([YEAR_SPECS]).resolve("year-template")
    assert found is not None
    return found


def _overflow_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    formulas = workbook.active
    assert formulas is not None
    formulas.title = "F"
    data = workbook.create_sheet("Data")
    data["A1"], data["A2"], data["B1"], data["C1"] = 1e308, 1e308, 1e308, 1.5e308
    cases = [text for text, _ in OVERFLOW] + [text for text, _, _ in DIVERGENT]
    for row, text in enumerate(cases, start=1):
        formulas.cell(row, 1, "=" + to_excel(parse(text), _CELLS.__getitem__))
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("values-engine")
    resolved = _year_template()
    with_year = build_workbook(
        resolved,
        work / "with-year.xlsx",
        values={"reporting_year": 2026, "opened": 2001, "searches": SEARCHES},
    )
    without_year = build_workbook(
        resolved, work / "without-year.xlsx", values={"opened": 2001, "searches": SEARCHES}
    )
    overflow = _overflow_workbook(work / "overflow.xlsx")
    out = recalculate([with_year, without_year, overflow], work / "recalculated")
    book = openpyxl.load_workbook(out[2], data_only=True)
    try:
        count = len(OVERFLOW) + len(DIVERGENT)
        results = [book["F"].cell(row + 1, 1).value for row in range(count)]
    finally:
        book.close()
    return {
        "with": read_computed(out[0]).names,
        "without": read_computed(out[1]).names,
        "overflow": results,
    }


def _as_shown(value: Value) -> Any:
    """A computed value as openpyxl reads it from a recalculated cell (empty text: None)."""
    if value == "":
        return None
    return str(value) if isinstance(value, ExcelError) else value


def test_formulas_using_reporting_year_agree_with_libreoffice(shown: dict[str, Any]) -> None:
    names = shown["with"]
    # By hand: 2026 - 2001 = 25 years open; 35 searches / 25 = 1.4; 10 / 25 = 0.4 in April.
    assert names["years_open"] == [25]
    assert names["year_searches_per_year_open"] == [pytest.approx(1.4)]
    # openpyxl reads a formula's empty text as None.
    assert names["searches_per_year_open"][:4] == [
        pytest.approx(0.4),
        pytest.approx(0.8),
        None,
        pytest.approx(0.2),
    ]
    computed = compute(_year_template(), {"opened": 2001}, {"searches": SEARCHES}, 2026)
    assert computed.kpis == {"years_open": 25.0, "year_searches_per_year_open": 1.4}
    assert computed.derived["searches_per_year_open"][:4] == [0.4, 0.8, "", 0.2]
    assert computed.rules["opened_by_reporting_year"] == [True]
    # The rule flags LibreOffice computed: 1 passed (the April, May and July checks).
    assert names["opened_by_reporting_year"] == [1]
    assert names["searches_after_opening"][:4] == [1, 1, None, 1]


def test_a_blank_reporting_year_counts_as_zero_in_both(shown: dict[str, Any]) -> None:
    names = shown["without"]
    # By hand: 0 - 2001 years open; 35 / -2001 searches a year; the year rule fails.
    assert names["years_open"] == [-2001]
    assert names["year_searches_per_year_open"] == [pytest.approx(35 / -2001)]
    assert names["opened_by_reporting_year"] == [0]
    computed = compute(_year_template(), {"opened": 2001}, {"searches": SEARCHES}, None)
    assert computed.kpis["years_open"] == -2001.0
    assert computed.kpis["year_searches_per_year_open"] == pytest.approx(35 / -2001)
    assert computed.rules["opened_by_reporting_year"] == [False]


@pytest.mark.parametrize(("index", "case"), list(enumerate(OVERFLOW)))
def test_overflow_gives_what_libreoffice_shows(
    shown: dict[str, Any], index: int, case: tuple[str, Any]
) -> None:
    text, by_hand = case
    assert shown["overflow"][index] == by_hand
    assert _as_shown(evaluate(parse(text), BIG)) == by_hand
    assert _as_shown(compile_expr(parse(text))(BIG)) == by_hand


@pytest.mark.parametrize(("index", "case"), list(enumerate(DIVERGENT)))
def test_rounding_past_the_largest_number_is_num_as_in_excel(
    shown: dict[str, Any], index: int, case: tuple[str, Any, Any]
) -> None:
    text, excel, libreoffice = case
    assert shown["overflow"][len(OVERFLOW) + index] == libreoffice
    assert _as_shown(evaluate(parse(text), BIG)) == excel
    assert _as_shown(compile_expr(parse(text))(BIG)) == excel
