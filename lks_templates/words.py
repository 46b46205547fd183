"""Counts in messages: ``1 file``, ``2 files``, never ``1 files``."""

from __future__ import annotations


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``1 error``, ``0 errors``, ``1,234 errors``; ``plural`` when it is not ``singular + s``."""
    word = singular if count == 1 else (plural if plural is not None else singular + "s")
    return f"{count:,} {word}"
