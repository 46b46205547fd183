"""Proof in LibreOffice that last year's figures beside this year's compute what
``docs/workbook-contract.md`` says, by hand, and what ``compute()`` computes.

Workbooks of the shipped templates are built with ``build_workbook(values=...,
last_year=...)``: a part-year this year (April, May and July; June blank) beside a whole
last year, with measures of every aggregate: sum (a count and hours), a ``weighted_by``
mean (satisfaction score, weighted by ratings), last (registered users, accounts) and
none (active users), plus a plain mean from ``tests/data/aggregate`` (no shipped measure
has one) and an annual template, where the only period compares whatever the aggregate.
The Last year, Change and Change % cells are found by their headings, the Dashboard's
Year on year table by its own, so nothing here relies on where the layout put them.
Blank templates must recalculate to blanks: no 0, no error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from engine import recalculate

from lks_templates.audit import audit_workbook
from lks_templates.build import build_workbook
from lks_templates.compute import compute
from lks_templates.preview import example_values
from lks_templates.spec import ResolvedTemplate, load_specs

pytestmark = pytest.mark.engine

ROOT = Path(__file__).parent.parent
SHIPPED = ROOT / "template_specs"
AGGREGATE = Path(__file__).parent / "data" / "aggregate"
HEADINGS = ("Last year", "Change", "Change %")


def _months(*values: Any) -> list[Any]:
    return list(values) + [None] * (12 - len(values))


Case = tuple[dict[str, list[Any]], dict[str, Sequence[float | None]], dict[str, tuple[Any, Any]]]
"""This year's measures, last year's, and by hand: measure -> (Year to date, Last year)."""

CASES: dict[str, Case] = {
    "impact": (
        {
            "impact_returns": _months(10, 12, None, 8),
            "impact_returns_positive": _months(9, 10, None, 8),
            "time_saved_hours": _months(1.5, None, None, 2.25),
            "satisfaction_score": _months(4.0, 3.5, None, 4.5),
            "satisfaction_ratings": _months(10, 20, None, 10),
            "case_studies_submitted": _months(),
            "evidence_searches": _months(30, 41, None, 25),
        },
        {
            "impact_returns": [9, 11, 30, 7, 50, 1, 1, 1, 1, 1, 1, 1],
            "impact_returns_positive": [0, 0, 5, 0, 1, 1, 1, 1, 1, 1, 1, 1],
            "time_saved_hours": [None, 3, 3, 4, 1, 1, 1, 1, 1, 1, 1, 1],
            "satisfaction_score": [3.0, 4.0, 5.0, 2.0, 1, 1, 1, 1, 1, 1, 1, 1],
            "satisfaction_ratings": [5, 15, 100, 10, 1, 1, 1, 1, 1, 1, 1, 1],
            "case_studies_submitted": [2] * 12,
        },
        {
            "impact_returns": (30, 9 + 11 + 7),
            "impact_returns_positive": (27, 0),
            "time_saved_hours": (1.5 + 2.25, 4),
            "satisfaction_score": (
                (4.0 * 10 + 3.5 * 20 + 4.5 * 10) / (10 + 20 + 10),
                (3.0 * 5 + 4.0 * 15 + 2.0 * 10) / (5 + 15 + 10),
            ),
            "satisfaction_ratings": (40, 30),
            "case_studies_submitted": ("", ""),
            "evidence_searches": (96, ""),
        },
    ),
    "reach-and-registration": (
        {
            "registered_users": _months(100, 110, None, 120),
            "openathens_accounts": _months(50, 60, 70),
            "new_registrations": _months(5, None, 7),
            "openathens_active_users": _months(900, 950),
        },
        {
            "registered_users": [90, 95, 97, 99, 101, 103, 105, 107, 109, 111, 113, 115],
            "openathens_accounts": [40, 45, None, 47, 48, 49, 50, 51, 52, 53, 54, 55],
            "new_registrations": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
            "openathens_active_users": [800] * 12,
        },
        {
            "registered_users": (120, 99),  # July's, the last month entered this year
            "openathens_accounts": (70, 45),  # June blank last year: May's
            "new_registrations": (12, 1 + 3),
        },
    ),
    "aggregate-template": (
        {
            "score": _months(4, None, 5),
            "searches": _months(2, 3),
            "members": _months(7),
            "active": _months(1),
        },
        {
            "score": [3, 2, 4.5, 1] + [1] * 8,
            "searches": [1] * 12,
            "members": [5, 6] + [0] * 10,
            "active": [3] * 12,
        },
        {"score": (4.5, (3 + 4.5) / 2), "searches": (5, 2), "members": (7, 5)},
    ),
    "supplementary-return": (
        {
            "satisfaction_score": [4.2],
            "openathens_active_users": [500],
            "registered_users": [10],
            "evidence_searches": [None],
            "search_hours": [12.5],
        },
        {
            "satisfaction_score": [3.9],
            "openathens_active_users": [400],
            "registered_users": [0],
            "evidence_searches": [40],
        },
        {
            "satisfaction_score": (4.2, 3.9),
            "openathens_active_users": (500, 400),  # one period: even `none` compares
            "registered_users": (10, 0),
            "evidence_searches": ("", 40),  # last year's value shows before this year's
            "search_hours": (12.5, ""),
        },
    ),
}
NOT_COMPARED = {
    "reach-and-registration": ["openathens_active_users"],
    "aggregate-template": ["active"],
}
"""Measures whose Year to date is blank (``none``): no Last year, no change."""


def _resolve(template_id: str) -> ResolvedTemplate:
    specs = AGGREGATE if template_id == "aggregate-template" else SHIPPED
    found = load_specs([specs]).resolve(template_id)
    assert found is not None
    return found


def _values(resolved: ResolvedTemplate, measures: dict[str, list[Any]]) -> dict[str, Any]:
    values = example_values(resolved) if resolved.template.id != "aggregate-template" else {}
    return {**values, "reporting_year": 2026, **measures}


def _by_hand(this: Any, last: Any) -> tuple[Any, Any, Any, Any]:
    if this == "" or last == "":
        return this, last, "", ""
    return this, last, this - last, ("" if last == 0 else (this - last) / abs(last))


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``<template>`` (filled) and ``<template> blank`` -> the recalculated workbook."""
    work = tmp_path_factory.mktemp("last-year")
    built: dict[str, Path] = {}
    for template_id, (measures, last_year, _) in CASES.items():
        resolved = _resolve(template_id)
        built[template_id] = build_workbook(
            resolved,
            work / f"{template_id}.xlsx",
            values=_values(resolved, measures),
            last_year=last_year,
        )
        built[f"{template_id} blank"] = build_workbook(resolved, work / f"{template_id}-b.xlsx")
    out = recalculate(list(built.values()), tmp_path_factory.mktemp("last-year-recalculated"))
    return dict(zip(built, out, strict=True))


