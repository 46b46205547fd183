"""Last year's figures beside this year's: the rule the workbook and ``compute`` share.

Every template carries a block of last year's values, one row per measure under the
defined name ``lks_last_year_<measure>``, in the same period order as the measure's entry
cells (``rollover`` fills it; it is empty otherwise). Beside each measure's Year to date
the workbook shows three figures, and :func:`year_on_year` computes the same in Python:

- **Last year**: last year's values combined by the measure's ``aggregate`` (and
  ``weighted_by``), over the periods *entered this year* only, so that a part-year is
  compared like with like (April to June with April to June). Blank while this year or
  last year has no number in any of those periods; blank for ``none``. A template with a
  single period has nothing to combine: its Last year cell *is* last year's value (the
  block's cell, beside the entry), whatever the aggregate.
- **Change**: this year's Year to date minus Last year; blank when either is blank.
- **Change %**: Change over the size of Last year; blank when either is blank or Last
  year is 0 (no honest percentage exists). Never a 0 for a blank.

The formulas avoid array entry: SUMPRODUCT and LOOKUP take arrays in every spreadsheet
application, and ``ISNUMBER(this)*ISNUMBER(last)`` is the mask of periods compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lks_templates.formula import ExcelError, Value
from lks_templates.rules.semantics import year_to_date_value
from lks_templates.spec.models import Aggregate
from lks_templates.spec.names import LAST_YEAR_PREFIX

PREFIX = LAST_YEAR_PREFIX
"""Defined names of the block: ``lks_last_year_<measure>`` (``spec.names`` reserves them)."""


def last_year_name(measure: str) -> str:
    """The defined name over last year's values of ``measure``."""
    return PREFIX + measure


def comparable(aggregate: Aggregate, numeric: bool, periods: int) -> bool:
    """Whether a measure gets a Last year figure: a number whose periods combine (any
    aggregate but ``none``), or any number of a single-period template."""
    return numeric and (periods == 1 or aggregate != "none")


def last_year_formula(
    aggregate: Aggregate,
    this: str,
    last: str,
    last_weights: str | None = None,
) -> str | None:
    """The Last year cell of a template with several periods: ``last`` (last year's
    cells) combined over the periods where ``this`` (this year's cells, same order) has a
    number. None: no figure (``none``).

    ``last_weights``: last year's cells of the weight of a ``weighted_by`` mean; the
    weighted mean is ``SUMPRODUCT(values, weights) / SUM(weights)`` over the same periods,
    as :data:`~lks_templates.rules.semantics.WEIGHTED_MEAN` is for this year.
    """
    mask = f"ISNUMBER({this})*ISNUMBER({last})"
    entered = f"ISNUMBER({this})*1"
    if aggregate == "mean" and last_weights is not None:
        body = f"SUMPRODUCT({entered},{last},{last_weights})/SUMPRODUCT({entered},{last_weights})"
    else:
        bodies = {
            "sum": f"SUMPRODUCT({mask},{last})",
            "mean": f"SUMPRODUCT({mask},{last})/SUMPRODUCT({mask})",
            "last": f"LOOKUP(2,1/({mask}),{last})",
        }
        if aggregate not in bodies:
            return None
        body = bodies[aggregate]
    return f'=IF(SUMPRODUCT({mask})=0,"",IFERROR({body},""))'


def change_formula(this: str, last: str) -> str:
    """The Change cell: ``this`` (the Year to date cell) minus ``last`` (Last year)."""
    return f'=IF(AND(ISNUMBER({this}),ISNUMBER({last})),{this}-{last},"")'


def change_percent_formula(this: str, last: str) -> str:
    """The Change % cell: the change over the size of last year (blank when it is 0)."""
    return (
        f"=IF(AND(ISNUMBER({this}),ISNUMBER({last})),"
        f'IF({last}=0,"",({this}-{last})/ABS({last})),"")'
    )


def last_year_value(
    aggregate: Aggregate,
    this: Sequence[Value],
    last: Sequence[Value],
    last_weights: Sequence[Value] | None = None,
) -> Value:
    """What :func:`last_year_formula` shows: last year's values of the periods where
    ``this`` has a number, combined as this year's Year to date is
    (:func:`~lks_templates.rules.semantics.year_to_date_value`); ``""`` when blank."""
    count = len(this)
    last = list(last)[:count] + [""] * (count - len(last))
    entered = [type(v) is float for v in this]
    if count == 1:
        return last[0] if type(last[0]) is float else ""  # the cell itself
    if not any(e and type(v) is float for e, v in zip(entered, last, strict=True)):
        return ""
    if aggregate != "last" and any(isinstance(v, ExcelError) for v in last):
        return ""  # SUMPRODUCT gives the error, IFERROR the blank
    masked: list[Value] = [v if e else "" for e, v in zip(entered, last, strict=True)]
    weights: list[Value] | None = None
    if aggregate == "mean" and last_weights is not None:
        given = list(last_weights)[:count] + [""] * (count - len(last_weights))
        if any(isinstance(v, ExcelError) for v in given):
            return ""
        weights = [w if e else "" for e, w in zip(entered, given, strict=True)]
    else:
        masked = [v if type(v) is float else "" for v in masked]
    value = year_to_date_value(aggregate, masked, weights)
    return "" if isinstance(value, ExcelError) else value


def change_value(this: Value, last: Value) -> Value:
    """What :func:`change_formula` shows."""
    if type(this) is float and type(last) is float:
        return this - last
    return ""


def change_percent_value(this: Value, last: Value) -> Value:
    """What :func:`change_percent_formula` shows (a fraction: 0.05 is 5%)."""
    if type(this) is float and type(last) is float and last != 0:
        return (this - last) / abs(last)
    return ""


@dataclass(frozen=True)
class YearOnYear:
    """One measure's comparison: this year to date, last year over the same periods, and
    the change; ``""`` where the workbook shows a blank."""

    this_year: Value
    last_year: Value
    change: Value
    change_percent: Value


def year_on_year(this_total: Value, last_total: Value) -> YearOnYear:
    """The comparison of a Year to date with its Last year figure."""
    return YearOnYear(
        this_total,
        last_total,
        change_value(this_total, last_total),
        change_percent_value(this_total, last_total),
    )
