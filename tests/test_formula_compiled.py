"""Compiled formulas give exactly what the evaluator gives: on every evaluator test case, on
a generated corpus of expressions (every operator and function, wrong argument counts,
unknown names), and on every formula the shipped templates put in a workbook."""

from __future__ import annotations

import ast
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import test_formula_evaluate
from test_formula_evaluate import AGREED, DIVERGENT, ENV, test_edges

from lks_templates.formula import (
    BLANK,
    FUNCTIONS,
    Binary,
    Boolean,
    Call,
    ExcelError,
    Expr,
    Name,
    Number,
    String,
    Unary,
    evaluate,
    parse,
)
from lks_templates.formula.compiled import compile_expr
from lks_templates.rules.semantics import semantics_of
from lks_templates.spec import load_specs
from lks_templates.spec.specset import shipped_specs_dir

EDGES = [
    args[0]
    for mark in getattr(test_edges, "pytestmark", [])
    if mark.name == "parametrize"
    for args in mark.args[1]
]


def outcome(run: Callable[[], Any]) -> tuple[str, str]:
    """The type and repr of a result (so 0.0 and -0.0 differ), or the exception raised."""
    try:
        value = run()
    except Exception as exc:  # both sides must fail the same way
        return ("raised", type(exc).__name__)
    return (type(value).__name__, repr(value))


def same(expr: Expr, env: Any) -> None:
    expected = outcome(lambda: evaluate(expr, env))
    assert outcome(lambda: compile_expr(expr)(env)) == expected, expr


def _formulas_in_source() -> dict[str, list[str]]:
    """The formula of every case, read from the text of test_formula_evaluate.py by ``ast``.

    Independent of the imports above: a list renamed, or a parametrize mark that
    ``EDGES`` no longer finds, shows as a difference here instead of fewer cases run.
    """
    tree = ast.parse(Path(test_formula_evaluate.__file__).read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.List):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if isinstance(target, ast.Name) and target.id in ("AGREED", "DIVERGENT"):
                found[target.id] = [_string(case, 1) for case in node.value.elts]
        if isinstance(node, ast.FunctionDef) and node.name == "test_edges":
            (mark,) = node.decorator_list
            assert isinstance(mark, ast.Call) and isinstance(mark.args[1], ast.List)
            found["EDGES"] = [_string(case, 0) for case in mark.args[1].elts]
    return found


def _string(case: ast.expr, index: int) -> str:
    assert isinstance(case, ast.Tuple), ast.unparse(case)
    item = case.elts[index]
    assert isinstance(item, ast.Constant) and isinstance(item.value, str), ast.unparse(case)
    return item.value


def test_the_evaluator_cases_are_all_here() -> None:
    source = _formulas_in_source()
    assert [case[1] for case in AGREED] == source["AGREED"]
    assert [case[1] for case in DIVERGENT] == source["DIVERGENT"]
    assert [*EDGES] == source["EDGES"]
    # Each list is a real corpus, not one left nearly empty by an edit.
    assert len(AGREED) >= 100
    assert len(DIVERGENT) >= 15
    assert len(EDGES) >= 30


@pytest.mark.parametrize("formula", [*(case[1] for case in [*AGREED, *DIVERGENT]), *EDGES])
def test_every_evaluator_case(formula: str) -> None:
    same(parse(formula), ENV)


def test_hand_worked_values_through_the_compiler() -> None:
    # Independent of the evaluator: values worked out by hand.
    assert compile_expr(parse('IF(COUNTA(a,b)=0,"",IFERROR(a/b,""))'))({"a": 3.0, "b": 4.0}) == 0.75
    assert (
        compile_expr(parse('IF(COUNTA(a,b)=0,"",IFERROR(a/b,""))'))({"a": BLANK, "b": BLANK}) == ""
    )
    assert compile_expr(parse('IFERROR(a/b,"")'))({"a": 3.0, "b": 0.0}) == ""
    assert compile_expr(parse("0.1+0.2-0.3"))({}) == 0.0
    assert compile_expr(parse("SUM(s)/COUNT(s)"))({"s": [2.0, BLANK, 4.0]}) == 3.0
    assert compile_expr(parse("x+1"))({}) == ExcelError("#NAME?")
    assert compile_expr(parse("s+1"))({"s": [1.0]}) == ExcelError("#VALUE!")


def test_environments_with_ints_none_tuples_and_bad_values() -> None:
    env = {"a": 2, "b": None, "c": (1, None, 3), "d": [1, None], "bad": object()}
    for formula in (
        "a*3",
        "b",
        "SUM(c)+COUNTBLANK(c)",
        "c",
        "COUNTA(c,d,b)",
        "IF(a,d,b)",
        "SUMPRODUCT(c*2)",
        "SUMPRODUCT(d,d)",
        "bad",
        "IF(0,bad,1)",
        "SUM(bad)",
        "COUNTA(bad)",
        "a+bad",
        "IF(COUNTA(a,bad)=0,1,2)",
        "IF(COUNTA(b,c,d)=0,1,2)",
        "IF(COUNTA(b)=0,1)",
        "IF(COUNTA(missing,b)=0,1,2)",
        "IF(COUNTA(b,b)=0,c,d)",
    ):
        same(parse(formula), env)


_NAMES = [*ENV, "missing"]
_NUMBERS = [0.0, 1.0, 2.0, 2.5, 0.1, 3.0, 100.0, 1e308, 1e-7]
_TEXTS = ["", "a", "5", " 12 ", "TRUE", "1,000", "x"]
_OPS = ["+", "-", "*", "/", "^", "&", "=", "<>", "<", "<=", ">", ">="]


