"""Proof in LibreOffice that the Year to date column shows what each ``aggregate`` means.

The template of ``tests/data/aggregate/`` has a measure of each aggregate: searches (sum),
members (last), score (mean) and active users (none). Workbooks are filled through their
defined names with rows chosen to break a careless formula: gaps, blanks after the last
entry, text typed into a number cell, a year whose only entry is its last or first month,
falling values and a last month of zero. Every Year to date cell must equal the value
worked out by hand below, and ``compute()`` must agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from engine import fill_by_names, read_computed, recalculate

from lks_templates.build import build_workbook
from lks_templates.compute import compute
from lks_templates.spec import ResolvedTemplate, load_specs

pytestmark = pytest.mark.engine

SPECS = Path(__file__).parent / "data" / "aggregate"


def _year(*values: Any) -> list[Any]:
    """Twelve months: the values given, then blanks."""
    return list(values) + [None] * (12 - len(values))


def _last_only(value: Any) -> list[Any]:
    """Twelve months: blanks, then the value in the last."""
    return [None] * 11 + [value]


# scenario -> (measures entered, Year to date by hand)
SCENARIOS: dict[str, tuple[dict[str, list[Any]], dict[str, Any]]] = {
    "gaps and a fall": (
        {
            "searches": _year(10, None, 20, None, None, 5),
            "members": _year(3000, None, 3100, None, None, 2900),
            "score": _year(4, None, 5, None, None, 4.5),
            "active": _year(900, None, 950),
        },
        {"searches": 35, "members": 2900, "score": 4.5, "active": ""},
    ),
    "text typed in number cells": (
        {
            "searches": _year(1, "x", 2),
            "members": _year(3000, "n/a", 3100, "see note"),
            "score": _year(4, "n/a", 5),
            "active": _year("n/a"),
        },
        {"searches": 3, "members": 3100, "score": 4.5, "active": ""},
    ),
    "only the last month": (
        {
            "searches": _last_only(7),
            "members": _last_only(3300),
            "score": _last_only(2),
        },
        {"searches": 7, "members": 3300, "score": 2, "active": ""},
    ),
    "only the first month": (
        {"searches": _year(4), "members": _year(3000), "score": _year(3.5), "active": _year(10)},
        {"searches": 4, "members": 3000, "score": 3.5, "active": ""},
    ),
    "stock never entered": (
        {"searches": _year(12, 8)},
        {"searches": 20, "members": "", "score": "", "active": ""},
    ),
    "full year, ending at zero": (
        {
            "searches": [3] * 12,
            "members": [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 0],
            "score": [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2],
            "active": [1] * 12,
        },
        {"searches": 36, "members": 0, "score": 33 / 12, "active": ""},
    ),
    "blank": ({}, {"searches": "", "members": "", "score": "", "active": ""}),
}
PROFILE = {"staff_served": 4000, "staff_wte": 3500}


@pytest.fixture(scope="module")
def resolved() -> ResolvedTemplate:
    found = load_specs([SPECS]).resolve("aggregate-template")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def shown(resolved: ResolvedTemplate, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Scenario -> what LibreOffice computed (one batch for the module)."""
    work = tmp_path_factory.mktemp("ytd")
    blank = build_workbook(resolved, work / "blank.xlsx")
    filled = []
    for index, (measures, _) in enumerate(SCENARIOS.values()):
        values = {"reporting_year": 2025, **PROFILE, **measures}
        filled.append(fill_by_names(blank, work / f"filled-{index}.xlsx", values))
    out = recalculate(filled, tmp_path_factory.mktemp("ytd-recalculated"))
    return {name: read_computed(path) for name, path in zip(SCENARIOS, out, strict=True)}


def _blank(value: Any) -> bool:
    return value is None or value == ""


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_year_to_date_of_each_aggregate(
    resolved: ResolvedTemplate, shown: dict[str, Any], scenario: str
) -> None:
    measures, by_hand = SCENARIOS[scenario]
    beside = shown[scenario].beside
    for name, expected in by_hand.items():
        if expected == "":
            assert _blank(beside[name]), f"{name}: {beside[name]!r}"
        else:
            assert beside[name] == pytest.approx(expected, rel=1e-12), name
    computed = compute(resolved, PROFILE, measures)
    assert computed.measure_totals.keys() == by_hand.keys()
    for name, expected in by_hand.items():
        # Blank totals are "" (text), which pytest.approx does not take.
        if expected == "":
            assert computed.measure_totals[name] == "", name
        else:
            assert computed.measure_totals[name] == pytest.approx(expected, rel=1e-12), name
    for name, expected in computed.derived_totals.items():
        if expected == "":
            assert _blank(beside[name]), f"{name}: {beside[name]!r}"
        else:
            assert beside[name] == pytest.approx(expected, rel=1e-9), name


def test_stock_share_is_a_plausible_percentage(shown: dict[str, Any]) -> None:
    """Members at the last month over staff served, not the sum of twelve month-ends."""
    assert shown["gaps and a fall"].beside["members_share"] == pytest.approx(2900 / 4000 * 100)
    full_year = shown["full year, ending at zero"].beside["members_share"]
    assert full_year == 0


def test_no_error_value_in_the_year_to_date_column(shown: dict[str, Any]) -> None:
    """No #N/A from LOOKUP, #DIV/0! from AVERAGE or anything else outside the chart data."""
    for scenario, computed in shown.items():
        beside = computed.beside
        for name in ("searches", "members", "score", "active", "members_share", "active_share"):
            value = beside[name]
            assert not (isinstance(value, str) and value.startswith("#")), (scenario, name)
