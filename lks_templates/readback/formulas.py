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


def normalise_formula(text: str) -> str:
    """Canonical text of a formula for comparison (not for evaluation)."""
    text = text.strip()
    if text.startswith("="):
        text = text[1:]
    out: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == '"':
            end = _closing(text, index, '"')
            out.append(text[index:end])
            index = end
        elif char == "'":
            end = _closing(text, index, "'")
            name = text[index + 1 : end - 1].replace("''", "'")
            out.append(name.upper() if _PLAIN_SHEET.match(name) else text[index:end].upper())
            index = end
        elif char in " \t\r\n$":
            index += 1
        else:
            out.append(char.upper())
            index += 1
    # LibreOffice writes the constants TRUE and FALSE as the functions TRUE() and FALSE().
    return _CONSTANTS.sub(r"\1", _PREFIXES.sub("", "".join(out)))


def _closing(text: str, start: int, quote: str) -> int:
    """Index just past the quoted run starting at ``start`` (doubled quotes escape)."""
    index = start + 1
    while index < len(text):
        if text[index] == quote:
            if index + 1 < len(text) and text[index + 1] == quote:
                index += 2
                continue
            return index + 1
        index += 1
    return len(text)
