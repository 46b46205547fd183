"""The CSV guard against formula injection, and its exact inverse.

A spreadsheet opening a CSV file runs text that looks like a formula. LibreOffice with
"trim spaces" (and other programs) first drops leading whitespace, so the guard looks at
the first *visible* character, and knows the full-width and other compatibility forms of
the formula signs (full-width equals U+FF1D, small equals U+FE66, full-width plus, minus
and at U+FF0B, U+FF0D, U+FF20, ...), which Unicode normalisation (NFKC) turns into
``= + - @``.

The rule: text gets one more single quote in front when

- it starts with a single quote ``'`` (so that removing one quote is always exact), a
  tab or a carriage return, or
- its first character that is not whitespace, a control character or an invisible
  format character (a zero-width space, a byte-order mark) is a formula sign
  ``= + - @`` or a compatibility form of one.

To recover the raw text, remove exactly one leading quote from any text cell that starts
with one: :func:`unescape_text`. Numbers are never escaped (the caller does not pass them).
"""

from __future__ import annotations

import unicodedata

FORMULA_SIGNS = "=+-@"
"""What starts a formula in a spreadsheet, once normalised (NFKC)."""
ALWAYS_ESCAPED = ("'", "\t", "\r")
"""First characters escaped whatever follows: the quote itself (for an exact inverse), and
tab and carriage return, which some programs treat as the start of a cell's content."""
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
"""Unicode categories a program may trim or not show before the first visible character."""


def needs_escape(text: str) -> bool:
    """Whether :func:`escape_text` puts a quote in front of ``text`` (see the module)."""
    if not text:
        return False
    first = text[0]
    if first.isascii() and first.isalnum():  # nearly every cell: decided at once
        return False
    if first in ALWAYS_ESCAPED:
        return True
    for char in text:
        if char.isspace() or unicodedata.category(char) in _INVISIBLE:
            continue
        if char in FORMULA_SIGNS:
            return True
        if char.isascii():
            return False
        normal = unicodedata.normalize("NFKC", char)
        return normal != "" and normal[0] in FORMULA_SIGNS
    return False


def escape_text(text: str) -> str:
    """Guard a CSV text cell against formula injection, reversibly (see the module)."""
    return "'" + text if needs_escape(text) else text


def unescape_text(text: str) -> str:
    """The raw text of a cell written by :func:`escape_text`: one leading quote removed."""
    return text[1:] if text.startswith("'") else text
