"""The About sheet: the data dictionary and the table of how figures and checks work."""

from __future__ import annotations

from pathlib import Path

import pytest

from lks_templates.layout import plan_workbook
from lks_templates.layout.model import SheetPlan
from lks_templates.spec import load_specs

WORDING = Path(__file__).parent / "data" / "wording"
"""Test specs whose text these tests assert (the shipped specs' text may change)."""
# Columns of the About sheet's tables (column A is a margin).
FIGURE, FORMULA, UNIT, NOTES, KIND, NAME = range(1, 7)


def _about(template_id: str) -> SheetPlan:
    resolved = load_specs([WORDING]).resolve(template_id)
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
def annual() -> SheetPlan:
    return _about("wording-annual")


def test_a_check_row_fills_unit_and_notes_like_a_figure_row(annual: SheetPlan) -> None:
    row = _row_named(annual, "headcount_not_below_wte", "Check (error)")
    # The spec's message: "The team headcount is below the team WTE; nobody works more
    # than 1.0 WTE." The first clause names the check, the rest is advice.
    assert row[FIGURE] == "The team headcount is below the team WTE."
    assert row[UNIT] == "pass or fail"
    assert row[NOTES] == "Nobody works more than 1.0 WTE. An error must be fixed before sending."
    assert row[FORMULA] == "IF(team_headcount > 0, team_headcount >= team_wte, TRUE)"


def test_a_warning_says_to_look_again() -> None:
    row = _row_named(_about("wording-monthly"), "new_not_above_members", "Check (warning)")
    assert row[FIGURE] == "More new members than members."
    assert row[NOTES] == (
        "Check the two counts. A warning asks for a second look: fix the figure or confirm it."
    )
    assert row[UNIT] == "pass or fail"


def test_the_dictionary_says_how_a_measure_makes_its_year_to_date() -> None:
    about = _about("wording-monthly")
    # members is a count at the month end (aggregate: last in the dataset spec).
    notes = str(_row_named(about, "members")[NOTES])
    assert notes.endswith("Year to date: latest month: the last month entered, not added up.")
    assert str(_row_named(about, "new_members")[NOTES]).endswith(
        "Year to date: added up: the sum of the months entered."
    )
    # A profile field has one value: no Year to date.
    assert "Year to date" not in str(_row_named(about, "org_name")[NOTES])


def test_an_annual_template_has_no_year_to_date_in_its_dictionary(annual: SheetPlan) -> None:
    assert "Year to date" not in str(_row_named(annual, "loans")[NOTES])
