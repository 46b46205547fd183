"""How a number is shown in a simple Excel number format, shared by the workbook and ``read``.

The Dashboard's target texts are written with it and ``lks-templates read`` prints every
recomputed figure with it, so both show what a spreadsheet shows.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

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
    fmt = number_format.split(";")[0]
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
