"""Expression trees compiled once into Python closures, for evaluating many times.

:func:`compile_expr` gives a function of the environment that returns exactly what
:func:`~lks_templates.formula.evaluate.evaluate` returns for the same tree and environment
(a test runs both over every evaluator case and a generated corpus). Walking the tree costs
more than the arithmetic in it, and read-back evaluates the same few dozen formulas for
every return of a template, so each is compiled once and its closure kept.

The closures share the evaluator's building blocks (``binary``, ``unary``, the function
table in :mod:`.builtins`): only the dispatch on node types is done ahead of time, plus
short cuts for the commonest cases (two numbers in arithmetic, IF, IFERROR), each of which
computes what the general path would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final, cast

from lks_templates.formula.builtins import BUILTINS, arity_ok
from lks_templates.formula.evaluate import (
    _COMPARISONS,
    ARITHMETIC,
    Env,
    Looked,
    _elementwise,
    binary,
    looked_up,
    unary,
)
from lks_templates.formula.tree import Binary, Boolean, Call, Expr, Name, Number, String, Unary
from lks_templates.formula.values import (
    NAME,
    VALUE,
    Blank,
    ExcelError,
    Value,
    float_order,
    to_bool,
)

Compiled = Callable[[Env], Value]
"""A compiled formula: the environment in, the formula's value out."""

_Scalar = Callable[[Env], Value]
_Array = Callable[[Env], Looked]
_Cells = Callable[[Env], "list[Value]"]

_MISSING: Final = object()
_PLAIN: Final = frozenset({float, str, bool, Blank, ExcelError})


def compile_expr(expr: Expr) -> Compiled:
    """``expr`` as a function of the environment, equal to ``evaluate(expr, env)``."""
    return _node(expr).scalar


class _Node:
    """One compiled sub-expression, in the three ways a function may ask for it."""

    __slots__ = ("array", "name", "reference", "scalar")

    def __init__(
        self, scalar: _Scalar, array: _Array, reference: _Cells | None, name: str | None = None
    ) -> None:
        self.scalar = scalar
        self.array = array
        """Elementwise value, as inside SUMPRODUCT."""
        self.reference = reference
        """The cells behind a name; None when the argument is not a name."""
        self.name = name
        """The name, for a name node."""


class _Adapter:
    """Stands in for the evaluator when a function of the table calls back for arguments."""

    __slots__ = ("env",)

    def __init__(self, env: Env) -> None:
        self.env = env

    def scalar(self, node: _Node) -> Value:
        return node.scalar(self.env)

    def reference(self, node: _Node) -> list[Value] | None:
        return None if node.reference is None else node.reference(self.env)

    def array(self, node: _Node) -> Looked:
        return node.array(self.env)


def _node(expr: Expr) -> _Node:
    if isinstance(expr, Number | String | Boolean):
        return _constant(expr.value)
    if isinstance(expr, Name):
        return _name(expr.name)
    if isinstance(expr, Binary):
        return _binary(expr)
    if isinstance(expr, Unary):
        return _unary(expr)
    if isinstance(expr, Call):
        return _call(expr)
    raise TypeError(f"not an expression node: {expr!r}")


def _constant(value: Value) -> _Node:
    def scalar(env: Env) -> Value:
        return value

    return _Node(scalar, scalar, None)


# -- names ------------------------------------------------------------------------------


def _name(name: str) -> _Node:
    def scalar(env: Env) -> Value:
        raw = env.get(name, _MISSING)
        if type(raw) in _PLAIN:
            return cast(Value, raw)  # what normalise() would give back unchanged
        found = looked_up(env, name)
        return VALUE if isinstance(found, list) else found

    def array(env: Env) -> Looked:
        return looked_up(env, name)

    def reference(env: Env) -> list[Value]:
        found = looked_up(env, name)
        return found if isinstance(found, list) else [found]

    return _Node(scalar, array, reference, name)


# -- operators --------------------------------------------------------------------------


# For two floats, binary() converts nothing and comes down to the evaluator's own table
# (``^`` too: power() is what binary() calls).
_NUMERIC: Final = ARITHMETIC


def _binary(expr: Binary) -> _Node:
    op = expr.op
    left, right = _node(expr.left), _node(expr.right)
    first, second = left.scalar, right.scalar
    numeric = _NUMERIC.get(op)
    comparison = _COMPARISONS.get(op)
    if comparison is not None:

        def scalar(env: Env) -> Value:
            a = first(env)
            b = second(env)
            if type(a) is float and type(b) is float:
                return comparison(float_order(a, b))
            return binary(op, a, b)

    elif numeric is not None:

        def scalar(env: Env) -> Value:
            a = first(env)
            b = second(env)
            if type(a) is float and type(b) is float:
                return numeric(a, b)
            return binary(op, a, b)

    else:

        def scalar(env: Env) -> Value:
            a = first(env)
            return binary(op, a, second(env))

    def array(env: Env) -> Looked:
        a = left.array(env)
        return _elementwise(op, a, right.array(env))

    return _Node(scalar, array, None)


