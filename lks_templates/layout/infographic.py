"""The Infographic sheet: one printable page of big numbers, icons and a chart or two.

Everything on it is a formula over the Data and Dashboard sheets, so it fills itself in
as figures are typed. The page is a grid of twelve narrow columns, so that a row of one
to four figures can be centred; every row has an explicit height, so that Excel and
LibreOffice place the charts alike, and the charts grow to fill an A4 portrait page.
"""

from __future__ import annotations

from lks_templates.layout.dashboard import (
    chart_plan,
    column_pixels,
    service_line_formula,
    status_formula,
    target_bare,
    target_text,
)
from lks_templates.layout.data import DataSheet
from lks_templates.layout.model import ImagePlan, PageSetup, SheetPlan
from lks_templates.rules.numbers import shown_format
from lks_templates.rules.periods import part_year_kpis, part_year_note_formula
from lks_templates.spec.models import Kpi, ResolvedTemplate

INFOGRAPHIC = "Infographic"
PER_ROW = 4
"""Figures in a row; a second row shows the next KPIs of the spec."""
NUMBERS = 2 * PER_ROW
"""How many KPIs get a big number (the first ones of the spec)."""
CHARTS = 2
GRID = 12
"""Narrow columns across the page: a row of 1, 2, 3 or 4 figures divides it evenly."""
GRID_WIDTH = 7.14
"""Characters per grid column (55 pixels)."""
MARGIN_WIDTH = 2.0
FIRST = 1
ICON_PIXELS = 56
PAGE_PIXELS = 1010
"""Height to fill: an A4 portrait page inside its margins is about 1,026 pixels at 100%."""
ROW_PIXELS = 20
MIN_CHART, MAX_CHART = 200, 420
NOT_YET = "\u2013"
"""An en dash stands in for a figure that cannot be worked out yet."""

BAND_HEIGHTS = (34.0, 18.0, 20.0)
"""Points: service name, template title, reporting year."""
FIGURE_HEIGHTS = (48.0, 36.0, 30.0, 15.0, 12.0)
"""Points: icon, number, label (two lines), target or unit, space below."""

_ICON_WORDS: list[tuple[str, tuple[str, ...]]] = [
    # Searched in the KPI's title, unit and name, in this order: the first words are the
    # most telling. A KPI takes the first icon of its matches that no earlier KPI on the
    # page has taken, so no two figures share an icon.
    ("limit exceeded", ("blocked",)),
    ("denial", ("blocked",)),
    ("denied", ("blocked",)),
    ("hour", ("clock",)),
    ("time", ("clock",)),
    ("spend", ("pound",)),
    ("cost", ("pound",)),
    ("gbp", ("pound",)),
    ("income", ("pound",)),
    ("expenditure", ("pound",)),
    ("satisf", ("star",)),
    ("impact", ("tick", "star")),
    ("case stud", ("bulb",)),
    ("openathens", ("key",)),
    ("account", ("key",)),
    ("train", ("training",)),
    ("attend", ("training",)),
    ("enquir", ("question",)),
    ("search", ("search",)),
    ("e-book", ("book",)),
    ("book", ("book",)),
    ("loan", ("book",)),
    ("collection", ("book",)),
    ("document", ("document",)),
    ("questionnaire", ("document",)),
    ("return", ("document",)),
    ("e-resource", ("screen",)),
    ("request", ("screen",)),
    ("registr", ("people", "person")),
    ("librarian", ("person",)),
    ("lks staff", ("person",)),
    ("vacan", ("person",)),
    ("professional", ("person",)),
    ("staff", ("people",)),
    ("people", ("people",)),
    ("user", ("people",)),
    ("%", ("percent",)),
    ("rate", ("percent",)),
    ("year to date", ("trend",)),
]
SPARE_ICONS = ("chart", "trend", "percent", "star", "tick", "document", "people")
"""Icons for KPIs whose words match nothing still free, in order of preference."""


def icon_candidates(kpi: Kpi) -> list[str]:
    """Icons that fit ``kpi``, best first, from words in its title, unit and name."""
    text = f"{kpi.title} {kpi.unit} {kpi.name.replace('_', ' ')}".lower()
    found: list[str] = []
    for word, icons in _ICON_WORDS:
        if word in text:
            found += [icon for icon in icons if icon not in found]
    return found


def choose_icons(kpis: list[Kpi]) -> list[str]:
    """One icon per KPI, each different: its best fitting icon not taken by an earlier KPI."""
    chosen: list[str] = []
    for kpi in kpis:
        free = [i for i in [*icon_candidates(kpi), *SPARE_ICONS] if i not in chosen]
        chosen.append(free[0] if free else "chart")
    return chosen


