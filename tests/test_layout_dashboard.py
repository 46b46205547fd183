"""The Dashboard page: tiles and charts placed to fill one A4 landscape page, no overlaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from lks_templates.layout import SheetPlan, plan_workbook
from lks_templates.layout.dashboard import column_pixels
from lks_templates.spec import load_specs

SHIPPED = Path(__file__).parent.parent / "template_specs"
SPECS = load_specs([SHIPPED])
TEMPLATES = sorted(r.template.id for r in SPECS.resolved() if not r.is_form)
# A4 landscape inside the default margins (0.4 in left and right, 0.5 in top and bottom),
# in pixels at 96 per inch.
PAGE_WIDTH, PAGE_HEIGHT = (297 / 25.4 - 0.8) * 96, (210 / 25.4 - 1.0) * 96


def _dashboard(template_id: str) -> SheetPlan:
    resolved = SPECS.resolve(template_id)
    assert resolved is not None
    return plan_workbook(resolved).sheet("Dashboard")


def _top(sheet: SheetPlan, row: int) -> float:
    return sum(sheet.row_heights[r] for r in range(row)) * 4 / 3


def _left(sheet: SheetPlan, col: int) -> int:
    return sum(column_pixels(sheet.column_widths[c]) for c in range(col))


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_every_printed_row_has_an_explicit_height(template_id: str) -> None:
    """Charts are sized in pixels but anchored to cells: a row whose height each
    spreadsheet application picks for itself (from its own default font) would move them."""
    sheet = _dashboard(template_id)
    assert sheet.page.print_area is not None
    _, _, last_row, _ = sheet.page.print_area
    assert set(range(last_row + 1)) <= set(sheet.row_heights)


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_charts_do_not_overlap_and_stay_in_the_print_area(template_id: str) -> None:
    sheet = _dashboard(template_id)
    assert sheet.page.print_area is not None
    _, _, last_row, last_col = sheet.page.print_area
    right, bottom = _left(sheet, last_col + 1), _top(sheet, last_row + 1)
    boxes = []
    for chart in sheet.charts:
        x, y = _left(sheet, chart.col) + chart.x_offset, _top(sheet, chart.row)
        assert x + chart.width <= right and y + chart.height <= bottom, chart.title
        boxes.append((x, y, x + chart.width, y + chart.height))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_the_page_is_used_well(template_id: str) -> None:
    """Printed fit to one page, the dashboard keeps at least 80% of its size, and fills
    the page."""
    sheet = _dashboard(template_id)
    assert sheet.page.print_area is not None
    _, _, last_row, last_col = sheet.page.print_area
    width, height = _left(sheet, last_col + 1), _top(sheet, last_row + 1)
    scale = min(1.0, PAGE_WIDTH / width, PAGE_HEIGHT / height)
    assert scale >= 0.8, (width, height)
    # Neither a narrow strip nor an empty lower part.
    assert width * scale >= 0.8 * PAGE_WIDTH and height * scale >= 0.9 * PAGE_HEIGHT


def test_status_words_stay_readable_past_their_cell() -> None:
    """The white-on-red status line runs past column B: the red reaches the last tile's
    column, and a tile's "Needs ..." words shrink to the tile rather than run into the next."""
    import openpyxl

    dist = Path(__file__).resolve().parent.parent / "dist"
    for path in sorted(dist.glob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        if "Dashboard" not in book.sheetnames:
            continue
        sheet = book["Dashboard"]
        ranges = [str(r.sqref) for r in sheet.conditional_formatting]
        assert "B3:H3" in ranges, (path.name, ranges)
        needs = [
            cell
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and '"Needs ' in cell.value
        ]
        assert needs, path.name
        assert all(cell.alignment.shrink_to_fit for cell in needs), path.name
