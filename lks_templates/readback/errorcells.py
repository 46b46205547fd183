"""Cells that store a spreadsheet error value (``#N/A``, ``#DIV/0!``) as their value.

Excel stores ``#N/A`` typed or pasted into a cell as an error cell (``t="e"``), and the
value reader shows such a cell as empty text, so an entry cell holding one would pass as
blank. Only sheets whose XML has an error cell at all are parsed (a byte search clears the
rest), and only when an entry cell read as empty text.
"""

from __future__ import annotations

import re

from lks_templates.cells import column_letters, split_cell
from lks_templates.readback.safety import parse_xml
from lks_templates.readback.workbook import MAIN_NS

# t="e" with any quoting and spacing the XML allows.
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")


def error_cells(data: bytes, file: str, part: str) -> dict[str, str]:
    """``A1`` -> the error text of every cell of a sheet part that stores an error value.

    Cells with a formula are left out: their error is a result, not an entry. A cell
    without an ``r`` address follows the one before it in its row, as spreadsheet programs
    place it.
    """
    if not _ERROR_TYPE.search(data):
        return {}
    root = parse_xml(data, file, part)
    found: dict[str, str] = {}
    row_tag, cell_tag = f"{MAIN_NS}row", f"{MAIN_NS}c"
    value_tag, formula_tag = f"{MAIN_NS}v", f"{MAIN_NS}f"
    row_number = 0
    for row in root.iter(row_tag):
        given = row.get("r", "")
        row_number = int(given) if given.isascii() and given.isdigit() else row_number + 1
        column = 0
        for cell in row.iter(cell_tag):
            position = split_cell(cell.get("r", ""))
            if position is None:
                column += 1
            else:
                row_number, column = position
            if cell.get("t") != "e" or cell.find(formula_tag) is not None:
                continue
            value = cell.find(value_tag)
            text = (value.text or "").strip() if value is not None else ""
            found[f"{column_letters(column)}{row_number}"] = text or "#N/A"
    return found
