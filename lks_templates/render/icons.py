"""Badge icons for the infographic, drawn in pure Python as deterministic PNGs.

Each icon is a white pictogram on an NHS Blue disc (white on NHS Blue passes WCAG AA).
A pictogram is a union of simple shapes, minus some cut-outs (the lines on a page, the
gap between two people); shapes are tests of a point in the unit square (y runs down)
with a bounding box, so each is only tested near where it lies. Pixels are 2x2
supersampled. Icons are drawn at twice the size they are shown, so they print sharply.
"""

from __future__ import annotations

import itertools
import math
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

SIZE = 96
"""Pixels across the PNG (the plan says how big it is shown)."""
_DISC = (0x00, 0x5E, 0xB8)  # NHS Blue
_GLYPH = (0xFF, 0xFF, 0xFF)
_DISC_RADIUS = 0.49


@dataclass(frozen=True)
class Shape:
    """A point test and the box ``(x0, y0, x1, y1)`` outside which it is always false."""

    inside: Callable[[float, float], bool]
    box: tuple[float, float, float, float]

    def __call__(self, x: float, y: float) -> bool:
        x0, y0, x1, y1 = self.box
        return x0 <= x <= x1 and y0 <= y <= y1 and self.inside(x, y)


def _circle(cx: float, cy: float, r: float) -> Shape:
    box = (cx - r, cy - r, cx + r, cy + r)
    return Shape(lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= r * r, box)


def _ring(cx: float, cy: float, r: float, width: float) -> Shape:
    outer = r + width / 2
    return Shape(
        lambda x, y: abs(math.hypot(x - cx, y - cy) - r) <= width / 2,
        (cx - outer, cy - outer, cx + outer, cy + outer),
    )


def _rect(x0: float, y0: float, x1: float, y1: float) -> Shape:
    return Shape(lambda x, y: True, (x0, y0, x1, y1))


def _clip(shape: Shape, x0: float, y0: float, x1: float, y1: float) -> Shape:
    """``shape`` within a box only."""
    bx0, by0, bx1, by1 = shape.box
    return Shape(shape.inside, (max(x0, bx0), max(y0, by0), min(x1, bx1), min(y1, by1)))


def _segment(x0: float, y0: float, x1: float, y1: float, width: float) -> Shape:
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    half = width / 2

    def inside(x: float, y: float) -> bool:
        t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / length2))
        return math.hypot(x - (x0 + t * dx), y - (y0 + t * dy)) <= half

    box = (min(x0, x1) - half, min(y0, y1) - half, max(x0, x1) + half, max(y0, y1) + half)
    return Shape(inside, box)


def _polyline(points: list[tuple[float, float]], width: float) -> list[Shape]:
    return [_segment(*a, *b, width) for a, b in itertools.pairwise(points)]


def _polygon(points: list[tuple[float, float]]) -> Shape:
    def inside(x: float, y: float) -> bool:
        result = False
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                result = not result
        return result

    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Shape(inside, (min(xs), min(ys), max(xs), max(ys)))


def _star() -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = 0.27 if i % 2 == 0 else 0.115
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((0.5 + radius * math.cos(angle), 0.53 + radius * math.sin(angle)))
    return points


def _person(cx: float, head_y: float, head: float, body: float, base: float) -> list[Shape]:
    """A head and rounded shoulders, cut flat at ``base``."""
    shoulders = _clip(_circle(cx, base + body * 0.1, body), 0, 0, 1, base)
    return [_circle(cx, head_y, head), shoulders]


GLYPHS: dict[str, list[Shape]] = {
    "search": [_ring(0.44, 0.44, 0.14, 0.07), _segment(0.54, 0.54, 0.7, 0.7, 0.09)],
    "person": _person(0.5, 0.36, 0.1, 0.2, 0.72),
    "people": [
        *_person(0.31, 0.42, 0.075, 0.14, 0.7),
        *_person(0.69, 0.42, 0.075, 0.14, 0.7),
        *_person(0.5, 0.36, 0.09, 0.18, 0.72),
    ],
    "book": [
        _polygon([(0.23, 0.33), (0.47, 0.37), (0.47, 0.7), (0.23, 0.66)]),
        _polygon([(0.53, 0.37), (0.77, 0.33), (0.77, 0.66), (0.53, 0.7)]),
    ],
    "document": [_polygon([(0.32, 0.25), (0.58, 0.25), (0.68, 0.35), (0.68, 0.75), (0.32, 0.75)])],
    "pound": [
        _clip(_ring(0.55, 0.39, 0.12, 0.075), 0, 0, 1, 0.39),
        _segment(0.43, 0.39, 0.43, 0.62, 0.075),
        _segment(0.43, 0.62, 0.36, 0.69, 0.075),
        _segment(0.34, 0.69, 0.7, 0.69, 0.075),
        _segment(0.33, 0.52, 0.58, 0.52, 0.06),
    ],
    "clock": [
        _ring(0.5, 0.5, 0.21, 0.06),
        _segment(0.5, 0.5, 0.5, 0.36, 0.06),
        _segment(0.5, 0.5, 0.61, 0.56, 0.06),
    ],
    "chart": [
        _rect(0.3, 0.5, 0.39, 0.7),
        _rect(0.45, 0.38, 0.54, 0.7),
        _rect(0.6, 0.3, 0.69, 0.7),
        _rect(0.26, 0.71, 0.73, 0.74),
    ],
    "trend": [
        *_polyline([(0.27, 0.68), (0.42, 0.52), (0.52, 0.6), (0.66, 0.42)], 0.07),
        _polygon([(0.58, 0.36), (0.74, 0.3), (0.71, 0.47)]),
    ],
    "star": [_polygon(_star())],
    "tick": _polyline([(0.3, 0.52), (0.44, 0.66), (0.72, 0.35)], 0.09),
    "question": [
        _rect(0.26, 0.3, 0.74, 0.58),
        _polygon([(0.34, 0.57), (0.48, 0.57), (0.32, 0.73)]),
    ],
    "percent": [
        _ring(0.36, 0.36, 0.07, 0.055),
        _ring(0.64, 0.64, 0.07, 0.055),
        _segment(0.68, 0.29, 0.32, 0.71, 0.065),
    ],
    "key": [
        _ring(0.35, 0.5, 0.1, 0.07),
        _segment(0.45, 0.5, 0.75, 0.5, 0.07),
        _rect(0.6, 0.5, 0.66, 0.63),
        _rect(0.69, 0.5, 0.75, 0.6),
    ],
    "training": [
        _polygon([(0.5, 0.27), (0.79, 0.41), (0.5, 0.55), (0.21, 0.41)]),
        _polygon(
            [(0.34, 0.49), (0.5, 0.57), (0.66, 0.49), (0.66, 0.64), (0.5, 0.71), (0.34, 0.64)]
        ),
        _segment(0.75, 0.43, 0.75, 0.63, 0.035),
    ],
    "screen": [
        _rect(0.24, 0.28, 0.76, 0.62),
        _rect(0.46, 0.62, 0.54, 0.7),
        _rect(0.35, 0.69, 0.65, 0.74),
    ],
    "blocked": [_ring(0.5, 0.5, 0.2, 0.075), _segment(0.36, 0.36, 0.64, 0.64, 0.075)],
    "bulb": [
        _circle(0.5, 0.42, 0.16),
        _rect(0.42, 0.52, 0.58, 0.68),
        _rect(0.45, 0.68, 0.55, 0.73),
    ],
}
"""Icon name -> the shapes of its white pictogram."""

