"""The whitelist of functions a spec formula may call.

Only functions that give the same results in Excel 2010 or later and in LibreOffice Calc
are listed. Some well-known functions are left out on purpose: ``MOD`` (Excel 2010 returns
``#NUM!`` for large quotients where LibreOffice does not), ``POWER`` (``POWER(0,0)`` is
``#NUM!`` in Excel and 1 in LibreOffice; use ``^``), ``LARGE``/``SMALL`` and anything
added after Excel 2010 (``IFS``, ``TEXTJOIN``, ...), which needs an ``_xlfn.`` prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ResultType = Literal["number", "string", "boolean", "any"]

# Excel 2010 accepts at most 255 arguments in one call.
MAX_ARGS = 255


@dataclass(frozen=True)
class Signature:
    """How a function may be called."""

    min_args: int
    max_args: int | None
    """``None`` means no limit of its own (Excel's 255 still applies)."""
    aggregate: bool
    """Takes ranges: a name that means all period values may be an argument."""
    numeric: bool = False
    """Its arguments must be numbers: text there is a type mismatch."""
    result: ResultType = "any"
    """Type of the value it returns, for type checking."""
    reference_only: bool = False
    """Every argument must be a name (a cell or range), not an expression."""


def _aggregate(numeric: bool, result: ResultType = "number") -> Signature:
    return Signature(1, MAX_ARGS, aggregate=True, numeric=numeric, result=result)


FUNCTIONS: dict[str, Signature] = {
    # aggregates over ranges
    "SUM": _aggregate(numeric=True),
    "AVERAGE": _aggregate(numeric=True),
    "MIN": _aggregate(numeric=True),
    "MAX": _aggregate(numeric=True),
    "MEDIAN": _aggregate(numeric=True),
    "SUMPRODUCT": _aggregate(numeric=True),
    "COUNT": _aggregate(numeric=False),
    "COUNTA": _aggregate(numeric=False),
    "COUNTBLANK": Signature(1, 1, aggregate=True, result="number", reference_only=True),
    # logic
    "IF": Signature(2, 3, aggregate=False),
    "IFERROR": Signature(2, 2, aggregate=False),
    "AND": Signature(1, MAX_ARGS, aggregate=False, result="boolean"),
    "OR": Signature(1, MAX_ARGS, aggregate=False, result="boolean"),
    "NOT": Signature(1, 1, aggregate=False, result="boolean"),
    # numbers; Excel requires ROUND's second argument (LibreOffice does not)
    "ROUND": Signature(2, 2, aggregate=False, numeric=True, result="number"),
    "ROUNDUP": Signature(2, 2, aggregate=False, numeric=True, result="number"),
    "ROUNDDOWN": Signature(2, 2, aggregate=False, numeric=True, result="number"),
    "ABS": Signature(1, 1, aggregate=False, numeric=True, result="number"),
    "INT": Signature(1, 1, aggregate=False, numeric=True, result="number"),
    "SQRT": Signature(1, 1, aggregate=False, numeric=True, result="number"),
    # information and text
    "ISBLANK": Signature(1, 1, aggregate=False, result="boolean"),
    "ISNUMBER": Signature(1, 1, aggregate=False, result="boolean"),
    "ISTEXT": Signature(1, 1, aggregate=False, result="boolean"),
    "LEN": Signature(1, 1, aggregate=False, result="number"),
}
"""Every function a formula may call, by upper-case name."""


def arity_text(name: str, signature: Signature) -> str:
    """``ROUND takes 2 arguments``, ``IF takes 2 or 3 arguments``, ...: for messages."""
    low, high = signature.min_args, signature.max_args
    plural = "argument" if (high or low) == 1 else "arguments"
    if high == low:
        return f"{name} takes {low} {plural}"
    if high is None or high == MAX_ARGS:
        plural = "argument" if low == 1 else "arguments"
        return f"{name} takes at least {low} {plural}"
    if high == low + 1:
        return f"{name} takes {low} or {high} arguments"
    return f"{name} takes {low} to {high} arguments"