def _random_expr(rng: random.Random, depth: int) -> Expr:
    if depth == 0 or rng.random() < 0.25:
        kind = rng.randrange(4)
        if kind == 0:
            return Number(rng.choice(_NUMBERS))
        if kind == 1:
            return String(rng.choice(_TEXTS))
        if kind == 2:
            return Boolean(rng.random() < 0.5)
        return Name(rng.choice(_NAMES))
    kind = rng.randrange(4)
    if kind == 3:  # the blank test every workbook figure is wrapped in
        counted = tuple(Name(rng.choice(_NAMES)) for _ in range(rng.randrange(1, 4)))
        test = Binary(
            rng.choice(["=", "=", ">"]),
            Call("COUNTA", counted),
            Number(rng.choice([0.0, 0.0, 1.0])),
        )
        return Call(
            "IF", (test, *(_random_expr(rng, depth - 1) for _ in range(rng.randrange(1, 3))))
        )
    if kind == 0:
        return Unary(rng.choice(["-", "+", "%"]), _random_expr(rng, depth - 1))
    if kind == 1:
        return Binary(rng.choice(_OPS), _random_expr(rng, depth - 1), _random_expr(rng, depth - 1))
    name = rng.choice([*FUNCTIONS, "NOSUCH"])
    count = rng.randrange(0, 5)
    return Call(name, tuple(_random_expr(rng, depth - 1) for _ in range(count)))


def _random_env(rng: random.Random) -> dict[str, Any]:
    def one() -> Any:
        return rng.choice(
            [BLANK, None, 0.0, 1.0, -2.5, 7, "", "abc", "5", True, False, ExcelError("#DIV/0!")]
        )

    env: dict[str, Any] = {}
    for name in ENV:
        env[name] = [one() for _ in range(rng.randrange(1, 5))] if rng.random() < 0.4 else one()
    return env


_VALUES: list[Any] = [
    BLANK,
    None,
    0.0,
    -0.0,
    1.0,
    -2.5,
    0.1,
    0.2,
    0.3,
    -0.3,
    0.1 + 0.2,
    -(0.1 + 0.2),
    1e308,
    -1e308,
    1e-7,
    5e-324,
    7,
    "",
    "abc",
    "5",
    " 12 ",
    "TRUE",
    "1,000",
    True,
    False,
    ExcelError("#DIV/0!"),
    ExcelError("#N/A"),
]


def test_every_operator_on_every_pair_of_values() -> None:
    env = {f"v{i}": value for i, value in enumerate(_VALUES)}
    env["range"] = [1.0, BLANK, "x", 4.0]
    names = [*env]
    for op in _OPS:
        for left in names:
            for right in names:
                same(Binary(op, Name(left), Name(right)), env)
                same(Call("SUMPRODUCT", (Binary(op, Name(left), Name(right)),)), env)
    for op in ("-", "+", "%"):
        for name in names:
            same(Unary(op, Name(name)), env)
            same(Call("SUMPRODUCT", (Unary(op, Name(name)),)), env)


def test_every_function_on_generated_arguments() -> None:
    rng = random.Random(11)
    env = {f"v{i}": value for i, value in enumerate(_VALUES)}
    env.update({"r1": [1.0, BLANK, "x", 4.0], "r2": [BLANK, BLANK], "r3": [2.0, True, "7"]})
    leaves: list[Expr] = [
        *(Name(name) for name in env),
        Name("missing"),
        Number(2.0),
        String("3"),
        String(""),
        Boolean(True),
    ]
    for name in [*FUNCTIONS, "NOSUCH"]:
        for count in range(5):
            for _ in range(40):
                same(Call(name, tuple(rng.choice(leaves) for _ in range(count))), env)


def test_generated_corpus() -> None:
    rng = random.Random(20260401)
    envs = [ENV, *(_random_env(rng) for _ in range(4))]
    kinds: set[str] = set()
    for _ in range(3000):
        expr = _random_expr(rng, 4)
        for env in envs:
            same(expr, env)
        kinds.add(outcome(lambda expr=expr: evaluate(expr, ENV))[0])  # type: ignore[misc]
    # The corpus reaches every kind of result, so agreement means something.
    assert {"float", "str", "bool", "Blank", "ExcelError"} <= kinds


def test_every_shipped_workbook_formula() -> None:
    specs = load_specs([shipped_specs_dir()])
    rng = random.Random(7)
    checked = 0
    for spec_id, version in sorted(specs.sources):
        resolved = specs.resolve(spec_id, version)
        if resolved is None:
            continue  # a dataset or the FAQ
        semantics = semantics_of(resolved)
        names = [
            *semantics.profile,
            *semantics.measures,
            *semantics.derived_names,
            *semantics.kpi_names,
        ]
        for figure in [*semantics.derived, *semantics.kpis, *semantics.rules]:
            trees = [figure.shown(), figure.flag(), figure.expr]
            for _ in range(20):
                scalar_env = {n: rng.choice([BLANK, 0.0, 3.0, 12.5, 400.0, "x", ""]) for n in names}
                range_env = {
                    n: [rng.choice([BLANK, 0.0, 1.0, 25.0]) for _ in range(12)] for n in names
                }
                for tree in trees:
                    same(tree, scalar_env)
                    same(tree, range_env)
                    checked += 2
    assert checked > 1000