def infographic_sheet(resolved: ResolvedTemplate, data: DataSheet) -> SheetPlan:
    """Lay out the infographic page (portrait A4)."""
    template = data.template
    sheet = SheetPlan(INFOGRAPHIC, tab_color="#41B6E6")
    last_col = FIRST + GRID - 1
    sheet.column_widths.update({col: GRID_WIDTH for col in range(FIRST, last_col + 1)})
    sheet.column_widths[0] = MARGIN_WIDTH
    sheet.column_widths[last_col + 1] = MARGIN_WIDTH
    _band(sheet, resolved, last_col)
    row = len(BAND_HEIGHTS)
    sheet.row_heights[row] = 12
    row += 1
    kpis = template.kpis[:NUMBERS]
    icons = choose_icons(kpis)
    notes = {
        name: part_year_note_formula(template.period, name, "lks_periods_entered")
        for name in part_year_kpis(data.semantics, template.period)
    }
    for start in range(0, len(kpis), PER_ROW):
        row = _figures(
            sheet, row, kpis[start : start + PER_ROW], icons[start : start + PER_ROW], notes
        )
    width = GRID * column_pixels(GRID_WIDTH)
    charts = template.charts[:CHARTS]
    height = _chart_height(sheet, row, len(charts))
    for index, chart in enumerate(charts):
        # One row per chart, as tall as the chart and a little space below it.
        sheet.charts.append(chart_plan(chart, index, data, row, FIRST, width, height))
        sheet.row_heights[row] = (height + ROW_PIXELS) * 0.75
        row += 1
    sheet.put(
        row,
        FIRST,
        f"Figures from this workbook's Data sheet · template {template.id} "
        f"version {template.version}",
        style="info_footer",
    )
    for each in range(row + 1):
        sheet.row_heights.setdefault(each, ROW_PIXELS * 0.75)
    sheet.page = PageSetup(
        landscape=False, paper=9, fit_width=1, fit_height=1, print_area=(0, 0, row, last_col + 1)
    )
    return sheet


def _band(sheet: SheetPlan, resolved: ResolvedTemplate, last_col: int) -> None:
    """The blue band: service name, template title and reporting year."""
    for col in range(FIRST, last_col + 1):
        sheet.put(0, col, None, style="band_title")
        sheet.put(1, col, None, style="band_text")
        sheet.put(2, col, None, style="band_text")
    sheet.put(0, FIRST, formula=_service_formula(resolved), style="band_title")
    sheet.put(1, FIRST, resolved.template.title, style="band_text")
    sheet.put(2, FIRST, formula=_year_formula(resolved), style="band_text")
    # The service name across the band, shrunk to fit: a long organisation name would
    # otherwise run past the band's edge, white on white, and look cut off.
    sheet.merges.append((0, FIRST, 0, last_col))
    sheet.row_heights.update(dict(enumerate(BAND_HEIGHTS)))


def _figures(
    sheet: SheetPlan, row: int, kpis: list[Kpi], icons: list[str], notes: dict[str, str]
) -> int:
    """A centred row of big numbers with icons, labels and targets; returns the next row.

    ``notes``: KPI -> Excel text of its part-year note, shown in the row below its target
    (the row of space between figures), as on the Dashboard's tile."""
    span = {1: GRID // 2, 2: GRID // 2, 3: GRID // 3, 4: GRID // 4}[len(kpis)]
    first = FIRST + (GRID - span * len(kpis)) // 2
    span_pixels = span * column_pixels(GRID_WIDTH)
    for offset, (kpi, icon) in enumerate(zip(kpis, icons, strict=True)):
        col = first + offset * span
        sheet.images.append(
            ImagePlan(
                row,
                col,
                icon,
                "",
                x_offset=(span_pixels - ICON_PIXELS) // 2,
                y_offset=4,
                size=ICON_PIXELS,
                # The number, label and target below say it all; a screen reader skips it.
                decorative=True,
            )
        )
        sheet.put(
            row + 1,
            col,
            formula=f'=IF({kpi.name}="","{NOT_YET}",{kpi.name})',
            style="info_number",
            number_format=shown_format(kpi.format, kpi.unit),
        )
        sheet.put(row + 2, col, kpi.title, style="info_label")
        sheet.put(row + 3, col, target_text(kpi), style="info_target")
        if kpi.target is not None:
            # The status in words with the target, as on the Dashboard's tile; short
            # enough for a quarter of the page ("Meets target (1,250 or fewer)").
            status = status_formula(kpi, kpi.name)[1:]
            bare = target_bare(kpi)
            sheet.put(
                row + 3,
                col,
                formula=(f'=IF(ISNUMBER({kpi.name}),{status}&" ({bare})","{target_text(kpi)}")'),
                style="info_target",
            )
        lines = [1, 2, 3]
        if notes:
            # Every figure gets the line, so the row of figures stays centred as a whole.
            note = notes.get(kpi.name)
            sheet.put(row + 4, col, formula=None if note is None else "=" + note, style="info_note")
            lines.append(4)
        for line in lines:
            sheet.merges.append((row + line, col, row + line, col + span - 1))
    sheet.row_heights.update({row + i: height for i, height in enumerate(FIGURE_HEIGHTS)})
    return row + len(FIGURE_HEIGHTS)


def _chart_height(sheet: SheetPlan, row: int, charts: int) -> int:
    """Pixels per chart so that the charts, with a row of space each, fill the page."""
    if not charts:
        return 0
    used = sum(sheet.row_heights.get(r, ROW_PIXELS * 0.75) for r in range(row)) * 4 / 3
    spare = PAGE_PIXELS - used - ROW_PIXELS * (charts + 1)  # space below each, and the footer
    height = int(spare // charts) // 10 * 10
    return max(MIN_CHART, min(MAX_CHART, height))


def _service_formula(resolved: ResolvedTemplate) -> str:
    line = service_line_formula(resolved)
    # The service part only: everything before the " · " year part.
    return line.split('&" · "&')[0]


def _year_formula(resolved: ResolvedTemplate) -> str:
    line = service_line_formula(resolved)
    return "=" + line.split('&" · "&')[1]
