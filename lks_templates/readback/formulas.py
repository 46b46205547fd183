"""Comparing the formulas stored in a workbook with the ones the generator writes.

Spreadsheet programs re-save formulas with small differences that do not change what
they compute: upper-cased names, ``$`` signs, quoted sheet names, the ``_xlfn.`` prefix,
spaces. :func:`normalise_formula` removes those, so that only a real change (a formula
replaced by a typed number, or edited) is reported.
"""

from __future__ import annotations

import re

_PREFIXES = re.compile(r"_XLFN\.|_XLWS\.|_XLPM\.")
_CONSTANTS = re.compile(r"\b(TRUE|FALSE)\(\)")
_PLAIN_SHEET = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


# A formula as runs: double-quoted text, a single-quoted sheet name (each closed by its quote
# not doubled, or by the end of the formula) and anything else.
_RUNS = re.compile(r"""("(?:[^"]|"")*(?:"|$))|('(?:[^']|'')*(?:'|$))|([^"']+)""")
_DROPPED = str.maketrans("", "", " \t\r\n$")


def normalise_formula(text: str) -> str:
    """Canonical text of a formula for comparison (not for evaluation).

    Outside text in double quotes: spaces and ``$`` are dropped and letters upper-cased; a
    quoted sheet name loses its quotes when it does not need them.
    """
    text = text.strip()
    if text.startswith("="):
        text = text[1:]
    out: list[str] = []
    for quoted, sheet, other in _RUNS.findall(text):
        if other:
            out.append(other.translate(_DROPPED).upper())
        elif quoted:
            out.append(quoted)
        else:
            name = sheet[1:-1].replace("''", "'")
            out.append(name.upper() if _PLAIN_SHEET.match(name) else sheet.upper())
    # LibreOffice writes the constants TRUE and FALSE as the functions TRUE() and FALSE().
    return _CONSTANTS.sub(r"\1", _PREFIXES.sub("", "".join(out)))
