"""Periods of a reporting year: how many, their labels, and their first days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lks_templates.spec.models import Period

if TYPE_CHECKING:
    from lks_templates.rules.semantics import Semantics

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
FULL_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_STEP = {"monthly": 1, "quarterly": 3, "annual": 12}


@dataclass(frozen=True)
class PeriodSlot:
    """One period of the year: its position, its month offset and its fallback label."""

    index: int
    """0-based position in the year."""
    month_offset: int
    """Months from the start of the reporting year to the period's first day."""
    fallback: str
    """Label shown while no reporting year is entered (``Apr``, ``Q1``, ``Year``)."""
    number_format: str
    """Format of the label cell once the year is entered (labels are real dates)."""
    key: str
    """Stable period key used in read-back and collected data (``m01``, ``q1``, ``year``)."""
    frequency: str = "monthly"
    """``monthly`` labels are real dates; ``quarterly`` and ``annual`` labels are text."""

    def start(self, reporting_year: int, year_start_month: int) -> dt.date:
        """First day of this period for a reporting year starting in ``reporting_year``."""
        months = year_start_month - 1 + self.month_offset
        return dt.date(reporting_year + months // 12, months % 12 + 1, 1)

    def label_formula(self, year: str, year_start_month: int) -> str:
        """Formula of the period label cell, given the name of the reporting-year cell.

        A month is a real date (formatted ``mmm yyyy``). A quarter or a year is text
        such as ``Q1 2025-26`` or ``2025-26``: a date cannot show a year that spans two
        calendar years. The fallback label stands while the year is blank.
        """
        if self.frequency == "monthly":
            month = year_start_month + self.month_offset
            shown = f"DATE({year},{month},1)"
        else:
            span = f'{year}&"-"&RIGHT({year}+1,2)' if year_start_month != 1 else f'{year}&""'
            shown = f'"{self.fallback} "&{span}' if self.frequency == "quarterly" else span
        return f'=IF(ISNUMBER({year}),{shown},"{self.fallback}")'

    def label(self, reporting_year: int | None, year_start_month: int) -> str:
        """The label :meth:`label_formula` shows, as text (``Apr 2025``, ``2025-26``)."""
        if reporting_year is None:
            return self.fallback
        if self.frequency == "monthly":
            start = self.start(reporting_year, year_start_month)
            return f"{MONTHS[start.month - 1]} {start.year}"
        span = str(reporting_year)
        if year_start_month != 1:
            span += f"-{(reporting_year + 1) % 100:02d}"
        return f"{self.fallback} {span}" if self.frequency == "quarterly" else span


def period_slots(period: Period) -> list[PeriodSlot]:
    """The periods of a reporting year, in order."""
    step = _STEP[period.frequency]
    count = 12 // step
    slots = []
    for index in range(count):
        offset = index * step
        month = MONTHS[(period.year_start_month - 1 + offset) % 12]
        if period.frequency == "monthly":
            slots.append(PeriodSlot(index, offset, month, "mmm yyyy", f"m{index + 1:02d}"))
        elif period.frequency == "quarterly":
            label = f"Q{index + 1}"
            slots.append(PeriodSlot(index, offset, label, "General", f"q{index + 1}", "quarterly"))
        else:
            slots.append(PeriodSlot(index, offset, "Year", "General", "year", "annual"))
    return slots


def period_starts(period: Period, reporting_year: int) -> list[dt.date]:
    """First day of every period of the reporting year starting in ``reporting_year``."""
    return [slot.start(reporting_year, period.year_start_month) for slot in period_slots(period)]


def coverage_text(period: Period, reporting_year: int | None, entered: list[bool]) -> str:
    """The periods entered in words, as the workbook's ``lks_coverage`` shows them.

    ``April to June 2025 (3 of 12 months)``, ``April 2025 to March 2026 (12 of 12
    months)``, ``Q1 to Q2 2025-26 (2 of 4 quarters)``, ``Whole year 2025-26``; gaps are in
    the count, not the span; "" while no period has an entry. Without a year, no years.
    """
    slots = period_slots(period)
    done = [i for i, flag in enumerate(entered[: len(slots)]) if flag]
    if not done:
        return ""
    first, last = slots[done[0]], slots[done[-1]]
    span = ""
    if reporting_year is not None:
        span = str(reporting_year)
        if period.year_start_month != 1:
            span += f"-{(reporting_year + 1) % 100:02d}"
    if period.frequency == "annual":
        return "Whole year" + (f" {span}" if span else "")
    if period.frequency == "quarterly":
        text = first.fallback + (f" to {last.fallback}" if last is not first else "")
        return text + (f" {span}" if span else "") + f" ({len(done)} of {len(slots)} quarters)"

    def month(slot: PeriodSlot) -> tuple[str, int]:
        months = period.year_start_month - 1 + slot.month_offset
        return FULL_MONTHS[months % 12], months // 12

    (first_name, first_shift), (last_name, last_shift) = month(first), month(last)
    text = first_name
    if reporting_year is not None and first_shift != last_shift:
        text += f" {reporting_year + first_shift}"
    if last is not first:
        text += f" to {last_name}"
    if reporting_year is not None:
        text += f" {reporting_year + last_shift}"
    return text + f" ({len(done)} of {len(slots)} months)"


PART_YEAR_NOTE = "Annual figure over {entered} of {expected} {unit}"
"""The note beside a KPI that mixes a figure for the whole year (a profile number such as
the year's spend) with the periods entered so far, while they are only part of the year.
The workbook (:func:`part_year_note_formula`) and ``read`` (:func:`part_year_note`) both
word it from here."""


def period_unit(period: Period) -> str:
    """``months``, ``quarters`` or ``years``: what the periods of ``period`` are called."""
    return {"monthly": "months", "quarterly": "quarters", "annual": "years"}[period.frequency]


def part_year_note(period: Period, entered: int) -> str:
    """``Annual figure over 3 of 12 months`` while 0 < ``entered`` < the periods of a year;
    "" for a whole year, for nothing entered, and for an annual return (one period)."""
    expected = len(period_slots(period))
    if expected == 1 or not 0 < entered < expected:
        return ""
    return PART_YEAR_NOTE.format(entered=entered, expected=expected, unit=period_unit(period))


def part_year_note_formula(period: Period, shown: str, entered: str) -> str:
    """Excel text (no ``=``) of :func:`part_year_note` for the figure in cell or name
    ``shown``, with ``entered`` the cell or name counting the periods entered
    (``lks_periods_entered``); blank while ``shown`` holds no number."""
    expected = len(period_slots(period))
    before, after = PART_YEAR_NOTE.split("{entered}")
    after = after.format(expected=expected, unit=period_unit(period))
    test = f"AND(ISNUMBER({shown}),{entered}>0,{entered}<{expected})"
    return f'IF({test},"{before}"&{entered}&"{after}","")'


def part_year_kpis(semantics: Semantics, period: Period) -> set[str]:
    """KPIs that get the part-year note (:func:`part_year_note`): those that mix an annual
    figure with measures (:meth:`Semantics.mixes_annual`), in a template of several
    periods."""
    if len(period_slots(period)) == 1:
        return set()
    return {f.name for f in semantics.kpis if semantics.mixes_annual(f)}
