"""Static checks of a parsed formula against the names in scope.

The spec validator turns each :class:`FormulaIssue` into a located problem: the issue's
column is a 1-based position in the formula text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from lks_templates.formula.functions import FUNCTIONS, Signature, arity_text
from lks_templates.formula.tree import Binary, Boolean, Call, Expr, Name, Number, String, Unary
from lks_templates.words import close_matches

NameType = Literal["number", "string", "boolean", "date"]
Shape = Literal["scalar", "range"]
_Type = Literal["number", "string", "boolean", "date", "any"]
# Where a node sits: needing one value, directly inside an aggregate, or inside SUMPRODUCT
# where operators work element by element.
_Context = Literal["scalar", "aggregate", "elementwise"]

AGGREGATES = tuple(name for name, signature in FUNCTIONS.items() if signature.aggregate)
MAX_TEXT = 255  # Excel's limit on a text literal inside a formula

# Well-known functions left out of the whitelist, with what to do instead.
_NOT_ALLOWED = {
    "POWER": "use the ^ operator instead (POWER(0,0) differs between Excel and LibreOffice)",
    "MOD": "Excel 2010 and LibreOffice disagree on it for large numbers",
    "IFS": "it needs Excel 2019; nest IF calls instead",
    "TEXTJOIN": "it needs Excel 2019; join with & instead",
    "CONCAT": "it needs Excel 2019; join with & instead",
}


@dataclass(frozen=True)
class NameInfo:
    """What a name in scope holds: its type and whether it is one value or a range."""

    type: NameType
    shape: Shape = "scalar"


@dataclass(frozen=True)
class FormulaIssue:
    """One mistake in a formula, with a stable code and the 1-based column in the text.

    Codes: ``unknown-name``, ``unknown-function``, ``wrong-arity``,
    ``range-in-scalar-context``, ``type-mismatch``, ``reference-required``,
    ``text-too-long``.
    """

    code: str
    message: str
    column: int


def check(expr: Expr, scope: Mapping[str, NameInfo]) -> list[FormulaIssue]:
    """Every issue in ``expr`` given the names in ``scope``, in order of column."""
    checker = _Checker(scope)
    checker.visit(expr, "scalar")
    return sorted(checker.issues, key=lambda issue: issue.column)


class _Checker:
    def __init__(self, scope: Mapping[str, NameInfo]) -> None:
        self.scope = scope
        self.issues: list[FormulaIssue] = []

    def add(self, code: str, message: str, column: int) -> None:
        self.issues.append(FormulaIssue(code, message, column))

    def visit(self, expr: Expr, context: _Context) -> _Type:
        if isinstance(expr, Number):
            return "number"
        if isinstance(expr, Boolean):
            return "boolean"
        if isinstance(expr, String):
            if len(expr.value) > MAX_TEXT:
                self.add(
                    "text-too-long",
                    f"Text in a formula can be at most {MAX_TEXT} characters; "
                    f"this is {len(expr.value)}. Shorten it.",
                    expr.column,
                )
            return "string"
        if isinstance(expr, Name):
            return self.name(expr, context)
        if isinstance(expr, Unary):
            return self.unary(expr, context)
        if isinstance(expr, Binary):
            return self.binary(expr, context)
        if isinstance(expr, Call):
            return self.call(expr)
        raise TypeError(f"not an expression node: {expr!r}")

    def name(self, expr: Name, context: _Context) -> _Type:
        info = self.scope.get(expr.name)
        if info is None:
            self.add("unknown-name", self.unknown_name_message(expr.name), expr.column)
            return "any"
        if info.shape == "range" and context == "scalar":
            self.add(
                "range-in-scalar-context",
                f"{expr.name} stands for every period's value here, so it must be an "
                f"argument of {', '.join(AGGREGATES[:-1])} or {AGGREGATES[-1]}, "
                f"as in SUM({expr.name}).",
                expr.column,
            )
        return info.type

    def unknown_name_message(self, name: str) -> str:
        if name.upper() in FUNCTIONS:
            call = f"{name.upper()}(...)"
            return f"{name} is a function, not a name; call it with brackets, as in {call}."
        close = close_matches(name, self.scope)
        if close:
            return f"Unknown name {name}; did you mean {close[0]}?"
        return (
            f"Unknown name {name}; use a field of the template, a derived figure or a KPI, "
            "spelt exactly as defined."
        )

    def operand(self, expr: Expr, context: _Context, what: str) -> _Type:
        inner: _Context = "elementwise" if context == "elementwise" else "scalar"
        found = self.visit(expr, inner)
        if found == "string":
            self.add("type-mismatch", f"{_describe(expr)} is text, so it {what}.", expr.column)
        return found

    def unary(self, expr: Unary, context: _Context) -> _Type:
        if expr.op == "+":
            inner: _Context = "elementwise" if context == "elementwise" else "scalar"
            return self.visit(expr.operand, inner)
        self.operand(expr.operand, context, f"cannot take '{expr.op}'")
        return "number"

    def binary(self, expr: Binary, context: _Context) -> _Type:
        if expr.op in ("+", "-", "*", "/", "^"):
            what = f"cannot be used in arithmetic ('{expr.op}')"
            self.operand(expr.left, context, what)
            self.operand(expr.right, context, what)
            return "number"
        inner: _Context = "elementwise" if context == "elementwise" else "scalar"
        self.visit(expr.left, inner)
        self.visit(expr.right, inner)
        return "string" if expr.op == "&" else "boolean"

    def call(self, expr: Call) -> _Type:
        signature = FUNCTIONS.get(expr.name)
        if signature is None:
            self.add("unknown-function", _unknown_function_message(expr.name), expr.column)
            for arg in expr.args:
                self.visit(arg, "aggregate")  # unknown names still count; shapes cannot
            return "any"
        count = len(expr.args)
        if count < signature.min_args or (
            signature.max_args is not None and count > signature.max_args
        ):
            self.add(
                "wrong-arity",
                f"{arity_text(expr.name, signature)}; got {count}.",
                expr.column,
            )
        types = [self.argument(expr, signature, arg) for arg in expr.args]
        if signature.result != "any":
            return signature.result
        branches = types[1:] if expr.name == "IF" else types
        return branches[0] if branches and all(t == branches[0] for t in branches) else "any"

    def argument(self, call: Call, signature: Signature, arg: Expr) -> _Type:
        context: _Context = "scalar"
        if signature.aggregate:
            context = "elementwise" if call.name == "SUMPRODUCT" else "aggregate"
        if signature.reference_only and not isinstance(arg, Name):
            self.add(
                "reference-required",
                f"{call.name} needs a name (a field, derived figure or KPI) as its argument, "
                "not a calculation.",
                arg.column,
            )
        found = self.visit(arg, context)
        if signature.numeric and found == "string":
            self.add(
                "type-mismatch",
                f"{_describe(arg)} is text, but {call.name} works on numbers.",
                arg.column,
            )
        return found


def _describe(expr: Expr) -> str:
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, String):
        shown = expr.value if len(expr.value) <= 20 else expr.value[:17] + "..."
        return f'"{shown}"'
    return "This part of the formula"


def _unknown_function_message(name: str) -> str:
    if name in _NOT_ALLOWED:
        return f"{name} is not allowed: {_NOT_ALLOWED[name]}."
    close = close_matches(name, FUNCTIONS, n=3)
    if close:
        return f"Unknown function {name}; did you mean {' or '.join(close)}?"
    return f"Unknown function {name}; the allowed functions are {', '.join(sorted(FUNCTIONS))}."
