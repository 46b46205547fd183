"""compute(): the workbook's figures in Python, on hand-worked values."""

from __future__ import annotations

import datetime as dt

import pytest

from lks_templates.compute import cell_value, compute
from lks_templates.spec import ResolvedTemplate

NOT_CHECKED = [None] * 12


def test_blank_return_is_blank_everywhere(example: ResolvedTemplate) -> None:
    result = compute(example, {}, {}, None)
    assert result.derived == {"attendees_per_session": [""] * 12}
    assert result.derived_totals == {"attendees_per_session": ""}
    assert result.kpis == {"searches_per_1000_staff": "", "total_attendees": ""}
    assert result.rules == {"attendees_not_below_sessions": NOT_CHECKED}
    assert result.failures == 0


def test_partly_filled_year(example: ResolvedTemplate) -> None:
    profile = {"staff_headcount_served": 2000}
    measures = {
        "evidence_searches": [10, 20, None, 5],
        "training_sessions": [2, 0, None, 3, None],
        "training_attendees": [10, 0, None, 2, 4],
    }
    result = compute(example, profile, measures, 2026)
    # Apr 10/2; May sessions 0 -> 0 by the IF; Jun all blank; Jul 2/3; Aug sessions blank:
    # the figure needs both, so it is blank (a blank is never taken for 0).
    assert result.derived["attendees_per_session"][:5] == [5.0, 0.0, "", pytest.approx(2 / 3), ""]
    assert result.derived["attendees_per_session"][5:] == [""] * 7
    # Year to date: 16 attendees over 5 sessions.
    assert result.derived_totals["attendees_per_session"] == pytest.approx(3.2)
    # (10 + 20 + 5) searches / 2,000 staff * 1,000.
    assert result.kpis == {"searches_per_1000_staff": 17.5, "total_attendees": 16.0}
    # Apr 10 >= 2; May 0 >= 0; Jun not checked; Jul 2 >= 3 fails; Aug 4 >= blank passes.
    assert result.rules["attendees_not_below_sessions"][:5] == [True, True, None, False, True]
    assert result.failures == 1


def test_errors_show_as_blank(example: ResolvedTemplate) -> None:
    # Searches entered but no staff figure: the KPI divides by zero and shows blank.
    result = compute(example, {}, {"evidence_searches": [3]}, 2026)
    assert result.kpis["searches_per_1000_staff"] == ""
    # Staff of zero: the same.
    result = compute(example, {"staff_headcount_served": 0}, {"evidence_searches": [3]}, None)
    assert result.kpis["searches_per_1000_staff"] == ""


def test_zeros_are_figures_not_blanks(example: ResolvedTemplate) -> None:
    result = compute(
        example,
        {"staff_headcount_served": 100},
        {"evidence_searches": [0] * 12, "training_attendees": [0] * 12},
        2026,
    )
    assert result.kpis == {"searches_per_1000_staff": 0.0, "total_attendees": 0.0}
    # Attendees 0 and sessions blank: 0 >= 0 passes in every month.
    assert result.rules["attendees_not_below_sessions"] == [True] * 12


def test_text_in_a_number_cell_fails_the_check_not_the_workbook(example: ResolvedTemplate) -> None:
    result = compute(example, {}, {"training_sessions": ["three"], "training_attendees": [4]})
    # "three" >= ... compares text with a number: text is greater in spreadsheets, so
    # 4 >= "three" is FALSE and the check fails rather than erroring.
    assert result.rules["attendees_not_below_sessions"][0] is False
    assert result.derived["attendees_per_session"][0] == ""  # 4 / "three" -> #VALUE! -> blank


def test_form_rules_are_checked_once(form: ResolvedTemplate) -> None:
    assert compute(form, {}, {}).rules == {"time_saved_plausible": [None]}
    assert compute(form, {"time_saved_hours": 12}, {}).rules == {"time_saved_plausible": [True]}
    assert compute(form, {"time_saved_hours": 1200}, {}).rules == {"time_saved_plausible": [False]}


def test_cell_values() -> None:
    assert cell_value(dt.date(2026, 4, 1)) == 46113.0  # Excel's serial day number
    assert cell_value(None) is cell_value("")
    assert cell_value(3) == 3.0
    assert cell_value(True) is True


def test_a_kpi_needs_every_input_and_names_the_first_missing() -> None:
    """Shipped staffing-and-finance: cost per collection use needs total expenditure and
    all three uses; a blank is never taken for 0 (issue 9, case 1)."""
    from pathlib import Path

    from lks_templates.build import latest_templates

    root = Path(__file__).resolve().parent.parent / "template_specs"
    staffing = next(r for r in latest_templates([root]) if r.template.id == "staffing-and-finance")
    profile = {"spend_total": 1000, "staff_wte_served": 200}
    uses = {"loans": [40], "documents_supplied_users": [10], "counter_total_item_requests": [50]}
    whole = compute(staffing, profile, uses, 2025)
    assert whole.kpis["cost_per_collection_use"] == 10.0  # 1,000 / (40 + 10 + 50)
    assert whole.kpis["spend_per_staff_wte"] == 5.0  # 1,000 / 200
    assert whole.kpi_needs["cost_per_collection_use"] == ""
    no_loans = compute(staffing, profile, {**uses, "loans": [None]}, 2025)
    assert no_loans.kpis["cost_per_collection_use"] == ""  # never 1,000 / 60
    assert no_loans.kpi_needs["cost_per_collection_use"] == "Needs loans"
    neither = compute(staffing, {"staff_wte_served": 200}, {**uses, "loans": [None]}, 2025)
    assert neither.kpi_needs["cost_per_collection_use"] == "Needs total expenditure and more"
    assert neither.kpis["spend_per_staff_wte"] == ""
    gaps = {i.name: i.missing for i in neither.incomplete if i.kind == "kpi"}
    assert gaps["spend_per_staff_wte"] == ("spend_total",)
    assert gaps["cost_per_collection_use"] == ("spend_total", "loans")
    assert gaps["staff_per_qualified_librarian"] == ("lks_wte_qualified",)
