"""Parsing, syntax errors with columns, Excel text, and the round trip between them."""

from __future__ import annotations

import pytest
from test_formula_evaluate import AGREED, DIVERGENT

from lks_templates.formula import (
    Binary,
    Boolean,
    Call,
    FormulaSyntaxError,
    Name,
    Number,
    String,
    Unary,
    excel_number,
    functions,
    is_cell_reference,
    names,
    number_text,
    parse,
    to_excel,
)


def _same_name(name: str) -> str:
    return name


def test_tree_of_a_kpi_formula() -> None:
    tree = parse("SUM(evidence_searches) / staff_headcount_served * 1000")
    assert tree == Binary(
        "*",
        Binary("/", Call("SUM", (Name("evidence_searches"),)), Name("staff_headcount_served")),
        Number(1000.0),
    )


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("-2^2", Binary("^", Unary("-", Number(2.0)), Number(2.0))),
        ("2^3^2", Binary("^", Binary("^", Number(2.0), Number(3.0)), Number(2.0))),
        ("1+2*3", Binary("+", Number(1.0), Binary("*", Number(2.0), Number(3.0)))),
        ('"a"&1+1', Binary("&", String("a"), Binary("+", Number(1.0), Number(1.0)))),
        ("-2%", Unary("%", Unary("-", Number(2.0)))),
        ("a<>b=TRUE", Binary("=", Binary("<>", Name("a"), Name("b")), Boolean(True))),
        ('"say ""hi"""', String('say "hi"')),
        ("true", Boolean(True)),
        ("sum(a)", Call("SUM", (Name("a"),))),
        ("=1", Number(1.0)),
        ("1e-5", Number(0.00001)),
        (".5", Number(0.5)),
        ("1E+3", Number(1000.0)),
        ("((a))", Name("a")),
        (
            "IF(a>=1,1,0)",
            Call("IF", (Binary(">=", Name("a"), Number(1.0)), Number(1.0), Number(0.0))),
        ),
        ("x\n + y", Binary("+", Name("x"), Name("y"))),
    ],
)
def test_trees(text: str, tree: object) -> None:
    assert parse(text) == tree


def test_columns_are_positions_in_the_text() -> None:
    tree = parse("IF(a > 0, SUM(b), -c)")
    assert isinstance(tree, Call)
    condition, total, negated = tree.args
    assert (tree.column, condition.column, total.column, negated.column) == (1, 4, 11, 19)
    assert isinstance(negated, Unary) and negated.operand.column == 20
    assert isinstance(total, Call) and total.args[0].column == 15
    assert parse("=  a").column == 4  # a leading "=" is ignored but counted


@pytest.mark.parametrize(
    ("text", "code", "column", "words"),
    [
        ("", "formula-syntax", 1, "empty"),
        ("1+", "formula-syntax", 3, "ends too early"),
        ("(1", "formula-syntax", 1, "never closed"),
        ("SUM(a", "formula-syntax", 1, "never closed"),
        ("a)", "formula-syntax", 2, "no matching '('"),
        ('"abc', "formula-syntax", 1, "closing double quote"),
        ("a b", "formula-syntax", 3, "operator"),
        ("SUM (a)", "formula-syntax", 4, "Remove the space"),
        ("SUM(a,)", "formula-syntax", 7, "empty"),
        ("SUM(a;b)", "formula-syntax", 6, "comma"),
        ("a,b", "formula-syntax", 2, "comma"),
        ("{1,2}", "formula-syntax", 1, "Braces"),
        ("#N/A", "formula-syntax", 1, "Error values"),
        ("Foo", "formula-syntax", 1, "write foo"),
        ("1abc", "formula-syntax", 1, "neither a number nor a valid name"),
        ("'x'", "formula-syntax", 1, "Single quotes"),
        ("1e999", "formula-syntax", 1, "too large"),
        ("A1+b", "cell-reference", 1, "cell reference"),
        ("b + abc1", "cell-reference", 5, "cell reference"),
        ("r1c1", "cell-reference", 1, "cell reference"),
        ("SUM(a:b)", "cell-reference", 5, "range reference"),
        ("Data!x", "cell-reference", 1, "reference"),
        ("x$1", "cell-reference", 1, "reference"),
    ],
)
def test_syntax_errors(text: str, code: str, column: int, words: str) -> None:
    with pytest.raises(FormulaSyntaxError) as caught:
        parse(text)
    assert (caught.value.code, caught.value.column) == (code, column)
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("word", "expected"),
    [("a1", True), ("fte1", True), ("XFD1048576", True), ("xfe1", False), ("a0", False),
     ("r1c1", True), ("rc", True), ("r2", True), ("c3", True), ("rate", False), ("a_1", False),
     ("abcd1", False), ("r", True), ("c", True), ("rcx", False), ("cr1", True), ("cr", False)],
)  # fmt: skip
def test_cell_references(word: str, expected: bool) -> None:
    assert is_cell_reference(word) is expected


