"""Long organisation names are not clipped on the Data sheet (issue 9, item 8): the entry
wraps, and where column D is as narrow as a period its row holds three lines, room for
the longest NHS trust names (two lines, 30 pt before, clipped them)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

DIST = Path(__file__).resolve().parents[1] / "dist"
POINTS_PER_LINE = 12.75  # Excel's default row height for Arial 10
LONGEST = "Birmingham and Solihull Mental Health NHS Foundation Trust"  # 58 characters
MONTHLY = ["monthly-activity.xlsx", "reach-and-registration.xlsx", "e-resources.xlsx"]


def _org_cell(book: openpyxl.Workbook) -> tuple[str, int, str]:
    """Sheet, row and column letter of the org_name entry, through its defined name."""
    sheet, ref = next(book.defined_names["org_name"].destinations)
    ref = ref.replace("$", "")
    letters = ref.rstrip("0123456789")
    return sheet, int(ref[len(letters) :]), letters


@pytest.mark.parametrize("name", MONTHLY)
def test_a_narrow_name_entry_holds_three_lines(name: str) -> None:
    book = openpyxl.load_workbook(DIST / name)
    sheet_name, row, letters = _org_cell(book)
    sheet = book[sheet_name]
    assert sheet.cell(row, 4).coordinate == f"{letters}{row}"
    assert sheet.cell(row, 4).alignment.wrap_text is True
    height = sheet.row_dimensions[row].height
    assert height is not None and height >= 3 * POINTS_PER_LINE
    # Three lines of the column's width hold the longest trust name with room to spare
    # (widths count the widest digit; letters are narrower).
    width = sheet.column_dimensions[letters].width
    assert 3 * width >= 1.3 * len(LONGEST)