def _name_cells(workbook: Any, name: str) -> list[Any]:
    [(sheet, ref)] = workbook.defined_names[name].destinations
    block = workbook[sheet][ref.replace("$", "")]
    return list(block[0]) if isinstance(block, tuple) else [block]


def data_sheet_figures(path: Path, measures: list[str]) -> dict[str, tuple[Any, ...]]:
    """Measure -> (Year to date, Last year, Change, Change %) as LibreOffice computed them:
    the columns headed so in the period header row (``lks_periods``), on the measure's row.
    Year to date is the cell just right of the measure's periods."""
    workbook = openpyxl.load_workbook(path, data_only=True)
    header = _name_cells(workbook, "lks_periods")[0]
    sheet = header.parent
    columns = {sheet.cell(header.row, col).value: col for col in range(1, sheet.max_column + 1)}
    found = {}
    for name in measures:
        cells = _name_cells(workbook, name)
        row, after = cells[-1].row, cells[-1].column + 1
        ytd = sheet.cell(row, after).value if len(cells) > 1 else cells[0].value
        found[name] = (ytd, *(sheet.cell(row, columns[h]).value for h in HEADINGS))
    return found


def dashboard_table(path: Path) -> dict[str, tuple[Any, ...]]:
    """Measure title -> the values of its row in the Dashboard's Year on year table."""
    sheet = openpyxl.load_workbook(path, data_only=True)["Dashboard"]
    [start] = [r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == "Year on year"]
    heads = {sheet.cell(start + 1, c).value: c for c in range(2, sheet.max_column + 1)}
    this = heads["This year to date" if "This year to date" in heads else "This year"]
    table: dict[str, tuple[Any, ...]] = {}
    row = start + 2
    while sheet.cell(row, 2).value:
        table[str(sheet.cell(row, 2).value)] = tuple(
            sheet.cell(row, col).value for col in (this, heads["Last year"], heads["Change %"])
        )
        row += 1
    return table


