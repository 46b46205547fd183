"""How a number is shown in a simple Excel number format, shared by the workbook and ``read``.

The Dashboard's target texts are written with it and ``lks-templates read`` prints every
recomputed figure with it, so both show what a spreadsheet shows.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

_LITERAL = re.compile(r'"([^"]*)"')
RATIO = re.compile(r"^1\s*:\s*$")
"""The literal text before the number of a ratio format (``"1 : "#,##0``), which shows
1,447 as ``1 : 1,447``, as policy writes a staff-to-librarian ratio."""

NOT_FINITE = "#NUM!"
"""What a spreadsheet shows for a number it cannot hold (infinity, not a number)."""


def format_number(value: float, number_format: str) -> str:
    """Python rendering of a number in a simple Excel format, as a spreadsheet shows it.

    Rounds half away from zero on the decimal value, as Excel and LibreOffice do (Python's
    own formatting rounds half to even on the binary value: 81.25 would show 81.2): the
    shortest decimal that reads back as the float when it has at most 15 digits, else the
    float to 16 significant digits, so 1.5499999999999998 (a sum) shows 1.6. A negative
    currency shows ``-£5.00``; a value that rounds to zero shows no minus sign. Any finite
    float can be shown, 1e308 with two decimals included; a value that is not finite
    shows ``#NUM!``.
    """
    before, fmt, after = split_literals(number_format.split(";")[0])
    return before + _format_core(value, fmt) + after


def split_literals(number_format: str) -> tuple[str, str, str]:
    """A format's quoted text before the number, the number's own format, and the quoted
    text after it: ``"1 : "#,##0`` is ``("1 : ", "#,##0", "")``, ``0.0"%"`` is
    ``("", "0.0", "%")`` (a quoted % is shown as written; only a bare % scales by 100)."""
    parts = _LITERAL.split(number_format)  # even indices: format code; odd: literal text
    codes = [i for i in range(0, len(parts), 2) if parts[i]]
    if not codes:
        return "".join(parts[1::2]), "", ""
    first, last = codes[0], codes[-1]
    before = "".join(parts[i] for i in range(1, first, 2))
    after = "".join(parts[i] for i in range(last + 1, len(parts), 2))
    core = "".join(parts[i] for i in range(first, last + 1, 2))
    return before, core, after


def is_ratio(number_format: str) -> bool:
    """Whether the format shows a number as a ratio to one (``"1 : "#,##0``)."""
    return bool(RATIO.match(split_literals(number_format.split(";")[0])[0]))


def _format_core(value: float, fmt: str) -> str:
    percent = "%" in fmt
    decimals = sum(1 for ch in fmt.split(".")[1] if ch in "0#") if "." in fmt else 0
    if isinstance(value, float) and not math.isfinite(value):
        return NOT_FINITE
    exact = _decimal(value * 100 if percent else value)
    if exact is None:  # a percentage too large for a float: scale the decimal instead
        exact = _decimal(value)
        assert exact is not None
        exact *= 100
    with localcontext() as context:
        # Enough digits for the whole part and every decimal: the default 28 would make
        # quantize() fail for 1e30 with two decimals.
        context.prec = max(28, exact.adjusted() + decimals + 2)
        rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    magnitude = abs(rounded)
    text = f"{magnitude:,.{decimals}f}" if "," in fmt else f"{magnitude:.{decimals}f}"
    prefix = "£" if "£" in fmt else ""
    return sign + prefix + text + ("%" if percent else "")


PERCENT_SUFFIX = '"%"'
"""Appended to the format of a figure whose unit is a percentage: the cell holds 85.4 (as
``read`` and ``collect`` give it) and shows ``85.4%``."""


def _is_percent(unit: str) -> bool:
    return unit.strip() == "%" or unit.strip().startswith("% ")


def shown_format(number_format: str, unit: str) -> str:
    """The number format a figure is shown with: its spec's, with a ``%`` sign added when
    its unit is a percentage (``% of returns``) the format does not already show."""
    if _is_percent(unit) and "%" not in number_format and ";" not in number_format:
        return number_format + PERCENT_SUFFIX
    return number_format


def shown_unit(number_format: str, unit: str) -> str:
    """The unit label beside a figure shown with :func:`shown_format`, without what the
    number already says: ``% of returns`` -> ``of returns``, ``GBP per WTE`` under a £
    figure -> ``per WTE``; ``%`` or ``GBP`` alone -> blank."""
    words = unit.strip()
    if "%" in shown_format(number_format, unit) and _is_percent(words):
        return words.removeprefix("%").strip()
    if "£" in number_format and words.upper().split(" ")[0] in {"GBP", "£"}:
        return words.split(" ", 1)[1].strip() if " " in words else ""
    return unit


def _decimal(shown: float) -> Decimal | None:
    """The decimal a spreadsheet rounds: the float's shortest form, or 16 digits."""
    if isinstance(shown, int):
        return Decimal(shown)
    if not math.isfinite(shown):
        return None
    exact = Decimal(repr(shown))
    if len(exact.as_tuple().digits) > 15:
        exact = Decimal(f"{shown:.16g}")
    return exact