def test_names_and_functions_in_first_seen_order() -> None:
    tree = parse("IF(b > 0, SUM(a) / b, max(c, a))")
    assert names(tree) == ["b", "a", "c"]
    assert functions(tree) == ["IF", "SUM", "MAX"]


@pytest.mark.parametrize(
    ("text", "excel"),
    [
        ("sum( a , b )", "SUM(A,B)"),
        ("-2^2", "-2^2"),
        ("-(2^2)", "-(2^2)"),
        ("2^(3^2)", "2^(3^2)"),
        ("(2^3)^2", "2^3^2"),
        ("(1+2)*3", "(1+2)*3"),
        ("1+(2*3)", "1+2*3"),
        ("1-(2-3)", "1-(2-3)"),
        ("(1-2)-3", "1-2-3"),
        ("-(2%)", "-(2%)"),
        ("(-2)%", "-2%"),
        ("(1+2)%", "(1+2)%"),
        ('"a""b"&TRUE', '"a""b"&TRUE'),
        ("(a=b)=FALSE", "A=B=FALSE"),
        ("a=(b=FALSE)", "A=(B=FALSE)"),
        ("2*-a", "2*-A"),
        ("1e-5+1000.0", "0.00001+1000"),
    ],
)
def test_to_excel_keeps_only_needed_parentheses(text: str, excel: str) -> None:
    assert to_excel(parse(text), str.upper) == excel


def test_to_excel_uses_the_reference_text() -> None:
    tree = parse("SUM(evidence_searches) / staff * 1000")
    refs = {"evidence_searches": "Data!$D$12:$O$12", "staff": "Data!$C$5"}
    assert to_excel(tree, refs.__getitem__) == "SUM(Data!$D$12:$O$12)/Data!$C$5*1000"


@pytest.mark.parametrize(
    ("number", "text"),
    [(1000.0, "1000"), (0.5, "0.5"), (1e-05, "0.00001"), (1.5e-7, "0.00000015"),
     (1e16, "10000000000000000"), (1.5e300, "1.5E+300"), (2.5e-300, "2.5E-300"),
     (0.1, "0.1"), (123456789.125, "123456789.125"), (-3.0, "-3")],
)  # fmt: skip
def test_excel_number(number: float, text: str) -> None:
    assert excel_number(number) == text
    assert float(text) == number


def test_excel_number_refuses_infinity() -> None:
    with pytest.raises(ValueError):
        excel_number(float("inf"))


def test_negative_number_nodes_are_written_as_negation() -> None:
    assert to_excel(Binary("^", Number(-2.0), Number(2.0)), _same_name) == "-2^2"
    assert to_excel(Unary("%", Number(-2.0)), _same_name) == "-2%"


@pytest.mark.parametrize(
    ("number", "text"),
    [(2.0, "2"), (-0.5, "-0.5"), (1 / 3, "0.333333333333333"), (1e20, "1E+20"),
     (1e-10, "1E-10"), (0.00001, "0.00001"), (123456789012345.0, "123456789012345"),
     (1.5e15, "1.5E+15"), (0.0, "0")],
)  # fmt: skip
def test_number_text(number: float, text: str) -> None:
    assert number_text(number) == text


ROUND_TRIP = [formula for _, formula, _ in AGREED] + [formula for _, formula, *_ in DIVERGENT]


@pytest.mark.parametrize("formula", ROUND_TRIP)
def test_round_trip(formula: str) -> None:
    tree = parse(formula)
    assert parse(to_excel(tree, _same_name)) == tree


def test_round_trip_of_hand_built_trees() -> None:
    # Trees with every operator nested on both sides of every other, at every precedence.
    operators = ["=", "&", "+", "-", "*", "/", "^"]
    leaves = [Name("a"), Unary("-", Name("b")), Unary("%", Name("c"))]
    for outer in operators:
        for inner in operators:
            for leaf in leaves:
                for tree in (
                    Binary(outer, Binary(inner, leaf, Name("d")), Name("e")),
                    Binary(outer, Name("e"), Binary(inner, Name("d"), leaf)),
                    Unary("-", Binary(inner, leaf, Name("d"))),
                    Unary("%", Binary(inner, leaf, Name("d"))),
                ):
                    text = to_excel(tree, _same_name)
                    assert parse(text) == tree, text
