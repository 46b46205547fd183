"""WCAG 2.2 colour contrast: relative luminance, contrast ratio and the AA thresholds.

One source of truth for the generator's tests and for ``lks-templates audit``: a style or a
chart series is accessible when :func:`contrast_ratio` of its colour against what it sits on
reaches :data:`TEXT_MINIMUM` (text), :data:`LARGE_TEXT_MINIMUM` (large text) or
:data:`NON_TEXT_MINIMUM` (chart series, markers, lines: WCAG 1.4.11).
"""

from __future__ import annotations

import re

TEXT_MINIMUM = 4.5
"""WCAG 1.4.3 (AA): normal text against its background."""
LARGE_TEXT_MINIMUM = 3.0
"""WCAG 1.4.3 (AA): large text, at least 18 pt, or 14 pt bold."""
NON_TEXT_MINIMUM = 3.0
"""WCAG 1.4.11 (AA): graphical objects (chart series) against adjacent colours."""

_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")


def parse_colour(colour: str) -> str:
    """``#RRGGBB`` (upper case) from ``#rrggbb``, ``RRGGBB`` or an ARGB ``FFRRGGBB``.

    Raises :class:`ValueError` for anything else.
    """
    text = colour.strip()
    if len(text) == 8 and not text.startswith("#"):
        text = text[2:]  # ARGB as in spreadsheet styles: the alpha byte is ignored
    match = _HEX.fullmatch(text)
    if match is None:
        raise ValueError(f"not a colour: {colour!r}")
    return "#" + match.group(1).upper()


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a colour (0 for black, 1 for white)."""
    hex_digits = parse_colour(colour)[1:]
    channels = []
    for i in (0, 2, 4):
        c = int(hex_digits[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def is_large_text(size_points: float, bold: bool) -> bool:
    """WCAG's large text: at least 18 pt, or at least 14 pt and bold."""
    return size_points >= 18 or (bold and size_points >= 14)


def text_minimum(size_points: float, bold: bool) -> float:
    """The contrast text of this size and weight needs (AA)."""
    return LARGE_TEXT_MINIMUM if is_large_text(size_points, bold) else TEXT_MINIMUM
