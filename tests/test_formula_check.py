"""Static checks (codes and columns) and the order of named formulas."""

from __future__ import annotations

import pytest

from lks_templates.formula import (
    FUNCTIONS,
    CycleError,
    FormulaIssue,
    NameInfo,
    check,
    dependency_order,
    parse,
)

# A KPI's view of a template: measures and derived figures are ranges, profile fields and
# other KPIs single values.
KPI_SCOPE = {
    "evidence_searches": NameInfo("number", "range"),
    "training_sessions": NameInfo("number", "range"),
    "training_attendees": NameInfo("number", "range"),
    "attendees_per_session": NameInfo("number", "range"),
    "org_name": NameInfo("string"),
    "staff_headcount_served": NameInfo("number"),
    "reporting_start": NameInfo("date"),
    "has_clinical_librarian": NameInfo("boolean"),
    "service_notes": NameInfo("string", "range"),
}


def _codes(formula: str) -> list[tuple[str, int]]:
    return [(issue.code, issue.column) for issue in check(parse(formula), KPI_SCOPE)]


@pytest.mark.parametrize(
    "formula",
    [
        "SUM(evidence_searches) / staff_headcount_served * 1000",
        'IF(COUNT(evidence_searches) = 0, "", AVERAGE(evidence_searches))',
        "SUMPRODUCT(training_attendees * 2, training_sessions) / MAX(1, SUM(training_sessions))",
        "SUMPRODUCT((evidence_searches > 0) * 1)",
        "COUNTBLANK(evidence_searches) + COUNTA(service_notes)",
        'org_name & " (" & staff_headcount_served & ")"',
        "reporting_start + 365",
        "has_clinical_librarian * 1",
        "ROUND(MEDIAN(attendees_per_session), 1)",
        "IFERROR(SUM(evidence_searches) / SUM(training_sessions), 0)",
    ],
)
def test_clean_formulas_have_no_issues(formula: str) -> None:
    assert check(parse(formula), KPI_SCOPE) == []


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("SUM(evidence_serches)", [("unknown-name", 5)]),
        ("SUMM(evidence_searches)", [("unknown-function", 1)]),
        ("ROUND(1, 2, 3)", [("wrong-arity", 1)]),
        ("1 + IF(1)", [("wrong-arity", 5)]),
        ("evidence_searches / 12", [("range-in-scalar-context", 1)]),
        ("IF(evidence_searches > 0, 1, 0)", [("range-in-scalar-context", 4)]),
        ("SUM(evidence_searches * 2)", [("range-in-scalar-context", 5)]),
        ("SUMPRODUCT(ABS(evidence_searches))", [("range-in-scalar-context", 16)]),
        ("org_name + 1", [("type-mismatch", 1)]),
        ('1 * "abc"', [("type-mismatch", 5)]),
        ("-org_name", [("type-mismatch", 2)]),
        ('(org_name & "x") / 2', [("type-mismatch", 2)]),
        ("SUM(service_notes)", [("type-mismatch", 5)]),
        ('ROUND("1.5", 0)', [("type-mismatch", 7)]),
        ("COUNTBLANK(1 + 1)", [("reference-required", 12)]),
        ('LEN("' + "x" * 256 + '")', [("text-too-long", 5)]),
        (
            "SUMM(x) + org_name * ROUND(1)",
            [("unknown-function", 1), ("unknown-name", 6), ("type-mismatch", 11),
             ("wrong-arity", 22)],
        ),
    ],
)  # fmt: skip
def test_issue_codes_and_columns(formula: str, expected: list[tuple[str, int]]) -> None:
    assert _codes(formula) == expected


def test_unknown_name_suggests_the_nearest() -> None:
    (issue,) = check(parse("SUM(evidence_serches)"), KPI_SCOPE)
    assert "did you mean evidence_searches?" in issue.message


def test_unknown_name_that_is_a_function() -> None:
    (issue,) = check(parse("sum + 1"), KPI_SCOPE)
    assert issue == FormulaIssue(
        "unknown-name",
        "sum is a function, not a name; call it with brackets, as in SUM(...).",
        1,
    )


def test_unknown_function_suggestions() -> None:
    (near,) = check(parse("AVERGE(1)"), {})
    assert near.message == "Unknown function AVERGE; did you mean AVERAGE?"
    (excluded,) = check(parse("POWER(2, 3)"), {})
    assert "use the ^ operator" in excluded.message
    (far,) = check(parse("XYZZY(1)"), {})
    assert "ABS, AND, AVERAGE" in far.message


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("ROUND(1, 2, 3)", "ROUND takes 2 arguments; got 3."),
        ("IF(1)", "IF takes 2 or 3 arguments; got 1."),
        ("NOT()", "NOT takes 1 argument; got 0."),
        ("SUM()", "SUM takes at least 1 argument; got 0."),
    ],
)
def test_wrong_arity_messages(formula: str, message: str) -> None:
    (issue,) = check(parse(formula), {})
    assert issue.message == message


def test_too_many_arguments_for_excel() -> None:
    formula = "SUM(" + ",".join(["1"] * 256) + ")"
    assert [issue.code for issue in check(parse(formula), {})] == ["wrong-arity"]


def test_whitelist() -> None:
    required = {"SUM", "AVERAGE", "MIN", "MAX", "COUNT", "COUNTA", "COUNTBLANK", "MEDIAN",
                "SUMPRODUCT", "IF", "IFERROR", "AND", "OR", "NOT", "ROUND", "ROUNDUP",
                "ROUNDDOWN", "ABS", "ISBLANK", "ISNUMBER"}  # fmt: skip
    assert required <= set(FUNCTIONS)
    aggregates = {name for name, signature in FUNCTIONS.items() if signature.aggregate}
    assert aggregates == {"SUM", "AVERAGE", "MIN", "MAX", "COUNT", "COUNTA", "COUNTBLANK",
                          "MEDIAN", "SUMPRODUCT"}  # fmt: skip


def test_dependency_order_puts_uses_first() -> None:
    formulas = {
        "per_1000": parse("total / staff * 1000"),
        "total": parse("SUM(searches) + extra"),
        "extra": parse("1"),
        "unrelated": parse("2"),
    }
    assert dependency_order(formulas) == ["extra", "total", "per_1000", "unrelated"]


def test_dependency_order_keeps_the_given_order_when_free() -> None:
    formulas = {"b": parse("1"), "a": parse("2"), "c": parse("a + b")}
    assert dependency_order(formulas) == ["b", "a", "c"]


@pytest.mark.parametrize(
    ("formulas", "cycle"),
    [
        ({"a": "b + 1", "b": "a + 1"}, ["a", "b", "a"]),
        ({"a": "a * 2"}, ["a", "a"]),
        ({"x": "1", "a": "x + b", "b": "c", "c": "a"}, ["a", "b", "c", "a"]),
    ],
)
def test_cycles(formulas: dict[str, str], cycle: list[str]) -> None:
    with pytest.raises(CycleError) as caught:
        dependency_order({name: parse(text) for name, text in formulas.items()})
    assert caught.value.cycle == cycle
    assert " -> ".join(cycle) in str(caught.value)
