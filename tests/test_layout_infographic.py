"""The Infographic page: a fitting, different icon per figure, centred rows, a full page."""

from __future__ import annotations

from pathlib import Path

import pytest

from lks_templates.layout import plan_workbook
from lks_templates.layout.dashboard import column_pixels
from lks_templates.layout.infographic import choose_icons
from lks_templates.render.icons import GLYPHS
from lks_templates.spec import load_specs
from lks_templates.spec.models import Kpi, TemplateSpec

SHIPPED = Path(__file__).parent.parent / "template_specs"
SPECS = load_specs([SHIPPED])
WITH_INFOGRAPHIC = sorted(
    r.template.id
    for r in SPECS.resolved()
    if isinstance(r.template, TemplateSpec) and r.template.infographic
)
# An A4 portrait page inside the default margins (0.4 in left and right, 0.5 in top and
# bottom), in pixels at 96 per inch, the unit charts and row heights are planned in.
A4_PORTRAIT_PIXELS = ((210 / 25.4 - 0.8) * 96, (297 / 25.4 - 1.0) * 96)


def _kpi(title: str, unit: str = "") -> Kpi:
    return Kpi(name="k", title=title, formula="1", unit=unit)


def test_icons_fit_the_words_of_each_figure() -> None:
    kpis = [
        _kpi("Evidence searches, year to date", "searches"),
        _kpi("Spend per NHS staff WTE", "GBP per WTE"),
        _kpi("Hours per evidence search", "hours"),
        _kpi("Information enquiries per 1,000 staff"),
        _kpi("Training attendees per 1,000 staff"),
        _kpi("Staff with OpenAthens, %", "% of staff served"),
        _kpi("Mean satisfaction (1-5)", "score (1-5)"),
        _kpi("E-book title requests, year to date", "requests"),
    ]
    assert choose_icons(kpis) == [
        "search",
        "pound",
        "clock",
        "question",
        "training",
        "key",
        "star",
        "book",
    ]


def test_a_second_figure_of_the_same_kind_takes_its_next_best_icon() -> None:
    kpis = [
        _kpi("Evidence searches, year to date", "searches"),
        _kpi("Evidence searches per 1,000 staff", "searches per 1,000 staff"),
        _kpi("Cost per use", "GBP per request"),
        _kpi("Cost per unique item request", "GBP per request"),
    ]
    # Searches, then people (per 1,000 staff); money, then e-resource requests.
    assert choose_icons(kpis) == ["search", "people", "pound", "screen"]


@pytest.mark.parametrize("template_id", WITH_INFOGRAPHIC)
def test_each_figure_has_its_own_drawn_icon(template_id: str) -> None:
    resolved = SPECS.resolve(template_id)
    assert resolved is not None
    sheet = plan_workbook(resolved).sheet("Infographic")
    assert isinstance(resolved.template, TemplateSpec)
    kpis = resolved.template.kpis
    icons = [image.icon for image in sheet.images]
    assert len(icons) == min(8, len(kpis))
    assert len(set(icons)) == len(icons)
    assert set(icons) <= set(GLYPHS)
    # Decorative: the number, label and target beside each icon say everything.
    assert [(image.alt_text, image.decorative) for image in sheet.images] == [("", True)] * len(
        icons
    )


@pytest.mark.parametrize("template_id", WITH_INFOGRAPHIC)
def test_rows_of_figures_are_centred(template_id: str) -> None:
    resolved = SPECS.resolve(template_id)
    assert resolved is not None
    sheet = plan_workbook(resolved).sheet("Infographic")
    edges = [
        sum(column_pixels(sheet.column_widths.get(c, 8.43)) for c in range(col))
        for col in range(16)
    ]
    band = [col for (row, col) in sheet.cells if row == 0]
    left, right = edges[min(band)], edges[max(band) + 1]
    by_row: dict[int, list[tuple[int, int]]] = {}
    for first_row, first_col, _, last_col in sheet.merges:
        by_row.setdefault(first_row, []).append((first_col, last_col))
    assert by_row
    for spans in by_row.values():
        start, end = edges[min(s for s, _ in spans)], edges[max(e for _, e in spans) + 1]
        assert start - left == right - end  # as much space on either side


@pytest.mark.parametrize("template_id", WITH_INFOGRAPHIC)
def test_the_page_is_filled_but_not_overfilled(template_id: str) -> None:
    resolved = SPECS.resolve(template_id)
    assert resolved is not None
    sheet = plan_workbook(resolved).sheet("Infographic")
    assert sheet.page.print_area is not None
    first_row, _, last_row, last_col = sheet.page.print_area
    height = sum(sheet.row_heights[r] for r in range(first_row, last_row + 1)) * 4 / 3
    width = sum(column_pixels(sheet.column_widths[c]) for c in range(last_col + 1))
    page_width, page_height = A4_PORTRAIT_PIXELS
    assert width <= page_width and height <= page_height  # printed at 100%, on one page
    assert height >= 0.9 * page_height  # and no empty bottom third
    for chart in sheet.charts:
        bottom = sum(sheet.row_heights[r] for r in range(chart.row)) * 4 / 3 + chart.height
        assert bottom <= height
