"""Spreadsheet values and the conversions between them.

A value is a float, a str, a bool, :data:`BLANK` (an empty cell) or an
:class:`ExcelError`. The conversions follow Excel and LibreOffice Calc; where the two
differ, the evaluator follows the behaviour both share or, failing that, LibreOffice with
its default settings, and docs/formula-language.md says so.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, TypeAlias


class Blank:
    """The value of an empty cell. There is one instance, :data:`BLANK`."""

    _instance: Blank | None = None

    def __new__(cls) -> Blank:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "BLANK"

    def __bool__(self) -> bool:
        return False


BLANK: Final = Blank()
"""An empty cell: 0 in arithmetic, "" in text, equal to both 0 and "" in comparisons."""


EXCEL_EPOCH: Final = dt.date(1899, 12, 30)
"""Day 0 of spreadsheet date serials (Excel's 1900 date system, as LibreOffice counts it:
serial 61 is 1 March 1900 in both, as Excel's fictitious 29 February 1900 is day 60)."""
LAST_EXCEL_SERIAL: Final = 2_958_465
"""The serial of 31 December 9999, the last date a spreadsheet can hold."""


def date_to_serial(day: dt.date) -> int:
    """The spreadsheet serial of ``day`` (a datetime counts as its date)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return (day - EXCEL_EPOCH).days


def serial_to_date(serial: int) -> dt.date:
    """The date of a whole spreadsheet serial, 1 to :data:`LAST_EXCEL_SERIAL`."""
    return EXCEL_EPOCH + dt.timedelta(days=serial)


ERROR_CODES: Final = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


@dataclass(frozen=True)
class ExcelError:
    """An error value such as ``#DIV/0!``; it flows through formulas like any value."""

    code: str

    def __post_init__(self) -> None:
        if self.code not in ERROR_CODES:
            raise ValueError(f"not an Excel error code: {self.code!r}")

    def __str__(self) -> str:
        return self.code


DIV0: Final = ExcelError("#DIV/0!")
VALUE: Final = ExcelError("#VALUE!")
NAME: Final = ExcelError("#NAME?")
NUM: Final = ExcelError("#NUM!")
NA: Final = ExcelError("#N/A")

Value: TypeAlias = float | str | bool | Blank | ExcelError
"""One spreadsheet value."""

_PLAIN: Final = frozenset({float, str, bool, Blank, ExcelError})

# 2**-48: LibreOffice's rtl::math::approxEqual tolerance (about 3.6e-15 relative).
_APPROX: Final = 1.0 / (16777216.0 * 16777216.0)
_NUMBER_CHARS: Final = frozenset("0123456789+-.eE,")


def normalise(value: object) -> Value:
    """Accept ints (and None for an empty cell) from callers; the evaluator uses floats."""
    if type(value) in _PLAIN:
        return value  # type: ignore[return-value]
    if value is None:
        return BLANK
    if isinstance(value, bool | float | str | Blank | ExcelError):
        return value
    if isinstance(value, int):
        return float(value)
    raise TypeError(f"not a spreadsheet value: {value!r}")


def approx_equal(a: float, b: float) -> bool:
    """Equal to about 15 significant digits, as both spreadsheets compare numbers."""
    if a == b:
        return True
    if a == 0.0 or b == 0.0 or (a < 0) != (b < 0):
        return False
    difference = abs(a - b)
    if not math.isfinite(difference):
        return False
    return difference <= abs(a) * _APPROX and difference <= abs(b) * _APPROX


def finite(number: float) -> float | ExcelError:
    """``number``, or #NUM! when it is infinite or not a number, as a spreadsheet gives for
    a result past the largest number it can hold (about 1.8E+308)."""
    return number if math.isfinite(number) else NUM


def float_order(a: float, b: float) -> int:
    """-1, 0 or 1: two numbers compared as :func:`compare` compares them."""
    if approx_equal(a, b):
        return 0
    return -1 if a < b else 1


def approx_add(a: float, b: float) -> float:
    """``a + b``, giving exactly 0 when the two cancel to within rounding noise."""
    if ((a < 0 < b) or (b < 0 < a)) and approx_equal(a, -b):
        return 0.0
    return a + b


def approx_sub(a: float, b: float) -> float:
    """``a - b``, giving exactly 0 when the two are equal to within rounding noise."""
    if ((a < 0 and b < 0) or (a > 0 and b > 0)) and approx_equal(a, b):
        return 0.0
    return a - b


def parse_number(text: str) -> float | None:
    """The number a text stands for, or None.

    Converts what both spreadsheets convert whatever the locale: an optional sign,
    digits with an optional decimal point and exponent, thousands commas in groups of
    three (``1,000.5``), a trailing ``%`` and surrounding spaces. Currency, dates and
    ``(5)`` are locale-dependent and do not convert.
    """
    body = text.strip(" ")
    scale = 1.0
    if body.endswith("%"):
        body, scale = body[:-1].rstrip(" "), 0.01
    if not body or not set(body) <= _NUMBER_CHARS:
        return None
    if "," in body and not _thousands_ok(body):
        return None
    try:
        number = float(body.replace(",", "")) * scale
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _thousands_ok(body: str) -> bool:
    whole, _, fraction = body.lstrip("+-").partition(".")
    if any(ch in whole for ch in "eE") or "," in fraction:
        return False
    groups = whole.split(",")
    return 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])


