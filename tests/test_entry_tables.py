"""Entry tables of the shipped workbooks: one header row above the entries, few frozen rows.

Read with openpyxl from dist/ (not through the audit's own reading), and hostile copies
of dist/monthly-activity.xlsx whose header row lost a cell or gained a merge, for which the
audit must name the place.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from lks_templates.audit import audit_workbook

DIST = Path(__file__).parent.parent / "dist"
WORKBOOKS = sorted(DIST.glob("*.xlsx"))
MONTHLY = DIST / "monthly-activity.xlsx"
MOST_FROZEN_ROWS = 6
"""About a fifth of a laptop screen of Arial 10 rows; 16 were most of it."""


def _bounds(area: str) -> tuple[int, int, int, int]:
    """(first column, first row, last column, last row) of a cell range, 1-based."""
    c0, r0, c1, r1 = range_boundaries(area.replace("$", ""))
    assert c0 is not None and r0 is not None and c1 is not None and r1 is not None
    return c0, r0, c1, r1


def _entry_rows(sheet: Worksheet) -> dict[int, tuple[int, int]]:
    """Row -> (first, last) column of its validated cells (every entry cell has one)."""
    rows: dict[int, tuple[int, int]] = {}
    for validation in sheet.data_validations.dataValidation:
        for area in str(validation.sqref).split():
            c0, r0, c1, r1 = _bounds(area)
            for row in range(r0, r1 + 1):
                low, high = rows.get(row, (c0, c1))
                rows[row] = (min(low, c0), max(high, c1))
    return rows


def _tables(sheet: Worksheet) -> list[tuple[int, int, int]]:
    """(first row, label column, last entry column) of each run of rows with entries."""
    rows = _entry_rows(sheet)
    tables: list[tuple[int, int, int]] = []
    for row in sorted(rows):
        if tables and row - 1 in rows:
            first, label, last = tables[-1]
            tables[-1] = (first, label, max(last, rows[row][1]))
            continue
        label = min(
            (c.column for c in sheet[row] if c.value is not None and c.column < rows[row][0]),
            default=rows[row][0],
        )
        tables.append((row, label, rows[row][1]))
    return tables


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.stem)
def test_every_entry_table_has_one_full_header_row_directly_above_it(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    found = 0
    for sheet in book.worksheets:
        merged = [_bounds(str(m)) for m in sheet.merged_cells.ranges]
        for first, label, last in _tables(sheet):
            found += 1
            header = [sheet.cell(first - 1, col).value for col in range(label, last + 1)]
            assert all(v not in (None, "") for v in header), (sheet.title, first, header)
            assert not [
                m for m in merged if m[1] <= first - 1 <= m[3] and m[0] <= last and m[2] >= label
            ], (sheet.title, first)
    assert found >= 1
    book.close()


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.stem)
def test_frozen_rows_are_the_heading_and_the_period_header_only(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    if "Data" not in book.sheetnames:
        assert book.sheetnames[1] == "Form"  # a form: one table, nothing frozen above it
        book.close()
        return
    data = book["Data"]
    ((_, periods),) = book.defined_names["lks_periods"].destinations
    first_col, header_row, last_col, _ = _bounds(periods)
    ((_, org),) = book.defined_names["org_name"].destinations
    org_row = coordinate_to_tuple(org.replace("$", ""))[0]
    frozen = coordinate_to_tuple(data.freeze_panes)[0] - 1 if data.freeze_panes else 0
    if last_col != first_col:
        # Several periods: the period table's header row is the last frozen row, the
        # profile below the frozen rows, where scrolling reaches it.
        assert frozen == header_row <= MOST_FROZEN_ROWS
        assert org_row > frozen
    else:
        assert frozen == 0  # an annual return: the profile first, no rows frozen
        assert org_row < header_row
    book.close()


def _hostile(tmp_path: Path, change: str) -> tuple[Path, str, int]:
    """A copy of the monthly workbook whose profile section header row ("Context | Unit |
    Your entry") lost its Unit cell (``blank``) or had Unit and Your entry merged
    (``merge``); returns it, the place expected and the first entry row below."""
    book = openpyxl.load_workbook(MONTHLY)
    data = book["Data"]
    (row,) = [c.row for c in data["B"] if c.value == "Context"]
    assert [data.cell(row, col).value for col in (3, 4)] == ["Unit", "Your entry"]
    part = f"xl/worksheets/sheet{book.sheetnames.index('Data') + 1}.xml"
    book.close()
    out = tmp_path / f"{change}.xlsx"
    with zipfile.ZipFile(MONTHLY) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == part:
                text = body.decode()
                if change == "blank":
                    new = re.sub(rf'<c r="C{row}"( s="\d+")? t="s"><v>\d+</v></c>', "", text)
                else:
                    merge = f'<mergeCells count="1"><mergeCell ref="C{row}:D{row}"/></mergeCells>'
                    new = text.replace(
                        "<conditionalFormatting ", merge + "<conditionalFormatting ", 1
                    )
                assert new != text
                body = new.encode()
            target.writestr(info, body)
    return out, f"Data!C{row}", row + 1


def test_a_blank_header_cell_fails_the_audit_at_that_cell(tmp_path: Path) -> None:
    path, place, first = _hostile(tmp_path, "blank")
    failures = [(f.item, f.place, f.message) for f in audit_workbook(path).failures]
    assert failures == [
        (
            "entry-header",
            place,
            f"the row above the entries of row {first} is not one full header row "
            f"({place.split('!')[1]} blank); put a header for every column of the table "
            "directly above it",
        )
    ]


def test_a_merged_header_fails_the_audit_naming_the_merge(tmp_path: Path) -> None:
    path, place, first = _hostile(tmp_path, "merge")
    cell = place.split("!")[1]
    failures = [(f.item, f.place, f.message) for f in audit_workbook(path).failures]
    assert failures == [
        (
            "entry-header",
            place,
            f"the header row above the entries of row {first} has merged cells "
            f"{cell}:D{cell[1:]}; unmerge them, one header per column",
        )
    ]
