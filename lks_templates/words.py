"""Words in messages: counts (``1 file``, ``2 files``, never ``1 files``), text from
files made safe to print, and the one "did you mean" of the project."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Characters a terminal acts on or that change how a line reads: C0 and C1 controls and
# DEL (category Cc: escape sequences, carriage return, backspace), line and paragraph
# separators, and the bidirectional overrides and isolates that reorder text on screen.
_SHOWN_AS = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_REORDERING = frozenset("\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e") | frozenset(
    "\u2066\u2067\u2068\u2069"
)


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``1 error``, ``0 errors``, ``1,234 errors``; ``plural`` when it is not ``singular + s``."""
    word = singular if count == 1 else (plural if plural is not None else singular + "s")
    return f"{count:,} {word}"


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on shown as an escape.

    ``\\x1b`` (the start of a screen-clearing or colour sequence), ``\\r`` (which sends
    the cursor back to overwrite the line), ``\\n``, ``\\t``, other controls as
    ``\\xNN`` and bidirectional overrides as ``\\uNNNN``; a backslash is left as it is.
    For text that came from a file (cell values, sheet and file names) printed by the CLI.
    """
    if text.isprintable():  # the usual case: nothing to escape
        return text
    return "".join(_escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    if ch in _SHOWN_AS:
        return _SHOWN_AS[ch]
    if ch in _REORDERING or unicodedata.category(ch) == "Cc":
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch


def close_matches(word: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """Up to ``n`` choices close to ``word``, closest first: the one "did you mean" that
    spec, formula and read-back messages share (difflib's ratio of 0.6 or more)."""
    from difflib import get_close_matches

    return get_close_matches(word, sorted(set(choices)), n=n, cutoff=0.6)
