"""Cell addresses: column letters and numbers, ``A1`` text, and Excel's sheet limits.

The one place that knows what a cell address is. Layout writes addresses with it,
read-back parses the addresses a returned workbook stores with it, and the naming rules
use it to refuse names a spreadsheet would read as a cell. An address beyond Excel's last
column (``XFD``, 16,384) or last row (1,048,576) is not a cell: Excel cannot hold it, and a
value reader asked for it would lay out an impossible grid.
"""

from __future__ import annotations

import re
from typing import Final

MAX_COLUMNS: Final = 16_384
"""Excel's last column, ``XFD``."""
MAX_ROWS: Final = 1_048_576
"""Excel's last row."""

# Three letters reach past XFD, seven digits past the last row; anything longer is no cell.
_A1: Final = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_R1C1: Final = re.compile(r"^(?:r[0-9]*)?(?:c[0-9]*)?$")


def column_number(letters: str) -> int:
    """``A`` -> 1, ``AA`` -> 27, case-insensitively; 0 for text that is not letters A-Z."""
    if not letters or not letters.isascii() or not letters.isalpha():
        return 0
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """1 -> ``A``, 27 -> ``AA`` (1-based, as in ``A1`` text)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def split_cell(text: str) -> tuple[int, int] | None:
    """``C9``, ``$C$9`` or ``c9`` -> (row 9, column 3), 1-based; None if not a cell.

    Not a cell: anything but letters then digits (each optionally after ``$``), row 0, or
    a row or column beyond Excel's limits (``XFD1048577``, ``AB2000000``, ``XFE1``).
    """
    match = _A1.match(text)
    if not match:
        return None
    row, column = int(match.group(2)), column_number(match.group(1))
    if not (1 <= row <= MAX_ROWS and 1 <= column <= MAX_COLUMNS):
        return None
    return row, column


def is_cell(text: str) -> bool:
    """Whether ``text`` is an ``A1`` cell address within Excel's limits."""
    return split_cell(text) is not None


def cell_text(row: int, column: int) -> str:
    """(9, 3) -> ``C9`` (1-based)."""
    return f"{column_letters(column)}{row}"


def is_r1c1(text: str) -> bool:
    """Whether ``text`` is R1C1 notation (``R``, ``C``, ``RC``, ``R2``, ``C3``, ``R2C3``)."""
    return bool(text) and _R1C1.match(text.lower()) is not None


def looks_like_cell_reference(text: str) -> bool:
    """Whether a spreadsheet reads ``text`` as a cell reference, in A1 or R1C1 notation.

    Such a word can be neither a defined name nor a name in a formula. ``$`` signs are not
    part of a name, so only plain ``A1`` text counts here.
    """
    return ("$" not in text and is_cell(text)) or is_r1c1(text)


def split_area(text: str) -> tuple[int, int, int, int] | None:
    """``B2:D9`` (or one cell) -> (top, left, bottom, right), 1-based; None if not an area."""
    ends = text.split(":")
    if len(ends) > 2:
        return None
    corners = [split_cell(end) for end in ends]
    first, last = corners[0], corners[-1]
    if first is None or last is None:
        return None
    return (
        min(first[0], last[0]),
        min(first[1], last[1]),
        max(first[0], last[0]),
        max(first[1], last[1]),
    )
