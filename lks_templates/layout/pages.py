"""Printed pages of a sheet: charts stacked down a sheet, never cut across two pages.

A chart floats over the cells it covers, and a spreadsheet prints it on whichever pages
those rows fall, cut where a page ends. :func:`stack_charts` places charts one below the
other and puts a manual page break above any chart that would not fit whole on the page
it starts on. A spreadsheet ignores manual breaks on a sheet set to fit its pages, so the
sheet is given a print scale that fits its width instead (:func:`print_scale`). The page
arithmetic follows the renderer's metrics: 7 pixels per column-width unit plus 5 of
padding, 17 pixels for a row of default height, row heights in points (4/3 pixel), 96
pixels to the inch; a margin of safety covers spreadsheets that lay out a little larger.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from lks_templates.layout.model import ChartPlan, SheetPlan

PIXELS_PER_INCH = 96
DEFAULT_ROW = 17
"""Pixels of a row of default height (the renderer's ``default_row_height``)."""
DEFAULT_COLUMN = 64
"""Pixels of a column of default width."""
PAPER = {9: (8.27, 11.69), 1: (8.5, 11.0), 8: (11.69, 16.54)}
"""Paper number (xlsxwriter's) -> width and height in inches, portrait: A4, Letter, A3."""
SAFETY = 0.9
"""The share of a page's width counted as usable (LibreOffice lays columns out wider)."""
HEIGHT_SAFETY = 0.95
"""The share of a page's height counted as usable, for spreadsheets' own rounding."""


def column_pixels(width: float) -> int:
    """Pixels of a column ``width`` characters wide (Arial 10: 7 pixels a digit)."""
    if width < 1:
        return int(width * 12 + 0.5)
    return int(width * 7 + 0.5) + 5


def row_pixels(sheet: SheetPlan, row: int) -> float:
    """Pixels of ``row`` of ``sheet``: 0 when hidden."""
    if row in sheet.hidden_rows:
        return 0.0
    points = sheet.row_heights.get(row)
    return DEFAULT_ROW if points is None else points * 4 / 3


def _page_inches(sheet: SheetPlan) -> tuple[float, float]:
    """Printable width and height of a page of ``sheet``, in inches."""
    page = sheet.page
    short, long = PAPER.get(page.paper, PAPER[9])
    width, height = (long, short) if page.landscape else (short, long)
    left, right, top, bottom = page.margins
    return width - left - right, height - top - bottom


def print_scale(sheet: SheetPlan, columns: int) -> int:
    """The print scale (percent, 10 to 100) at which the first ``columns`` columns of
    ``sheet`` fit the width of a page."""
    total = sum(column_pixels(sheet.column_widths.get(c, 0)) if c in sheet.column_widths
                else DEFAULT_COLUMN for c in range(columns))  # fmt: skip
    width, _height = _page_inches(sheet)
    # LibreOffice lays columns out about 5% wider than these pixels: the margin of safety.
    return max(10, min(100, math.floor(100 * SAFETY * width * PIXELS_PER_INCH / total)))


def chart_rows(chart: ChartPlan, gap: int = 1) -> int:
    """Rows of default height a chart covers, with ``gap`` empty rows below it."""
    return math.ceil(chart.height / DEFAULT_ROW) + gap


def stack_charts(
    sheet: SheetPlan, charts: Sequence[ChartPlan], first_row: int, *, columns: int
) -> int:
    """Place ``charts`` one below the other from ``first_row`` (column as each gives) and
    append them to ``sheet``, with a page break above the first (below rows of the sheet)
    and above any chart that would otherwise be cut; fit
    the first ``columns`` columns to the page width by a print scale. Returns the first
    row below the last chart."""
    scale = print_scale(sheet, columns)
    sheet.page.scale = scale
    sheet.page.fit_width = sheet.page.fit_height = 0
    _width, height = _page_inches(sheet)
    capacity = height * PIXELS_PER_INCH * 100 / scale * HEIGHT_SAFETY
    repeated = 0.0
    if sheet.page.repeat_rows is not None:
        top, bottom = sheet.page.repeat_rows
        repeated = sum(row_pixels(sheet, r) for r in range(top, bottom + 1))
    used = 0.0
    row = first_row
    for index, chart in enumerate(charts):
        span = chart_rows(chart)
        tall = sum(row_pixels(sheet, r) for r in range(row, row + span))
        # The charts start a page of their own: where the rows above end on a printed page
        # is the spreadsheet's own reckoning, not ours.
        if (index == 0 and first_row > 0) or used + tall > capacity:
            # An empty row above the chart: a chart's edge exactly on the break would
            # print as a line at the foot of the page above.
            sheet.page.row_breaks.append(row)
            used = repeated + row_pixels(sheet, row)
            row += 1
            tall = sum(row_pixels(sheet, r) for r in range(row, row + span))
        chart.row = row
        sheet.charts.append(chart)
        used += tall
        row += span
    return row
