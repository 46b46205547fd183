"""The ``entry-header`` item: every table people type into has one header row.

A screen reader announces a cell with its column's header only when the header is where
it looks for one: in the row directly above the cells, one header row, nothing blank or
merged in it. The Analysis Function's "Releasing statistics in spreadsheets" asks for the
same of every table. A table is found from its entry cells (validated or unlocked cells):
a run of rows that hold entries, from the first filled cell of its first row (the row's
label) to its last entry column. A row without entries (a section band, a blank row)
ends the run, so the entries after it need a header row of their own.
"""

from __future__ import annotations

from lks_templates.audit.checklist import AuditFinding
from lks_templates.audit.parts import Book, Sheet, a1
from lks_templates.words import counted


def entry_header(book: Book) -> list[AuditFinding]:
    """Each entry table has, directly above its first row, a full header row."""
    failures: list[AuditFinding] = []
    tables = 0
    for sheet in book.sheets:
        for first, left, right in _tables(book, sheet):
            tables += 1
            failure = _header_problem(sheet, first, left, right)
            if failure is not None:
                failures.append(failure)
    return failures or [
        AuditFinding(
            "entry-header", True, f"{counted(tables, 'entry table')}, each with one header row"
        )
    ]


def entry_cells(book: Book, sheet: Sheet) -> set[tuple[int, int]]:
    """(row, column), 1-based, of every cell people type into: validated or unlocked."""
    cells = {
        (r, c)
        for _sqref, areas, _attrs in sheet.validations
        for r1, c1, r2, c2 in areas
        for r in range(r1, min(r2, r1 + 10_000) + 1)
        for c in range(c1, min(c2, c1 + 1_000) + 1)
    }
    for spot, index in sheet.styles.items():
        style = book.styles[index] if 0 <= index < len(book.styles) else book.styles[0]
        if not style.locked:
            cells.add(spot)
    return cells


def _tables(book: Book, sheet: Sheet) -> list[tuple[int, int, int]]:
    """(first row, first column, last entry column) of each run of rows holding entries;
    the first column is that of the first row's label (its first filled cell) or, with
    no label, its first entry."""
    spans: dict[int, tuple[int, int]] = {}
    for r, c in entry_cells(book, sheet):
        low, high = spans.get(r, (c, c))
        spans[r] = (min(low, c), max(high, c))
    found: list[tuple[int, int, int]] = []
    for row in sorted(spans):
        if found and row - 1 in spans:
            first, left, right = found[-1]
            found[-1] = (first, left, max(right, spans[row][1]))
            continue
        low, high = spans[row]
        label = min((c for r, c in sheet.filled if r == row and c < low), default=low)
        found.append((row, label, high))
    return found


def _header_problem(sheet: Sheet, first: int, left: int, right: int) -> AuditFinding | None:
    """What is wrong with the header row of the table whose entries start in ``first``."""
    header = first - 1
    if header < 1:
        place = f"{sheet.name}!{a1(first, left)}"
        return AuditFinding(
            "entry-header", False, "the entries start in row 1, with no header row above", place
        )
    blank = [c for c in range(left, right + 1) if (header, c) not in sheet.filled]
    if blank:
        cells = ", ".join(a1(header, c) for c in blank[:3]) + (" ..." if len(blank) > 3 else "")
        return AuditFinding(
            "entry-header",
            False,
            f"the row above the entries of row {first} is not one full header row ({cells} "
            "blank); put a header for every column of the table directly above it",
            f"{sheet.name}!{a1(header, blank[0])}",
        )
    for r1, c1, r2, c2 in sheet.merges:
        if r1 <= header <= r2 and c1 <= right and c2 >= left:
            return AuditFinding(
                "entry-header",
                False,
                f"the header row above the entries of row {first} has merged cells "
                f"{a1(r1, c1)}:{a1(r2, c2)}; unmerge them, one header per column",
                f"{sheet.name}!{a1(r1, c1)}",
            )
    return None
