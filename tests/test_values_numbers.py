"""Numbers past the largest float, and the one summation the evaluator and compute share.

Every operator and function either gives a finite number or an error value (``#NUM!``
past the largest number), never an infinity or a traceback; a measure's Year to date sums
exactly as the evaluator's SUM; any finite number can be shown in any number format.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from pathlib import Path

import pytest
from test_readback_support import build, monthly_values, specs

from lks_templates.cli import main
from lks_templates.compute import compute
from lks_templates.formula import BLANK, ExcelError, Value, evaluate, parse
from lks_templates.formula.builtins import BUILTINS
from lks_templates.formula.compiled import compile_expr
from lks_templates.formula.evaluate import EnvValue
from lks_templates.formula.functions import FUNCTIONS
from lks_templates.formula.values import NUM
from lks_templates.rules.numbers import format_number
from lks_templates.rules.semantics import year_to_date_value

HUGE = [1e308, -1e308, 1.7976931348623157e308, 5e-324, 0.0, -0.0, 2.5]
"""The largest floats, the smallest, and ordinary ones."""


def _is_finite_or_error(value: Value) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def _calls(name: str) -> list[str]:
    """Calls of ``name`` with a range ``r`` and scalars ``a``, ``b`` in every position."""
    signature = FUNCTIONS[name]
    counts = sorted({signature.min_args, min(signature.max_args or 3, 3)})
    calls = []
    for count in counts:
        for args in itertools.product(["r", "a", "b"], repeat=count):
            if signature.reference_only and "r" not in args[:1]:
                continue
            calls.append(f"{name}({', '.join(args)})")
    return calls


FORMULAS = (
    [call for name in sorted(BUILTINS) for call in _calls(name)]
    + [f"a {op} b" for op in ("+", "-", "*", "/", "^", "&", "=", "<")]
    + ["-a", "a%", "+a", "SUMPRODUCT(r * r)", "SUMPRODUCT(r, r) + a"]
)


@pytest.mark.parametrize("text", FORMULAS)
def test_no_formula_gives_an_infinity_or_raises_on_huge_numbers(text: str) -> None:
    expr = parse(text)
    compiled = compile_expr(expr)
    for a, b in itertools.product(HUGE, repeat=2):
        env: dict[str, EnvValue] = {"r": [a, b, a], "a": a, "b": b}
        value = evaluate(expr, env)
        assert _is_finite_or_error(value), (text, a, b, value)
        assert compiled(env) == value, (text, a, b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SUM(r)", NUM),  # 1e308 * 3
        ("AVERAGE(r)", NUM),  # the sum comes first
        ("MEDIAN(a, b)", NUM),  # the middle two are added
        ("SUMPRODUCT(r, r)", NUM),
        ("a * 2", NUM),
        ("ROUND(a, -308)", 1e308),  # already a whole number of 1E+308s
        ("ROUND(a * 1.5, -308)", NUM),  # 2E+308 is past it
        ("MAX(r) - MIN(r)", 0.0),
        ("SUM(r) - SUM(r)", NUM),  # an error stays an error
        ("IFERROR(SUM(r), -1)", -1.0),
    ],
)
def test_overflow_by_hand(text: str, expected: Value) -> None:
    env: dict[str, EnvValue] = {"r": [1e308, 1e308, 1e308], "a": 1e308, "b": 1e308}
    assert evaluate(parse(text), env) == expected
    assert compile_expr(parse(text))(env) == expected


LISTS = [[0.1] * 10, [0.1, 0.2, 0.3], [1e16, 1.0, -1e16], [1 / 3] * 12, [2.675, 0.035, 1e-3]]


@pytest.mark.parametrize("numbers", LISTS)
def test_year_to_date_sums_as_the_evaluator_and_exact_arithmetic(numbers: list[float]) -> None:
    exact = float(sum(map(Fraction, numbers)))  # the correctly rounded sum, by fractions
    values: list[Value] = [*numbers, BLANK, "n/a"]
    assert year_to_date_value("sum", values) == exact
    assert evaluate(parse("SUM(x)"), {"x": values}) == exact
    mean = float(sum(map(Fraction, numbers)) / len(numbers))
    assert year_to_date_value("mean", values) == pytest.approx(mean, rel=1e-15)
    assert year_to_date_value("mean", values) == evaluate(parse("AVERAGE(x)"), {"x": values})


def test_the_issue_example_sums_to_one() -> None:
    assert year_to_date_value("sum", [0.1] * 10) == 1.0


def test_year_to_date_past_the_largest_number_is_num_as_the_cell_shows() -> None:
    assert year_to_date_value("sum", [1e308, 1e308]) == NUM
    assert year_to_date_value("mean", [1e308, 1e308]) == NUM
    assert year_to_date_value("last", [1e308, 1e308]) == 1e308


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (1e30, "#,##0", f"{10**30:,}"),
        (1e308, "0.00", "1" + "0" * 308 + ".00"),
        (-1e308, "£#,##0.00", f"-£{10**308:,}.00"),
        # 17 significant digits: shown to 16, then scaled by 100 as a decimal.
        (1.7976931348623157e308, "0.0%", f"{1797693134862316 * 10**295}.0%"),
        (5e-324, "0.00", "0.00"),
        (-5e-324, "0.0", "0.0"),  # rounds to zero: no minus sign
        (math.inf, "0.0", "#NUM!"),
        (math.nan, "#,##0", "#NUM!"),
    ],
)
def test_any_float_can_be_shown(value: float, number_format: str, shown: str) -> None:
    assert format_number(value, number_format) == shown


def test_read_prints_a_huge_count_formatted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    searches = [1e30] + [10] * 11
    path = build(tmp_path / "huge.xlsx", values=monthly_values(evidence_searches=searches))
    assert main(["read", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    # 1E+30 + 110: the 110 is below the last digit a float of 1E+30 keeps.
    assert f"  evidence_searches_ytd           {10**30:,}" in lines


def test_compute_takes_numbers_no_cell_can_hold_as_num() -> None:
    resolved = specs().resolve("monthly-activity")
    assert resolved is not None
    for huge in (10**400, math.inf, -math.inf, math.nan):
        result = compute(resolved, {}, {"evidence_searches": [huge, 10]})
        assert result.measure_totals["evidence_searches"] == NUM, huge
        assert result.kpis["evidence_searches_ytd"] == "", huge
        assert not any(isinstance(v, ExcelError) for v in result.kpis.values())
