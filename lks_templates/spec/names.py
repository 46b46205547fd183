"""Naming rules: every field, derived figure, KPI and rule name becomes an Excel defined name.

Excel (and LibreOffice, which opens the same files) refuses or misreads a defined name that
looks like a cell reference (``fte1`` is column FTE, row 1; ``r1c1`` is R1C1 notation) or
that is a function or boolean (``sum``, ``true``). The rules here are deliberately a little
stricter than either application so that a name valid here is valid in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import get_close_matches
from functools import cache

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
MAX_NAME_LENGTH = 255
"""Excel's limit for a defined name."""
MAX_LIST_LENGTH = 255
"""Excel's limit for a list validation written as comma-joined text."""
RESERVED_NAMES = frozenset({"reporting_year"})
"""Names every workbook defines itself; no field, figure or rule may take them."""

# Excel's built-in names (``_xlnm.*``): a user name equal to one is taken as the built-in.
EXCEL_BUILTIN_NAMES = frozenset(
    {
        "print_area", "print_titles", "criteria", "database", "extract", "consolidate_area",
        "sheet_title", "auto_open", "auto_close", "auto_activate", "auto_deactivate",
        "recorder", "data_form", "_filterdatabase",
    }
)  # fmt: skip

_A1 = re.compile(r"^([a-z]{1,3})(\d+)$")
_R1C1 = re.compile(r"^(r\d*)?(c\d*)?$")
MAX_COLUMN = 16_384  # XFD, the last column of Excel 2007+ and of LibreOffice's jumbo sheets
MAX_ROW = 16_777_216  # LibreOffice's jumbo sheets; Excel stops at 1,048,576

# Functions added after the list openpyxl ships (Excel 2010-2021 and 365), so that a name
# chosen today does not break when a later Excel reads it as a function.
_NEWER_FUNCTIONS = """
aggregate arabic base bitand bitor bitlshift bitrshift bitxor ceiling_math concat days
decimal filter filterxml floor_math formulatext gamma gauss ifna ifs imcosh imcot imcsc
imcsch imsec imsech imsinh imtan isformula isoweeknum lambda let maxifs minifs numbervalue
phi pduration rri sheet sheets sequence single sort sortby switch textjoin unichar unicode
unique webservice xlookup xmatch xor randarray textbefore textafter textsplit vstack hstack
tocol torow wrapcols wraprows take drop expand choosecols chooserows byrow bycol map reduce
scan makearray isomitted image
"""


@cache
def function_names() -> frozenset[str]:
    """Lower-case names of Excel functions and booleans that a name must not equal."""
    from openpyxl.utils.formulas import FORMULAE

    names = {name.lower() for name in FORMULAE}
    names.update(_NEWER_FUNCTIONS.split())
    names.update({"true", "false"})
    return frozenset(names)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - ord("a") + 1)
    return number


def looks_like_cell_reference(name: str) -> bool:
    """True when Excel or LibreOffice could read ``name`` as a cell reference.

    Covers A1 notation up to column XFD (``abc1``, ``fte1``) and R1C1 notation
    (``r``, ``c``, ``rc``, ``r1c1``, ``r2c``, ``c3``), case-insensitively.
    """
    lowered = name.lower()
    if lowered and _R1C1.match(lowered):
        return True
    match = _A1.match(lowered)
    if match is None:
        return False
    return _column_number(match.group(1)) <= MAX_COLUMN and 1 <= int(match.group(2)) <= MAX_ROW


def name_problem(name: str) -> tuple[str, str] | None:
    """The first rule ``name`` breaks, as ``(code, message)``, or None when it is fine.

    ``reporting_year`` is checked elsewhere (as a duplicate of the workbook's own name).
    """
    if not IDENTIFIER.match(name):
        return "invalid-name", (
            f"`{name}` is not a valid name: use lower-case letters, digits and underscores, "
            f"starting with a letter or underscore (for example `{suggest_identifier(name)}`)."
        )
    if len(name) > MAX_NAME_LENGTH:
        return "name-too-long", (
            f"The name is {len(name)} characters long; Excel allows at most {MAX_NAME_LENGTH}. "
            "Shorten it."
        )
    if looks_like_cell_reference(name):
        return "name-like-cell-reference", (
            f"`{name}` looks like a cell reference to Excel or LibreOffice, so it cannot be a "
            f"defined name; add a word, for example `{name}_total` or `n_{name}`."
        )
    if name in function_names():
        return "name-like-function", (
            f"`{name}` is the name of a spreadsheet function or value, so it cannot be a "
            f"defined name; use a more specific name that says what is counted."
        )
    if name in EXCEL_BUILTIN_NAMES:
        return "reserved-name", (f"`{name}` is one of Excel's built-in names; choose another name.")
    return None


def suggest_identifier(name: str) -> str:
    """A valid identifier close to ``name`` (used in messages)."""
    cleaned = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_") or "name"
    if cleaned[0].isdigit():
        cleaned = f"n_{cleaned}"
    return cleaned


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word`` (for "did you mean"), or None when nothing is close."""
    matches = get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` Did you mean `x`?`` or an empty string."""
    match = nearest(word, choices)
    return f" Did you mean `{match}`?" if match else ""