CUTS: dict[str, list[Shape]] = {
    "people": [  # a thin gap between the middle person and the two behind
        _clip(_ring(0.5, 0.738, 0.205, 0.04), 0, 0, 1, 0.72),
        _ring(0.5, 0.36, 0.115, 0.04),
    ],
    "document": [
        _rect(0.38, 0.43, 0.62, 0.47),
        _rect(0.38, 0.52, 0.62, 0.56),
        _rect(0.38, 0.61, 0.55, 0.65),
        _polygon([(0.58, 0.25), (0.58, 0.35), (0.68, 0.35)]),
    ],
    "question": [_circle(0.38, 0.44, 0.035), _circle(0.5, 0.44, 0.035), _circle(0.62, 0.44, 0.035)],
    "screen": [_rect(0.28, 0.32, 0.72, 0.58)],
    "training": [_segment(0.34, 0.5, 0.66, 0.5, 0.03)],
    "bulb": [_rect(0.42, 0.59, 0.58, 0.61), _rect(0.42, 0.645, 0.58, 0.665)],
}
"""Icon name -> shapes cut out of its pictogram (showing the disc through)."""


def _mask(shapes: list[Shape], grid: bytearray, value: int) -> None:
    """Set ``grid`` (samples of the unit square, row by row) to ``value`` inside ``shapes``."""
    n = 2 * SIZE
    for shape in shapes:
        x0, y0, x1, y1 = shape.box
        cols = range(max(0, math.floor(x0 * n - 0.5)), min(n, math.ceil(x1 * n + 0.5)))
        for j in range(max(0, math.floor(y0 * n - 0.5)), min(n, math.ceil(y1 * n + 0.5))):
            v = (j + 0.5) / n
            row = j * n
            for i in cols:
                if grid[row + i] != value and shape((i + 0.5) / n, v):
                    grid[row + i] = value


@cache
def _disc() -> bytes:
    """1 for the samples inside the disc, else 0."""
    n = 2 * SIZE
    limit = (_DISC_RADIUS * n) ** 2
    return bytes(
        (i + 0.5 - SIZE) ** 2 + (j + 0.5 - SIZE) ** 2 <= limit for j in range(n) for i in range(n)
    )


@cache
def _colours() -> dict[int, bytes]:
    """RGBA of a pixel by the sum of its four sample codes (1: disc, 5: glyph on the disc)."""
    table = {}
    for disc in range(5):
        for glyph in range(disc + 1):
            if not disc:
                table[0] = b"\xff\xff\xff\x00"
                continue
            share = glyph / disc
            rgb = bytes(round(d + (g - d) * share) for d, g in zip(_DISC, _GLYPH, strict=True))
            table[disc + 4 * glyph] = rgb + bytes([round(255 * disc / 4)])
    return table


def _pixels(glyph: list[Shape], cuts: list[Shape]) -> bytes:
    """RGBA rows (each with PNG's filter byte) of a glyph on the disc, 2x2 supersampled."""
    n = 2 * SIZE
    samples = bytearray(n * n)
    _mask(glyph, samples, 1)
    _mask(cuts, samples, 0)
    code = bytes(d * (1 + 4 * g) for d, g in zip(_disc(), samples, strict=True))
    colours = _colours()
    rows = []
    for y in range(SIZE):
        top, bottom = code[2 * y * n : (2 * y + 1) * n], code[(2 * y + 1) * n : (2 * y + 2) * n]
        sums = [top[i] + top[i + 1] + bottom[i] + bottom[i + 1] for i in range(0, n, 2)]
        rows.append(b"\x00" + b"".join(colours[total] for total in sums))
    return b"".join(rows)


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
    cuts = CUTS.get(name, []) if name in GLYPHS else []
    rows = _pixels(glyph, cuts)
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )
