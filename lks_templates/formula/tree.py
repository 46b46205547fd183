"""The expression tree of the formula language.

Every node is a frozen dataclass with a ``column``: the 1-based position in the formula
text where the node starts (for a binary operation, where its left operand starts). The
column is left out of equality and hashing, so two formulas that differ only in spacing
or redundant parentheses parse to equal trees.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


class Expr:
    """Base class of every node."""

    # Declared here for type checkers; each node class defines it as a dataclass field.
    column: int

    def children(self) -> tuple[Expr, ...]:
        """The direct sub-expressions, left to right."""
        return ()

    def walk(self) -> Iterator[Expr]:
        """This node and every node below it, in pre-order (left to right in the text)."""
        stack: list[Expr] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))


@dataclass(frozen=True)
class Number(Expr):
    """A number literal such as ``1000`` or ``0.5``; always a float."""

    value: float
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class String(Expr):
    """A text literal, ``"..."`` in the formula with ``""`` for a double quote."""

    value: str
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Boolean(Expr):
    """``TRUE`` or ``FALSE``."""

    value: bool
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Name(Expr):
    """A reference to a field, derived figure or KPI by its name."""

    name: str
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Unary(Expr):
    """A prefix ``-`` or ``+``, or the postfix percent ``%`` (divides by 100)."""

    op: str
    operand: Expr
    column: int = field(default=0, compare=False)

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Binary(Expr):
    """An infix operation: ``+ - * / ^ &`` or a comparison ``= <> < <= > >=``."""

    op: str
    left: Expr
    right: Expr
    column: int = field(default=0, compare=False)

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Call(Expr):
    """A function call; ``name`` is upper case (function names are case-insensitive)."""

    name: str
    args: tuple[Expr, ...] = ()
    column: int = field(default=0, compare=False)

    def children(self) -> tuple[Expr, ...]:
        return self.args


def names(expr: Expr) -> list[str]:
    """Names the formula refers to, each once, in the order they first appear."""
    seen: dict[str, None] = {}
    for node in expr.walk():
        if isinstance(node, Name):
            seen.setdefault(node.name, None)
    return list(seen)


def functions(expr: Expr) -> list[str]:
    """Upper-case names of the functions the formula calls, each once, first-seen order."""
    seen: dict[str, None] = {}
    for node in expr.walk():
        if isinstance(node, Call):
            seen.setdefault(node.name, None)
    return list(seen)
