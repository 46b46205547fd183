"""Small badge icons for the infographic, drawn in pure Python as deterministic PNGs.

Each icon is a white pictogram on an NHS Blue disc (white on NHS Blue passes WCAG AA).
Shapes are tests of a point in the unit square; pixels are 2x2 supersampled.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from functools import cache

SIZE = 48
_SAMPLES = ((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75))
_DISC = (0x00, 0x5E, 0xB8)  # NHS Blue
_GLYPH = (0xFF, 0xFF, 0xFF)

Shape = Callable[[float, float], bool]


def _circle(cx: float, cy: float, r: float) -> Shape:
    return lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def _ring(cx: float, cy: float, r: float, width: float) -> Shape:
    return lambda x, y: abs(math.hypot(x - cx, y - cy) - r) <= width / 2


def _rect(x0: float, y0: float, x1: float, y1: float) -> Shape:
    return lambda x, y: x0 <= x <= x1 and y0 <= y <= y1


def _segment(x0: float, y0: float, x1: float, y1: float, width: float) -> Shape:
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy

    def inside(x: float, y: float) -> bool:
        t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / length2))
        return math.hypot(x - (x0 + t * dx), y - (y0 + t * dy)) <= width / 2

    return inside


def _polygon(points: list[tuple[float, float]]) -> Shape:
    def inside(x: float, y: float) -> bool:
        result = False
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                result = not result
        return result

    return inside


def _star() -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = 0.26 if i % 2 == 0 else 0.11
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((0.5 + radius * math.cos(angle), 0.53 + radius * math.sin(angle)))
    return points


GLYPHS: dict[str, list[Shape]] = {
    "search": [_ring(0.44, 0.44, 0.15, 0.07), _segment(0.55, 0.55, 0.7, 0.7, 0.08)],
    "people": [
        _circle(0.5, 0.36, 0.1),
        lambda x, y: y <= 0.72 and (x - 0.5) ** 2 + (y - 0.74) ** 2 <= 0.2**2,
    ],
    "pound": [
        _rect(0.3, 0.62, 0.7, 0.69),
        _rect(0.34, 0.52, 0.74, 0.59),
        _rect(0.28, 0.42, 0.68, 0.49),
        _rect(0.32, 0.32, 0.72, 0.39),
    ],
    "book": [_rect(0.26, 0.32, 0.48, 0.68), _rect(0.52, 0.32, 0.74, 0.68)],
    "question": [
        _rect(0.28, 0.3, 0.72, 0.58),
        _polygon([(0.36, 0.57), (0.48, 0.57), (0.34, 0.72)]),
    ],
    "star": [_polygon(_star())],
    "clock": [
        _ring(0.5, 0.5, 0.21, 0.06),
        _segment(0.5, 0.5, 0.5, 0.36, 0.06),
        _segment(0.5, 0.5, 0.61, 0.56, 0.06),
    ],
    "chart": [
        _rect(0.3, 0.52, 0.39, 0.7),
        _rect(0.45, 0.38, 0.54, 0.7),
        _rect(0.6, 0.3, 0.69, 0.7),
    ],
}
"""Icon name -> the shapes of its white pictogram."""


def _pixel(x: int, y: int, glyph: list[Shape]) -> bytes:
    disc = glyph_hits = 0
    for sx, sy in _SAMPLES:
        u, v = (x + sx) / SIZE, (y + sy) / SIZE
        if (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.49**2:
            disc += 1
            if any(shape(u, v) for shape in glyph):
                glyph_hits += 1
    if not disc:
        return b"\xff\xff\xff\x00"
    share = glyph_hits / disc
    rgb = bytes(round(d + (g - d) * share) for d, g in zip(_DISC, _GLYPH, strict=True))
    return rgb + bytes([round(255 * disc / len(_SAMPLES))])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


@cache
def icon_png(name: str) -> bytes:
    """PNG bytes of the icon called ``name`` (``chart`` when unknown)."""
    glyph = GLYPHS.get(name, GLYPHS["chart"])
    rows = b"".join(
        b"\x00" + b"".join(_pixel(x, y, glyph) for x in range(SIZE)) for y in range(SIZE)
    )
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )
