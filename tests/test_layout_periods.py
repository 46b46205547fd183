"""Period labels: months are dates; a quarter or a year reads as the NHS year, 2025-26."""

from __future__ import annotations

from pathlib import Path

import pytest

from lks_templates.layout import period_slots, plan_workbook
from lks_templates.spec import load_specs
from lks_templates.spec.models import Period

SHIPPED = Path(__file__).parent.parent / "template_specs"


def test_annual_label_reads_as_the_reporting_year() -> None:
    (slot,) = period_slots(Period(frequency="annual", year_start_month=4))
    assert slot.label(2025, 4) == "2025-26"
    assert slot.label(1999, 4) == "1999-00"
    assert slot.label(None, 4) == "Year"
    assert slot.label_formula("reporting_year", 4) == (
        '=IF(ISNUMBER(reporting_year),reporting_year&"-"&RIGHT(reporting_year+1,2),"Year")'
    )
    # A calendar reporting year is one calendar year.
    (calendar,) = period_slots(Period(frequency="annual", year_start_month=1))
    assert calendar.label(2025, 1) == "2025"


def test_quarter_and_month_labels() -> None:
    quarters = period_slots(Period(frequency="quarterly", year_start_month=4))
    assert [q.label(2025, 4) for q in quarters] == [
        "Q1 2025-26",
        "Q2 2025-26",
        "Q3 2025-26",
        "Q4 2025-26",
    ]
    assert [q.label(None, 4) for q in quarters] == ["Q1", "Q2", "Q3", "Q4"]
    months = period_slots(Period(frequency="monthly", year_start_month=4))
    assert [months[i].label(2025, 4) for i in (0, 8, 9, 11)] == [
        "Apr 2025",
        "Dec 2025",
        "Jan 2026",
        "Mar 2026",
    ]
    assert months[9].label_formula("reporting_year", 4) == (
        '=IF(ISNUMBER(reporting_year),DATE(reporting_year,13,1),"Jan")'
    )  # DATE rolls month 13 over into January of the next year, in Excel and LibreOffice


@pytest.mark.parametrize("template_id", ["staffing-and-finance", "supplementary-return"])
def test_annual_templates_label_their_period_by_formula(template_id: str) -> None:
    resolved = load_specs([SHIPPED]).resolve(template_id)
    assert resolved is not None
    plan = plan_workbook(resolved)
    sheet, a1 = plan.defined_names["lks_periods"].replace("$", "").split("!")
    formula = plan.formulas[(sheet, a1)]
    assert formula == (
        '=IF(ISNUMBER(reporting_year),reporting_year&"-"&RIGHT(reporting_year+1,2),"Year")'
    )
    # The Checks sheet repeats the label (text, so no date format on it).
    checks = plan.sheet("Checks")
    copies = [c for c in checks.cells.values() if c.formula == f"={sheet}!${a1[0]}${a1[1:]}"]
    assert len(copies) == 1 and copies[0].number_format == "General"


def test_about_sheet_speaks_of_the_year_in_an_annual_return() -> None:
    resolved = load_specs([SHIPPED]).resolve("supplementary-return")
    assert resolved is not None
    texts = [c.value for c in plan_workbook(resolved).sheet("About").cells.values()]
    assert any(isinstance(t, str) and t.startswith("2. Type the year's figures") for t in texts)
    assert not any(isinstance(t, str) and "Each month" in t for t in texts)