def _same(got: Any, want: Any) -> bool:
    if want == "" or want is None:
        return got is None or got == ""
    return isinstance(got, int | float) and got == pytest.approx(want, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("template_id", list(CASES))
def test_last_year_and_change_by_hand(template_id: str, recalculated: dict[str, Path]) -> None:
    _, _, by_hand = CASES[template_id]
    shown = data_sheet_figures(recalculated[template_id], list(by_hand))
    for name, (this, last) in by_hand.items():
        want = _by_hand(this, last)
        assert all(_same(g, w) for g, w in zip(shown[name], want, strict=True)), (
            name,
            shown[name],
            want,
        )


@pytest.mark.parametrize("template_id", list(CASES))
def test_the_cells_equal_compute(template_id: str, recalculated: dict[str, Path]) -> None:
    measures, last_year, _ = CASES[template_id]
    resolved = _resolve(template_id)
    values = _values(resolved, measures)
    profile = {f.name: values.get(f.name) for f in resolved.profile_fields}
    series = {name: values.get(name, []) for name in resolved.measure_names}
    computed = compute(resolved, profile, series, 2026, last_year=last_year)
    names = [f.name for f in resolved.measure_fields]
    shown = data_sheet_figures(recalculated[template_id], names)
    assert set(computed.year_on_year) == set(names) - set(NOT_COMPARED.get(template_id, []))
    for name, row in computed.year_on_year.items():
        want = (row.this_year, row.last_year, row.change, row.change_percent)
        assert all(_same(g, w) for g, w in zip(shown[name], want, strict=True)), (
            name,
            shown[name],
            want,
        )
    for name in NOT_COMPARED.get(template_id, []):
        assert all(_same(v, "") for v in shown[name]), name


@pytest.mark.parametrize("template_id", list(CASES))
def test_the_dashboard_shows_the_same(template_id: str, recalculated: dict[str, Path]) -> None:
    resolved = _resolve(template_id)
    names = [f.name for f in resolved.measure_fields]
    shown = data_sheet_figures(recalculated[template_id], names)
    table = dashboard_table(recalculated[template_id])
    compared = [n for n in names if n not in NOT_COMPARED.get(template_id, [])]
    assert list(table) == [resolved.dataset.field(n).title for n in compared]
    for name in compared:
        ytd, last, _, percent = shown[name]
        got = table[resolved.dataset.field(name).title]
        assert all(_same(g, w) for g, w in zip(got, (ytd, last, percent), strict=True)), name


@pytest.mark.parametrize("template_id", list(CASES))
def test_a_blank_template_shows_blanks(template_id: str, recalculated: dict[str, Path]) -> None:
    """No 0 and no error where nothing was entered, on the Data sheet and the Dashboard."""
    path = recalculated[f"{template_id} blank"]
    names = [f.name for f in _resolve(template_id).measure_fields]
    for name, figures in data_sheet_figures(path, names).items():
        assert all(v is None or v == "" for v in figures), (name, figures)
    for title, figures in dashboard_table(path).items():
        assert all(v is None or v == "" for v in figures), (title, figures)


@pytest.mark.parametrize("template_id", ["impact", "supplementary-return"])
def test_a_filled_workbook_passes_the_audit(template_id: str, tmp_path: Path) -> None:
    measures, last_year, _ = CASES[template_id]
    resolved = _resolve(template_id)
    path = build_workbook(
        resolved, tmp_path / "filled.xlsx", values=_values(resolved, measures), last_year=last_year
    )
    result = audit_workbook(path)
    assert result.passed, [(f.item, f.place, f.message) for f in result.failures]