def to_number(value: Value) -> float | ExcelError:
    """A value in arithmetic: blank is 0, TRUE is 1, numeric text converts, else #VALUE!."""
    if isinstance(value, ExcelError):
        return value
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, Blank):
        return 0.0
    number = parse_number(value)
    return VALUE if number is None else number


def to_bool(value: Value) -> bool | ExcelError:
    """A value as a condition: nonzero is TRUE, blank is FALSE, "TRUE"/"FALSE" text converts."""
    if isinstance(value, ExcelError | bool):
        return value
    if isinstance(value, float):
        return value != 0.0
    if isinstance(value, Blank):
        return False
    upper = value.strip(" ").upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    return VALUE


def number_text(number: float) -> str:
    """A number as text, the way ``&`` shows it: up to 15 significant digits.

    ``2.0`` is ``2``, ``1/3`` is ``0.333333333333333``; very small or very large numbers
    use scientific notation, ``1E-10`` and ``1.5E+20``.
    """
    if number == 0:
        return "0"
    text = format(number, ".15g")
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = int(exponent)
    if -5 <= power < 15:
        plain = format(Decimal(text), "f")
        return plain.rstrip("0").rstrip(".") if "." in plain else plain
    sign = "-" if power < 0 else "+"
    return f"{mantissa}E{sign}{abs(power):02d}"


def to_text(value: Value) -> str | ExcelError:
    """A value in ``&``: numbers in general format, TRUE/FALSE, blank as ""."""
    if isinstance(value, ExcelError | str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Blank):
        return ""
    return number_text(value)


def _rank(value: float | str | bool) -> int:
    # Excel and LibreOffice order types: numbers < text < booleans.
    if isinstance(value, bool):
        return 2
    if isinstance(value, str):
        return 1
    return 0


def compare(left: Value, right: Value) -> int | ExcelError:
    """-1, 0 or 1 as spreadsheets compare: text case-insensitively, blank as 0/""/FALSE."""
    if isinstance(left, ExcelError):
        return left
    if isinstance(right, ExcelError):
        return right
    if isinstance(left, Blank) and isinstance(right, Blank):
        return 0
    if isinstance(left, Blank):
        left = _blank_like(right)  # type: ignore[arg-type]
    if isinstance(right, Blank):
        right = _blank_like(left)
    if _rank(left) != _rank(right):
        return -1 if _rank(left) < _rank(right) else 1
    if isinstance(left, str) and isinstance(right, str):
        a, b = left.casefold(), right.casefold()
        return 0 if a == b else (-1 if a < b else 1)
    if isinstance(left, bool) or isinstance(right, bool):
        return (left > right) - (left < right)  # type: ignore[operator]
    assert isinstance(left, float) and isinstance(right, float)
    return float_order(left, right)


def _blank_like(other: float | str | bool) -> float | str | bool:
    if isinstance(other, bool):
        return False
    if isinstance(other, str):
        return ""
    return 0.0
