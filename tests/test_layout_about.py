"""The About sheet: the data dictionary and the table of how figures and checks work."""

from __future__ import annotations

from pathlib import Path

import pytest

from lks_templates.layout import plan_workbook
from lks_templates.layout.model import SheetPlan
from lks_templates.spec import load_specs

SHIPPED = Path(__file__).parent.parent / "template_specs"
# Columns of the About sheet's tables (column A is a margin).
FIGURE, FORMULA, UNIT, NOTES, KIND, NAME = range(1, 7)


def _about(template_id: str) -> SheetPlan:
    resolved = load_specs([SHIPPED]).resolve(template_id)
    assert resolved is not None
    return next(s for s in plan_workbook(resolved).sheets if s.name == "About")


def _row_named(sheet: SheetPlan, name: str, kind: str | None = None) -> dict[int, object]:
    """The cells of the table row whose last column holds ``name`` (and Kind ``kind``)."""
    rows = {
        r
        for (r, c), cell in sheet.cells.items()
        if c == NAME
        and cell.value == name
        and (kind is None or sheet.cells[(r, KIND)].value == kind)
    }
    assert len(rows) == 1, (name, rows)
    row = rows.pop()
    return {c: cell.value for (r, c), cell in sheet.cells.items() if r == row}


@pytest.fixture(scope="module")
def staffing() -> SheetPlan:
    return _about("staffing-and-finance")


def test_a_check_row_fills_unit_and_notes_like_a_figure_row(staffing: SheetPlan) -> None:
    row = _row_named(staffing, "headcount_not_below_wte", "Check (error)")
    # The spec's message: "LKS staff headcount is smaller than LKS staff WTE; one person
    # is at most 1.0 WTE." The first clause names the check, the rest is advice.
    assert row[FIGURE] == "LKS staff headcount is smaller than LKS staff WTE."
    assert row[UNIT] == "pass or fail"
    assert row[NOTES] == "One person is at most 1.0 WTE. An error must be fixed before sending."
    assert row[FORMULA] == "IF(lks_headcount > 0, lks_headcount >= lks_wte_total, TRUE)"


def test_a_warning_says_to_look_again(staffing: SheetPlan) -> None:
    row = _row_named(staffing, "banded_wte_matches_total", "Check (warning)")
    assert str(row[NOTES]).endswith(
        "A warning asks for a second look: fix the figure or confirm it."
    )
    assert row[UNIT] == "pass or fail"


def test_the_dictionary_says_how_a_measure_makes_its_year_to_date() -> None:
    about = _about("reach-and-registration")
    # registered_users is a count at the month end (aggregate: last in the dataset spec).
    notes = str(_row_named(about, "registered_users")[NOTES])
    assert notes.endswith("Year to date: latest month: the last month entered, not added up.")
    assert str(_row_named(about, "new_registrations")[NOTES]).endswith(
        "Year to date: added up: the sum of the months entered."
    )
    # A profile field has one value: no Year to date.
    assert "Year to date" not in str(_row_named(about, "org_name")[NOTES])


def test_an_annual_template_has_no_year_to_date_in_its_dictionary(staffing: SheetPlan) -> None:
    assert "Year to date" not in str(_row_named(staffing, "loans")[NOTES])
