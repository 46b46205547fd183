"""The Infographic sheet: one printable page of big numbers, icons and a chart or two.

Everything on it is a formula over the Data and Dashboard sheets, so it fills itself in
as figures are typed.
"""

from __future__ import annotations

from lks_templates.layout.dashboard import (
    chart_plan,
    column_pixels,
    service_line_formula,
    target_text,
)
from lks_templates.layout.data import DataSheet
from lks_templates.layout.model import ImagePlan, PageSetup, SheetPlan
from lks_templates.spec.models import Kpi, ResolvedTemplate

INFOGRAPHIC = "Infographic"
NUMBERS = 4
"""How many KPIs get a big number (the first ones of the spec)."""
CHARTS = 2
COL_WIDTH = 22.0
FIRST = 1
ICON_ROW_HEIGHT = 52
CHART_HEIGHT = 250
NOT_YET = "\u2013"
"""An en dash stands in for a figure that cannot be worked out yet."""

_ICON_WORDS = [  # the first word found wins, so the more telling words come first
    ("hour", "clock"),
    ("time", "clock"),
    ("spend", "pound"),
    ("cost", "pound"),
    ("gbp", "pound"),
    ("income", "pound"),
    ("impact", "star"),
    ("satisf", "star"),
    ("train", "people"),
    ("attend", "people"),
    ("registr", "people"),
    ("user", "people"),
    ("loan", "book"),
    ("document", "book"),
    ("book", "book"),
    ("resource", "book"),
    ("enquir", "question"),
    ("question", "question"),
    ("search", "search"),
    ("staff", "people"),
    ("ratio", "people"),
]


def icon_for(kpi: Kpi) -> str:
    """Pick a simple icon from words in the KPI's name and title."""
    text = f"{kpi.name} {kpi.title}".lower()
    for word, icon in _ICON_WORDS:
        if word in text:
            return icon
    return "chart"


def infographic_sheet(resolved: ResolvedTemplate, data: DataSheet) -> SheetPlan:
    """Lay out the infographic page (portrait A4)."""
    template = resolved.template
    sheet = SheetPlan(INFOGRAPHIC, tab_color="#41B6E6")
    last_col = FIRST + NUMBERS - 1
    for col in range(FIRST, last_col + 1):
        sheet.column_widths[col] = COL_WIDTH
        sheet.put(0, col, None, style="band_title")
        sheet.put(1, col, None, style="band_text")
        sheet.put(2, col, None, style="band_text")
    sheet.column_widths[0] = 2
    sheet.column_widths[last_col + 1] = 2
    sheet.put(0, FIRST, formula=_service_formula(resolved), style="band_title")
    sheet.put(1, FIRST, template.title, style="band_text")
    sheet.put(2, FIRST, formula=_year_formula(resolved), style="band_text")
    sheet.row_heights.update({0: 34, 1: 18, 2: 20})
    row = 4
    kpis = template.kpis[:NUMBERS] if hasattr(template, "kpis") else []
    for offset, kpi in enumerate(kpis):
        col = FIRST + offset
        sheet.images.append(ImagePlan(row, col, icon_for(kpi), f"Icon for {kpi.title}"))
        sheet.put(
            row + 1,
            col,
            formula=f'=IF({kpi.name}="","{NOT_YET}",{kpi.name})',
            style="info_number",
            number_format=kpi.format,
        )
        sheet.put(row + 2, col, kpi.title, style="info_label")
        sheet.put(row + 3, col, target_text(kpi), style="info_target")
    sheet.row_heights.update({row: ICON_ROW_HEIGHT, row + 1: 40, row + 2: 30, row + 3: 16})
    row += 5
    width = sum(column_pixels(COL_WIDTH) for _ in range(NUMBERS))
    charts = template.charts[:CHARTS] if hasattr(template, "charts") else []
    for index, chart in enumerate(charts):
        sheet.charts.append(chart_plan(chart, index, data, row, FIRST, width, CHART_HEIGHT))
        row += CHART_HEIGHT // 20 + 2
    sheet.put(
        row,
        FIRST,
        f"Figures from this workbook's Data sheet · template {template.id} "
        f"version {template.version}",
        style="info_footer",
    )
    sheet.page = PageSetup(
        landscape=False, paper=9, fit_width=1, fit_height=1, print_area=(0, 0, row, last_col + 1)
    )
    return sheet


def _service_formula(resolved: ResolvedTemplate) -> str:
    line = service_line_formula(resolved)
    # The service part only: everything before the " · " year part.
    return line.split('&" · "&')[0]


def _year_formula(resolved: ResolvedTemplate) -> str:
    line = service_line_formula(resolved)
    return "=" + line.split('&" · "&')[1]
