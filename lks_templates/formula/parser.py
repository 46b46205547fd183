"""Parse formula text into an expression tree.

openpyxl's Excel formula tokenizer splits the text into tokens (it knows Excel's rules for
text literals, scientific notation and prefix versus infix signs); a precedence-climbing
parser builds the tree. The tokenizer does not report positions, so they are recovered by
walking the text alongside the tokens.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import string
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from lks_templates import cells
from lks_templates.formula.functions import FUNCTIONS
from lks_templates.formula.tree import Binary, Boolean, Call, Expr, Name, Number, String, Unary


def _openpyxl_tokenizer() -> ModuleType:
    """openpyxl's formula tokenizer module, loaded without the rest of openpyxl.

    Importing ``openpyxl.formula.tokenizer`` first runs openpyxl's package start-up
    (workbook classes, numpy when installed): about a quarter of a second for every command
    that parses a formula, collecting returns included. The tokenizer module needs only
    ``re``, so it is loaded from its own file; should openpyxl ever be laid out otherwise,
    it is imported the ordinary way.
    """
    loaded = sys.modules.get("openpyxl.formula.tokenizer")
    if loaded is not None:
        return loaded
    found = importlib.util.find_spec("openpyxl")
    folders = list(found.submodule_search_locations or []) if found is not None else []
    path = Path(folders[0]) / "formula" / "tokenizer.py" if folders else None
    spec = (
        importlib.util.spec_from_file_location(f"{__name__}._openpyxl_tokenizer", path)
        if path is not None and path.is_file()
        else None
    )
    if spec is None or spec.loader is None:
        import openpyxl.formula.tokenizer as ordinary

        return ordinary
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from openpyxl.formula.tokenizer import (
        Token,
        Tokenizer,
        TokenizerError,
    )
else:
    _TOKENIZER = _openpyxl_tokenizer()
    Token = _TOKENIZER.Token
    Tokenizer = _TOKENIZER.Tokenizer
    TokenizerError = _TOKENIZER.TokenizerError

# Excel precedence, loosest first; all binary operators are left-associative (2^3^2 = 64).
BINARY_PRECEDENCE: dict[str, int] = {
    "=": 1, "<>": 1, "<": 1, "<=": 1, ">": 1, ">=": 1,
    "&": 2,
    "+": 3, "-": 3,
    "*": 4, "/": 4,
    "^": 5,
}  # fmt: skip
PERCENT_PRECEDENCE = 6
# Negation binds tighter than ^ in Excel and LibreOffice: -2^2 is 4.
PREFIX_PRECEDENCE = 7
ATOM_PRECEDENCE = 8

_LOWER = frozenset(string.ascii_lowercase + "_")
_NAME_CHARS = frozenset(string.ascii_lowercase + string.digits + "_")
_NUMBER_CHARS = frozenset(string.digits + ".eE+-")
_FUNCTION_CHARS = frozenset(string.ascii_letters + string.digits + "_.")

MAX_FORMULA_LENGTH = 1_000
"""Most characters in a formula. The workbook's own formula wraps it in blank handling and
must stay within Excel's 8,192; real formulas are under 250."""
MAX_FORMULA_NESTING = 32
"""Deepest nesting of brackets and function calls (Excel allows 64 levels of functions)."""
MAX_FORMULA_DEPTH = 100
"""Deepest expression: every operator or function call applied to the result of another
is one level, so a sum of 101 terms (100 ``+`` in a chain) is 100 levels deep, as are 100
signs in a row. Every back end walks the tree recursively; this keeps them all far from
Python's stack limit (a flat sum of 500 terms used to crash ``validate``)."""


class FormulaSyntaxError(ValueError):
    """The formula text is not a valid expression.

    ``column`` is the 1-based position in the text, ``message`` a sentence saying what to
    change, and ``code`` is ``formula-syntax``; for ``A1``-style cell references,
    ``cell-reference``; for a formula past the limits, ``formula-too-long`` or
    ``formula-too-deep``.
    """

    def __init__(self, message: str, column: int, code: str = "formula-syntax") -> None:
        super().__init__(f"column {column}: {message}")
        self.message = message
        self.column = column
        self.code = code


@dataclass(frozen=True)
class _Tok:
    kind: str  # number text bool name func ( ) , infix prefix postfix end
    text: str
    column: int