def _unary(expr: Unary) -> _Node:
    op = expr.op
    operand = _node(expr.operand)
    inner = operand.scalar

    def scalar(env: Env) -> Value:
        return unary(op, inner(env))

    def array(env: Env) -> Looked:
        found = operand.array(env)
        if isinstance(found, list):
            return [unary(op, item) for item in found]
        return unary(op, found)

    return _Node(scalar, array, None)


# -- function calls ---------------------------------------------------------------------


def _call(expr: Call) -> _Node:
    implementation = BUILTINS.get(expr.name)
    if implementation is None:
        return _constant(NAME)
    if not arity_ok(expr.name, len(expr.args)):
        return _constant(VALUE)
    args = [_node(arg) for arg in expr.args]
    special = _SPECIAL.get(expr.name)
    if expr.name == "IF" and _counts_nothing(expr.args[0]):
        scalar = _if_all_blank(expr, args)
    elif special is not None:
        scalar = special(args)
    else:
        # The function table takes the evaluator and argument trees; an adapter hands it
        # compiled arguments instead, so the functions themselves are shared, not copied.
        table = cast(Callable[[Any, Sequence[Any]], Value], implementation)

        def scalar(env: Env) -> Value:
            return table(_Adapter(env), args)

    return _Node(scalar, scalar, None)


def _if(args: list[_Node]) -> _Scalar:
    test, then = args[0].scalar, args[1].scalar
    otherwise = args[2].scalar if len(args) > 2 else None

    def scalar(env: Env) -> Value:
        value = test(env)
        condition = value if type(value) is bool else to_bool(value)
        if isinstance(condition, ExcelError):
            return condition
        if condition:
            return then(env)
        return otherwise(env) if otherwise is not None else False

    return scalar


def _counts_nothing(test: Expr) -> bool:
    """Whether ``test`` is ``COUNTA(name, ...)=0``, the blank test around every figure."""
    return (
        isinstance(test, Binary)
        and test.op == "="
        and isinstance(test.left, Call)
        and test.left.name == "COUNTA"
        and arity_ok("COUNTA", len(test.left.args))
        and all(isinstance(arg, Name) for arg in test.left.args)
        and isinstance(test.right, Number)
        and test.right.value == 0.0
    )


def _if_all_blank(expr: Call, args: list[_Node]) -> _Scalar:
    """``IF(COUNTA(names)=0, then, otherwise)`` in one step.

    COUNTA gives a whole number and never an error, so the test is true exactly when
    every cell behind the names is blank; each name is still looked up, as COUNTA would.
    """
    counted = cast(Call, cast(Binary, expr.args[0]).left).args
    names = [_name(cast(Name, arg).name) for arg in counted]
    then = args[1].scalar
    otherwise = args[2].scalar if len(args) > 2 else None

    def scalar(env: Env) -> Value:
        blank = True
        for node in names:
            raw = env.get(cast(str, node.name), _MISSING)
            if type(raw) in _PLAIN:  # one cell, as normalise() leaves it
                blank = blank and type(raw) is Blank
                continue
            cells = cast(_Cells, node.reference)(env)
            blank = all(isinstance(cell, Blank) for cell in cells) and blank
        if blank:
            return then(env)
        return otherwise(env) if otherwise is not None else False

    return scalar


def _iferror(args: list[_Node]) -> _Scalar:
    body, fallback = args[0].scalar, args[1].scalar

    def scalar(env: Env) -> Value:
        value = body(env)
        return fallback(env) if isinstance(value, ExcelError) else value

    return scalar


def _counta(args: list[_Node]) -> _Scalar:
    def scalar(env: Env) -> Value:
        count = 0
        for arg in args:
            if arg.name is not None:
                raw = env.get(arg.name, _MISSING)
                if type(raw) in _PLAIN:  # one cell, as normalise() leaves it
                    count += type(raw) is not Blank
                    continue
            values = arg.reference(env) if arg.reference is not None else [arg.scalar(env)]
            count += sum(1 for value in values if not isinstance(value, Blank))
        return float(count)

    return scalar


# Same results as the table's IF, IFERROR and COUNTA, called
# directly because every derived figure, KPI and rule flag is wrapped in them.
_SPECIAL: Final[dict[str, Callable[[list[_Node]], _Scalar]]] = {
    "IF": _if,
    "IFERROR": _iferror,
    "COUNTA": _counta,
}
