"""Charts stacked down a sheet with page breaks: the scale and the breaks worked by hand."""

from __future__ import annotations

from lks_templates.layout.model import ChartPlan, PageSetup, SheetPlan
from lks_templates.layout.pages import column_pixels, print_scale, stack_charts


def _sheet() -> SheetPlan:
    sheet = SheetPlan("Charts")
    sheet.page = PageSetup(landscape=True, fit_width=1)
    for col in range(10):
        sheet.column_widths[col] = 20
    return sheet


def _chart(title: str) -> ChartPlan:
    return ChartPlan(kind="bar", title=title, alt_text=title, series=[], row=0, col=0,
                     width=720, height=300)  # fmt: skip


def test_column_pixels() -> None:
    assert column_pixels(30) == 215  # 30 x 7 + 5
    assert column_pixels(0.5) == 6


def test_the_scale_fits_the_width() -> None:
    """Landscape A4 less 0.4 in margins: 10.89 in = 1,045.44 px; ten columns of 145 px =
    1,450 px; 90% of 1,045.44 / 1,450 = 64.9%, so 64."""
    assert print_scale(_sheet(), 10) == 64


def test_a_chart_that_would_be_cut_starts_a_new_page() -> None:
    """A page holds (8.27 - 1.0) in x 96 / 0.64 x 0.95 = 1,036 px of sheet; each chart
    covers 19 rows of 17 px = 323 px. After the break above the first chart and a row of
    17 px, three charts take 17 + 969 = 986 px; a fourth would end at 1,309, so it goes
    on the next page."""
    sheet = _sheet()
    charts = [_chart(f"Chart {i}") for i in range(4)]
    after = stack_charts(sheet, charts, 10, columns=10)
    assert sheet.page.scale == 64 and sheet.page.fit_width == 0
    assert sheet.page.row_breaks == [10, 68]
    assert [c.row for c in charts] == [11, 30, 49, 69]
    assert after == 88 and sheet.charts == charts
