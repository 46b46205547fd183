"""Write an expression tree as Excel formula text.

Parentheses are added by precedence only where they are needed, so the text parses back
to an equal tree. Numbers are written without a lower-case exponent or Python-only forms.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

from lks_templates.formula.parser import (
    ATOM_PRECEDENCE,
    BINARY_PRECEDENCE,
    PERCENT_PRECEDENCE,
    PREFIX_PRECEDENCE,
)
from lks_templates.formula.tree import Binary, Boolean, Call, Expr, Name, Number, String, Unary


def to_excel(expr: Expr, ref: Callable[[str], str]) -> str:
    """Excel formula text for ``expr``, without the leading ``=``.

    ``ref(name)`` gives the text that stands for a name in the workbook: a cell such as
    ``Data!$D$12``, a range, or the defined name itself.
    """
    return _emit(expr, ref)


def _precedence(expr: Expr) -> int:
    if isinstance(expr, Binary):
        return BINARY_PRECEDENCE[expr.op]
    if isinstance(expr, Unary):
        return PERCENT_PRECEDENCE if expr.op == "%" else PREFIX_PRECEDENCE
    if isinstance(expr, Number) and expr.value < 0:
        return PREFIX_PRECEDENCE  # written with a leading minus
    return ATOM_PRECEDENCE


def _wrapped(expr: Expr, ref: Callable[[str], str], parens: bool) -> str:
    text = _emit(expr, ref)
    return f"({text})" if parens else text


def _emit(expr: Expr, ref: Callable[[str], str]) -> str:
    if isinstance(expr, Number):
        return excel_number(expr.value)
    if isinstance(expr, String):
        return '"' + expr.value.replace('"', '""') + '"'
    if isinstance(expr, Boolean):
        return "TRUE" if expr.value else "FALSE"
    if isinstance(expr, Name):
        return ref(expr.name)
    if isinstance(expr, Call):
        return expr.name + "(" + ",".join(_emit(arg, ref) for arg in expr.args) + ")"
    if isinstance(expr, Unary):
        own = _precedence(expr)
        operand = _wrapped(expr.operand, ref, _precedence(expr.operand) < own)
        return operand + "%" if expr.op == "%" else expr.op + operand
    if isinstance(expr, Binary):
        own = BINARY_PRECEDENCE[expr.op]
        # Left-associative: a right operand of equal precedence needs parentheses.
        left = _wrapped(expr.left, ref, _precedence(expr.left) < own)
        right = _wrapped(expr.right, ref, _precedence(expr.right) <= own)
        return f"{left}{expr.op}{right}"
    raise TypeError(f"not an expression node: {expr!r}")


def excel_number(value: float) -> str:
    """A number as Excel formula text: ``1000``, ``0.00001``, ``1.5E+300``.

    Python's ``1e-05`` and ``1000.0`` are avoided; the text reads back as the same float.
    """
    if not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written in an Excel formula")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = int(exponent)
    if -20 <= power <= 20:
        plain = format(Decimal(text), "f")
        return plain.rstrip("0").rstrip(".") if "." in plain else plain
    return f"{mantissa}E{'-' if power < 0 else '+'}{abs(power)}"
