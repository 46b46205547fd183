"""Last year's figures beside this year's, on the Data sheet and the Dashboard.

The Data sheet gains, where nothing was before (so no existing cell or defined name
moves, and returns made before this block still read):

- last year's values, ``lks_last_year_<measure>`` in the measure's period order: with
  several periods a block below everything else (a heading, last year's period labels, a
  row per measure); with a single period one cell per measure in the Last year column.
  ``rollover`` fills them (``build_workbook(last_year=...)``); they are locked and grey
  like calculated cells, because they are last year's return as sent in, not something
  to type (and a typed figure would pass for last year's);
- three columns to the right of each measure's Year to date (of its only period, in an
  annual template): **Last year** (the same periods of last year, by
  :mod:`lks_templates.rules.lastyear`), **Change** and **Change %**.

The Dashboard gains a "Year on year" table below its charts (below its one printed page,
which keeps the tiles and charts at a readable size; the Data sheet prints the same
figures): each measure with a Last year figure, its Year to date, Last year and Change %.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lks_templates.layout import fields as fieldkit
from lks_templates.layout.data import (
    DATA,
    FIRST_COL,
    LABEL_COL,
    UNIT_COL,
    DataSheet,
    year_to_date_format,
)
from lks_templates.layout.model import SheetPlan, cell_name, range_name, sheet_ref
from lks_templates.rules.lastyear import (
    change_formula,
    change_percent_formula,
    comparable,
    last_year_formula,
    last_year_name,
)
from lks_templates.spec.models import FieldSpec

if TYPE_CHECKING:
    from lks_templates.layout.dashboard import Dashboard

HEADING = "Last year (filled in by rollover; leave blank)"
PERCENT = "+0.0%;-0.0%;0.0%"
"""Change % with its sign: a fall reads -4.0%, never as a bare 4.0%."""
COMPARE_WIDTH = 13.0
HEADER_HEIGHT = 2 * 12.75 + 2
"""Two lines of the header row: ``Last year`` and the like wrap in a narrow column."""


def numeric(f: FieldSpec) -> bool:
    return f.type in ("integer", "number")


def signed(fmt: str | None) -> str:
    """A number format that shows the sign of a change: ``+1,234``, ``-1,234``, ``0``."""
    base = fmt or "#,##0.0#"
    return f"+{base};-{base};0"


def add_last_year(data: DataSheet) -> None:
    """The Last year cells and the comparison columns of the Data sheet of ``data``.

    With several periods, last year's values are a block below everything else (one row
    per measure, a cell per period); with a single period, each is one cell in the Last
    year column beside the entry, where there is nothing to combine.
    """
    pos = data.pos
    if pos.header_row is None or not data.resolved.measure_fields:
        return
    if len(pos.slots) > 1:
        _block_below(data)
    else:
        data.sheet.put(3, LABEL_COL, ANNUAL_NOTE, style="note")
    _compare_columns(data)


ANNUAL_NOTE = (
    "Last year: last year's figures, filled in by rollover from last year's return "
    "(leave blank); Change compares your entry with them."
)


def _block_below(data: DataSheet) -> None:
    pos, sheet = data.pos, data.sheet
    data.row += 1
    words = {"monthly": "months", "quarterly": "quarters"}[data.template.period.frequency]
    note = (
        f"Last year beside Year to date combines last year's figures for the {words} "
        "entered this year only, so part of a year compares like with like."
    )
    sheet.put(data.row, LABEL_COL, note, style="note")
    data.row += 1
    heading = data.row  # directly above the rows it heads
    sheet.put(heading, LABEL_COL, HEADING, style="header")
    sheet.put(heading, UNIT_COL, "Unit", style="header")
    start = data.template.period.year_start_month
    for slot, col in zip(pos.slots, pos.period_cols(), strict=True):
        label = slot.label_formula("(reporting_year-1)", start)[1:]
        sheet.put(
            heading,
            col,
            slot.fallback,
            formula=f'=IF(ISNUMBER(reporting_year),{label},"{slot.fallback}")',
            style="period",
            number_format=slot.number_format,
        )
        data.year_on_year_cells.add((DATA, cell_name(heading, col)))
    data.row += 1
    ordered = sorted(data.resolved.measure_fields, key=lambda f: pos.measures[f.name])
    for f in ordered:
        row = data.row
        sheet.put(row, LABEL_COL, f.title, style="label")
        sheet.put(row, UNIT_COL, fieldkit.unit_label(f), style="unit")
        for col in pos.period_cols():
            sheet.put(row, col, None, style="calc", number_format=fieldkit.number_format(f))
        pos.last_year[f.name] = row
        data.names[last_year_name(f.name)] = pos.row_ref(row)
        data.last_year_inputs[f.name] = [(DATA, cell_name(row, col)) for col in pos.period_cols()]
        data.row += 1


def _compare_columns(data: DataSheet) -> None:
    pos, sheet = data.pos, data.sheet
    assert pos.header_row is not None
    periods = len(pos.slots)
    ytd_col = pos.total_col if pos.total_col is not None else pos.last_col
    first = ytd_col + 1
    pos.compare_col = first
    for offset in range(3):
        sheet.column_widths[first + offset] = COMPARE_WIDTH
    # Every header row of the measures (one per section) gains the three headings, so each
    # stays one full header row directly above its entries.
    for row in range(pos.header_row, max(pos.measures.values()) + 1):
        label = sheet.cells.get((row, LABEL_COL))
        if label is not None and label.style == "header":
            for offset, title in enumerate(("Last year", "Change", "Change %")):
                sheet.put(row, first + offset, title, style="header_wrap")
            sheet.row_heights.setdefault(row, HEADER_HEIGHT)
    for f in data.resolved.measure_fields:
        row = pos.measures[f.name]
        fmt = year_to_date_format(f) if periods > 1 else fieldkit.number_format(f)
        last_cell = cell_name(row, first)
        if periods == 1:
            # Last year's own value: the input cell rollover fills.
            sheet.put(row, first, None, style="calc", number_format=fmt)
            pos.last_year[f.name] = row
            data.names[last_year_name(f.name)] = sheet_ref(DATA, row, first)
            data.last_year_inputs[f.name] = [(DATA, last_cell)]
        if not comparable(f.aggregate, numeric(f), periods):
            for col in range(first + (periods == 1), first + 3):
                sheet.put(row, col, None, style="calc")
            continue
        if periods > 1:
            this = range_name(row, FIRST_COL, row, pos.last_col)
            last_row = pos.last_year[f.name]
            last = range_name(last_row, FIRST_COL, last_row, pos.last_col)
            weight = data.semantics.weights.get(f.name)
            weights = None
            if weight is not None:
                w_row = pos.last_year[weight]
                weights = range_name(w_row, FIRST_COL, w_row, pos.last_col)
            formula = last_year_formula(f.aggregate, this, last, weights)
            sheet.put(row, first, "", formula=formula, style="calc", number_format=fmt)
            data.year_on_year_cells.add((DATA, last_cell))
        total = cell_name(row, ytd_col)
        sheet.put(
            row,
            first + 1,
            "",
            formula=change_formula(total, last_cell),
            style="calc",
            number_format=signed(fmt),
        )
        sheet.put(
            row,
            first + 2,
            "",
            formula=change_percent_formula(total, last_cell),
            style="calc",
            number_format=PERCENT,
        )
        data.year_on_year_cells.update(
            (DATA, cell_name(row, col)) for col in range(first + 1, first + 3)
        )


def add_year_on_year(dashboard: Dashboard, row: int) -> int | None:
    """The Dashboard's "Year on year" table from ``row``; returns its last row (None when
    no measure has a Last year figure)."""
    data = dashboard.data
    pos = data.pos
    if pos.compare_col is None:
        return None
    periods = len(pos.slots)
    shown = [
        f
        for f in sorted(data.resolved.measure_fields, key=lambda f: pos.measures[f.name])
        if comparable(f.aggregate, numeric(f), periods)
    ]
    if not shown:
        return None
    s: SheetPlan = dashboard.sheet
    ytd_col = pos.total_col if pos.total_col is not None else pos.last_col
    this_title = "This year to date" if periods > 1 else "This year"
    s.put(row, 1, "Year on year", style="about_heading")
    s.row_heights[row] = 22.0
    row += 1
    titles = ("Measure", None, this_title, None, "Last year", None, "Change %")
    for col, title in enumerate(titles, start=1):
        s.put(row, col, title, style="header" if col == 1 else "header_wrap")
    row += 1
    for f in shown:
        source = pos.measures[f.name]
        fmt = year_to_date_format(f) if periods > 1 else fieldkit.number_format(f)
        s.put(row, 1, f.title, style="text")
        cells = (
            (3, sheet_ref(DATA, source, ytd_col), fmt),
            (5, sheet_ref(DATA, source, pos.compare_col), fmt),
            (7, sheet_ref(DATA, source, pos.compare_col + 2), PERCENT),
        )
        for col, ref, number_format in cells:
            s.put(
                row,
                col,
                "",
                formula=f'=IF(ISNUMBER({ref}),{ref},"")',
                style="calc",
                number_format=number_format,
            )
            data.year_on_year_cells.add((s.name, cell_name(row, col)))
        row += 1
    return row - 1
