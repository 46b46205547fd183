"""Evaluate an expression tree in Python, agreeing with a spreadsheet.

The rules are listed, one line each, in docs/formula-language.md; tests check each one
against hand-worked values and, with LibreOffice installed, against a real recalculation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TypeAlias

from lks_templates.formula.builtins import BUILTINS, arity_ok
from lks_templates.formula.tree import Binary, Boolean, Call, Expr, Name, Number, String, Unary
from lks_templates.formula.values import (
    DIV0,
    NA,
    NAME,
    NUM,
    VALUE,
    ExcelError,
    Value,
    approx_add,
    approx_sub,
    compare,
    finite,
    normalise,
    to_number,
    to_text,
)

EnvValue: TypeAlias = Value | Sequence[Value | None] | None
"""What a name stands for: one value, or the values of a range (a list or tuple); None is empty."""

Env: TypeAlias = Mapping[str, EnvValue]
Looked: TypeAlias = Value | list[Value]


def evaluate(expr: Expr, env: Env) -> Value:
    """Compute ``expr`` with each name's value taken from ``env``.

    A name missing from ``env`` is ``#NAME?``; ``None`` and :data:`BLANK` are empty cells;
    ints are accepted and treated as floats. A formula that is just a reference to an empty
    cell gives :data:`BLANK`, which a spreadsheet cell would show as 0: callers decide.
    Range names are meant for aggregate functions; anywhere else they give ``#VALUE!``
    (run :func:`check` first to report that as a mistake in the spec).
    """
    return Evaluator(env).scalar(expr)


class Evaluator:
    """Evaluates nodes against one environment; the function table calls back into it."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.looked: dict[str, Looked] = {}

    def lookup(self, name: str) -> Looked:
        found = self.looked.get(name)
        if found is None:
            found = self.looked[name] = self._fetch(name)
        return found

    def _fetch(self, name: str) -> Looked:
        return looked_up(self.env, name)

    def scalar(self, expr: Expr) -> Value:
        """The single value of ``expr``; a range where one value is needed is ``#VALUE!``."""
        match expr:
            case Number(value=value) | String(value=value) | Boolean(value=value):
                return value
            case Name(name=name):
                found = self.lookup(name)
                return VALUE if isinstance(found, list) else found
            case Binary(op=op, left=left, right=right):
                return binary(op, self.scalar(left), self.scalar(right))
            case Unary(op=op, operand=operand):
                return unary(op, self.scalar(operand))
            case Call(name=name, args=args):
                implementation = BUILTINS.get(name)
                if implementation is None:
                    return NAME
                if not arity_ok(name, len(args)):
                    return VALUE
                return implementation(self, args)
        raise TypeError(f"not an expression node: {expr!r}")

    def reference(self, expr: Expr) -> list[Value] | None:
        """The cell values behind a name argument, or None when the argument is not a name.

        Aggregates treat cells (skip text and logical values) differently from values
        typed as arguments, as spreadsheets do.
        """
        if not isinstance(expr, Name):
            return None
        found = self.lookup(expr.name)
        return found if isinstance(found, list) else [found]

    def array(self, expr: Expr) -> Looked:
        """Elementwise evaluation, as inside SUMPRODUCT: operators map over ranges."""
        if isinstance(expr, Name):
            return self.lookup(expr.name)
        if isinstance(expr, Unary):
            operand = self.array(expr.operand)
            if isinstance(operand, list):
                return [unary(expr.op, item) for item in operand]
            return unary(expr.op, operand)
        if isinstance(expr, Binary):
            return _elementwise(expr.op, self.array(expr.left), self.array(expr.right))
        return self.scalar(expr)


def looked_up(env: Env, name: str) -> Looked:
    """What a name stands for in ``env``: one value, the list of a range's values, or
    ``#NAME?`` when it is missing (compiled formulas look names up the same way)."""
    if name not in env:
        return NAME
    raw = env[name]
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        return normalise(raw)
    return [normalise(item) for item in raw]


def _elementwise(op: str, left: Looked, right: Looked) -> Looked:
    if not isinstance(left, list) and not isinstance(right, list):
        return binary(op, left, right)
    if not isinstance(left, list):
        assert isinstance(right, list)
        return [binary(op, left, item) for item in right]
    if not isinstance(right, list):
        return [binary(op, item, right) for item in left]
    # Arrays of different sizes: the missing elements are #N/A, as in a spreadsheet.
    size = max(len(left), len(right))
    padded_left = left + [NA] * (size - len(left))
    padded_right = right + [NA] * (size - len(right))
    return [binary(op, a, b) for a, b in zip(padded_left, padded_right, strict=True)]


def unary(op: str, value: Value) -> Value:
    """Prefix ``-`` and ``+``, postfix ``%``."""
    if op == "+":
        # Unary plus changes nothing, not even the type: +"abc" is "abc".
        return value
    number = to_number(value)
    if isinstance(number, ExcelError):
        return number
    if op == "-":
        return finite(0.0 - number)  # never -0.0
    if op == "%":
        return finite(number / 100.0)
    raise ValueError(f"unknown unary operator {op!r}")


def binary(op: str, left: Value, right: Value) -> Value:
    """Every infix operator, on two values."""
    if op == "&":
        left_text, right_text = to_text(left), to_text(right)
        if isinstance(left_text, ExcelError):
            return left_text
        if isinstance(right_text, ExcelError):
            return right_text
        return left_text + right_text
    if op in _COMPARISONS:
        order = compare(left, right)
        if isinstance(order, ExcelError):
            return order
        return _COMPARISONS[op](order)
    a, b = to_number(left), to_number(right)
    if isinstance(a, ExcelError):
        return a
    if isinstance(b, ExcelError):
        return b
    return _arithmetic(op, a, b)


_COMPARISONS: dict[str, Callable[[int], bool]] = {
    "=": lambda order: order == 0,
    "<>": lambda order: order != 0,
    "<": lambda order: order < 0,
    "<=": lambda order: order <= 0,
    ">": lambda order: order > 0,
    ">=": lambda order: order >= 0,
}


def _arithmetic(op: str, a: float, b: float) -> Value:
    calculate = ARITHMETIC.get(op)
    if calculate is None:
        raise ValueError(f"unknown operator {op!r}")
    return calculate(a, b)


def power(base: float, exponent: float) -> Value:
    """``base ^ exponent`` with Excel's errors: 0^0 and roots of negatives are #NUM!."""
    if base == 0.0:
        if exponent == 0.0:
            return NUM
        if exponent < 0.0:
            return DIV0
        return 0.0
    if base < 0.0 and not exponent.is_integer():
        return NUM
    try:
        result = math.pow(base, exponent)
    except OverflowError:
        return NUM
    return result if math.isfinite(result) else NUM


ARITHMETIC: dict[str, Callable[[float, float], Value]] = {
    "+": lambda a, b: finite(approx_add(a, b)),
    "-": lambda a, b: finite(approx_sub(a, b)),
    "*": lambda a, b: finite(a * b),
    "/": lambda a, b: DIV0 if b == 0.0 else finite(a / b),
    "^": power,
}
"""Each arithmetic operator on two numbers; a result past the largest number is #NUM!.
Compiled formulas call the same table."""