def is_cell_reference(text: str) -> bool:
    """Whether Excel reads ``text`` as a cell reference (``A1``, ``abc1``, ``R1C1``, ``rc``).

    Such words cannot be defined names, so they can be neither field names nor names in
    a formula (see :mod:`lks_templates.cells`).
    """
    return cells.looks_like_cell_reference(text)


def parse(text: str) -> Expr:
    """Parse a spec formula such as ``SUM(evidence_searches) / staff * 1000``.

    A leading ``=`` is allowed and ignored. Raises :class:`FormulaSyntaxError`, also for a
    formula past ``MAX_FORMULA_LENGTH``, ``MAX_FORMULA_NESTING`` or ``MAX_FORMULA_DEPTH``
    (codes ``formula-too-long`` and ``formula-too-deep``), so that the recursive parser and
    every walk of the tree stay far from Python's recursion limit.
    """
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaSyntaxError(
            f"The formula is {len(text):,} characters long; at most {MAX_FORMULA_LENGTH:,} "
            "are allowed. Split it into derived figures or KPIs that use each other.",
            MAX_FORMULA_LENGTH + 1,
            code="formula-too-long",
        )
    tokens = _tokens(text)
    _check_nesting(tokens)
    parser = _Parser(tokens)
    if tokens[0].kind == "end":
        raise FormulaSyntaxError(
            "The formula is empty; write an expression such as SUM(evidence_searches).", 1
        )
    expr = parser.expression(1)
    parser.finish()
    _check_depth(expr)
    return expr


def _check_nesting(tokens: list[_Tok]) -> None:
    """Refuse, at the token that passes it, brackets, calls or signs nested too deep, before
    the (recursive) parser sees them."""
    depth = signs = 0
    for token in tokens:
        if token.kind in ("(", "func"):
            depth += 1
            if depth > MAX_FORMULA_NESTING:
                raise _too_deep(
                    f"Brackets and function calls are nested more than {MAX_FORMULA_NESTING} "
                    "deep here",
                    token.column,
                )
        elif token.kind == ")":
            depth -= 1
        signs = signs + 1 if token.kind in ("prefix", "infix") else 0
        if signs > MAX_FORMULA_NESTING:
            raise _too_deep(f"More than {MAX_FORMULA_NESTING} signs in a row here", token.column)


def _check_depth(expr: Expr) -> None:
    """Refuse a tree deeper than ``MAX_FORMULA_DEPTH``, measured without recursion."""
    stack: list[tuple[Expr, int]] = [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_FORMULA_DEPTH:
            raise _too_deep(
                f"The formula applies more than {MAX_FORMULA_DEPTH} operations one to the "
                "result of another (a chain of + counts one for each term)",
                node.column,
            )
        stack.extend((child, depth + 1) for child in node.children())


def _too_deep(what: str, column: int) -> FormulaSyntaxError:
    return FormulaSyntaxError(
        f"{what}; split the formula into derived figures or KPIs that use each other.",
        column,
        code="formula-too-deep",
    )


def _tokens(text: str) -> list[_Tok]:
    # Same length as the text, so an index into `formula` is a 1-based column of `text`.
    body = "".join(" " if ch.isspace() else ch for ch in text)
    stripped = body.lstrip(" ")
    if stripped.startswith("="):
        body = body.replace("=", " ", 1)
    formula = "=" + body
    tokenizer = Tokenizer.__new__(Tokenizer)
    try:
        Tokenizer.__init__(tokenizer, formula)
    except (TokenizerError, IndexError, AssertionError) as exc:
        raise _tokenizer_error(exc, formula, tokenizer.offset) from None
    located: list[tuple[Token, int]] = []
    cursor = 1
    for item in tokenizer.items:
        while cursor < len(formula) and formula[cursor] == " ":
            cursor += 1
        if item.type != Token.WSPACE:
            located.append((item, cursor))
            cursor += len(item.value)
    _reject_spaced_calls(located)
    result = [_classify(item, column) for item, column in located]
    result.append(_Tok("end", "", len(formula)))
    return result


def _tokenizer_error(exc: Exception, formula: str, offset: int) -> FormulaSyntaxError:
    column = max(1, min(offset, len(formula) - 1))
    char = formula[offset] if offset < len(formula) else ""
    if isinstance(exc, IndexError):
        return FormulaSyntaxError("This ')' has no matching '('; remove it or add a '('.", column)
    detail = str(exc)
    if "string" in detail:
        return FormulaSyntaxError(
            'This text has no closing double quote ("); add one at its end.', column
        )
    if "link" in detail or char == "'":
        return FormulaSyntaxError(
            'Single quotes are not allowed; write text in double quotes, like "yes".', column
        )
    if char == "#" or "error code" in detail:
        return FormulaSyntaxError(
            "Error values like #N/A cannot be written in a formula; '#' may appear only "
            "inside double-quoted text.",
            column,
        )
    if "[" in detail or "{" in formula:
        return FormulaSyntaxError(
            "Brackets [ ] and braces { } are not allowed; use names, numbers and ( ).", column
        )
    return FormulaSyntaxError(f"Unexpected character {char!r} here.", column)


def _classify(item: Token, column: int) -> _Tok:
    value: str = item.value
    if item.type == Token.OPERAND:
        return _operand(value, item.subtype, column)
    if item.type == Token.FUNC:
        if item.subtype == Token.CLOSE:
            return _Tok(")", ")", column)
        return _function(value[:-1], column)
    if item.type == Token.PAREN:
        return _Tok(value, value, column)
    if item.type == Token.ARRAY:
        raise FormulaSyntaxError("Braces { } (array constants) are not allowed.", column)
    if item.type == Token.SEP:
        if value == ";":
            raise FormulaSyntaxError("Use a comma (,) between function arguments, not ';'.", column)
        return _Tok(",", ",", column)
    if item.type == Token.OP_PRE:
        return _Tok("prefix", value, column)
    if item.type == Token.OP_POST:
        return _Tok("postfix", value, column)
    if value == ",":
        raise FormulaSyntaxError(
            "A comma may only separate the arguments of a function, as in SUM(a, b).", column
        )
    return _Tok("infix", value, column)


def _operand(value: str, subtype: str, column: int) -> _Tok:
    if subtype == Token.TEXT:
        return _Tok("text", value[1:-1].replace('""', '"'), column)
    if subtype == Token.ERROR:
        raise FormulaSyntaxError(
            f"Error values like {value} cannot be written in a formula.", column
        )
    if value.upper() in ("TRUE", "FALSE"):
        return _Tok("bool", value.upper(), column)
    if subtype == Token.NUMBER and set(value) <= _NUMBER_CHARS:
        if not math.isfinite(float(value)):
            raise FormulaSyntaxError(f"The number {value} is too large for a spreadsheet.", column)
        return _Tok("number", value, column)
    if value[0] in _LOWER and set(value) <= _NAME_CHARS:
        # Bare r, c and rc are R1C1 words too, but only as names: check() reports them.
        if is_cell_reference(value) and value not in ("r", "c", "rc"):
            raise _cell_reference(value, column)
        return _Tok("name", value, column)
    raise _bad_operand(value, column)


def _cell_reference(value: str, column: int) -> FormulaSyntaxError:
    return FormulaSyntaxError(
        f"{value} is a cell reference; spec formulas refer to fields by name, and a name "
        "cannot look like a cell (letters then digits, such as A1 or abc1).",
        column,
        code="cell-reference",
    )


def _bad_operand(value: str, column: int) -> FormulaSyntaxError:
    if is_cell_reference(value):
        return _cell_reference(value, column)
    if any(ch in value for ch in "!:$"):
        return FormulaSyntaxError(
            f"{value} is a cell or range reference; spec formulas refer to fields by name only.",
            column,
            code="cell-reference",
        )
    if value.startswith("'"):
        return FormulaSyntaxError(
            'Single quotes are not allowed; write text in double quotes, like "yes".', column
        )
    lower = value.lower()
    if lower != value and lower[0] in _LOWER and set(lower) <= _NAME_CHARS:
        return FormulaSyntaxError(
            f"{value} is not a valid name: names are lower case; write {lower}.", column
        )
    return FormulaSyntaxError(
        f"{value!r} is neither a number nor a valid name; names use lower-case letters, "
        "digits and underscores and start with a letter or underscore.",
        column,
    )


def _function(name: str, column: int) -> _Tok:
    if not name or not name[0].isalpha() or not set(name) <= _FUNCTION_CHARS:
        raise FormulaSyntaxError(f"{name!r} is not a function name.", column)
    return _Tok("func", name.upper(), column)


def _reject_spaced_calls(located: list[tuple[Token, int]]) -> None:
    # "SUM (a)": the tokenizer sees a word, then a parenthesis; Excel rejects the space.
    for (before, column), (after, after_column) in itertools.pairwise(located):
        word = before.value
        if (
            before.type == Token.OPERAND
            and before.subtype == Token.RANGE
            and word.upper() in FUNCTIONS
            and after.type == Token.PAREN
            and after.subtype == Token.OPEN
            and after_column > column + len(word)
        ):
            raise FormulaSyntaxError(
                f"Remove the space between {word.upper()} and '('.", column + len(word)
            )


class _Parser:
    """Precedence climbing over the token list."""

    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> _Tok:
        return self.tokens[self.index]

    def take(self) -> _Tok:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expression(self, min_precedence: int) -> Expr:
        left = self.postfix()
        while True:
            token = self.peek()
            precedence = BINARY_PRECEDENCE.get(token.text, 0) if token.kind == "infix" else 0
            if precedence < min_precedence:
                return left
            self.take()
            right = self.expression(precedence + 1)
            left = Binary(token.text, left, right, column=left.column)

    def postfix(self) -> Expr:
        operand = self.prefix()
        while self.peek().kind == "postfix":
            self.take()
            operand = Unary("%", operand, column=operand.column)
        return operand

    def prefix(self) -> Expr:
        token = self.peek()
        if token.kind in ("prefix", "infix") and token.text in ("-", "+"):
            self.take()
            return Unary(token.text, self.prefix(), column=token.column)
        return self.atom()

    def atom(self) -> Expr:
        token = self.take()
        if token.kind == "number":
            return Number(float(token.text), column=token.column)
        if token.kind == "text":
            return String(token.text, column=token.column)
        if token.kind == "bool":
            return Boolean(token.text == "TRUE", column=token.column)
        if token.kind == "name":
            return Name(token.text, column=token.column)
        if token.kind == "func":
            return self.call(token)
        if token.kind == "(":
            inner = self.expression(1)
            self.close(token, "(")
            return inner
        raise self.expected_value(token)

    def call(self, func: _Tok) -> Expr:
        args: list[Expr] = []
        if self.peek().kind == ")":
            self.take()
            return Call(func.text, (), column=func.column)
        while True:
            if self.peek().kind in (",", ")"):
                raise FormulaSyntaxError(
                    f"An argument of {func.text} is empty; write a value or remove the comma.",
                    self.peek().column,
                )
            args.append(self.expression(1))
            token = self.peek()
            if token.kind == ",":
                self.take()
                continue
            self.close(func, f"{func.text}(")
            return Call(func.text, tuple(args), column=func.column)

    def close(self, opener: _Tok, label: str) -> None:
        token = self.take()
        if token.kind == ")":
            return
        if token.kind == "end":
            raise FormulaSyntaxError(
                f"The '{label}' at column {opener.column} is never closed; add a ')'.",
                opener.column,
            )
        raise self.missing_operator(token)

    def expected_value(self, token: _Tok) -> FormulaSyntaxError:
        if token.kind == "end":
            previous = self.tokens[self.index - 2] if self.index >= 2 else None
            after = f" after '{previous.text}'" if previous else ""
            return FormulaSyntaxError(
                f"The formula ends too early: a value is missing{after}.", token.column
            )
        if token.kind == ")":
            return FormulaSyntaxError("Expected a value before ')'.", token.column)
        if token.kind == ",":
            return FormulaSyntaxError("Expected a value before ','.", token.column)
        return FormulaSyntaxError(f"Expected a value, found '{token.text}'.", token.column)

    def missing_operator(self, token: _Tok) -> FormulaSyntaxError:
        if token.kind == ")":
            return FormulaSyntaxError("This ')' has no matching '('; remove it.", token.column)
        if token.kind == ",":
            return FormulaSyntaxError(
                "A comma may only separate the arguments of a function.", token.column
            )
        return FormulaSyntaxError(
            f"An operator (such as + or *) is missing before '{token.text}'.", token.column
        )

    def finish(self) -> None:
        token = self.peek()
        if token.kind != "end":
            raise self.missing_operator(token)
