"""Proof in a real spreadsheet engine: every template computes what its spec says.

For every template and form spec (the toolbox's and the test examples), blank workbooks are
built, filled THROUGH THEIR DEFINED NAMES with openpyxl for several scenarios, recalculated
by LibreOffice in one batch, and read back through the defined names. Every derived figure,
KPI, rule flag and the failure count must equal ``compute()`` on the same values, and every
Year to date cell its hand-worked value (measures: the sum, mean or last number entered, as
the field's ``aggregate`` says, or blank) or ``compute()``'s total (derived figures):
exactly for whole numbers and text, to 1e-9 relative otherwise. Blank and partly filled workbooks
must show no error value in any cell (but #N/A in the hidden chart-data rows, which charts
draw as gaps). Dashboards must print on exactly one A4 landscape page, infographics on one
A4 page.

Blank, deliberately: the workbook shows a figure "not yet computable" as the empty text
that its ``IF(COUNTA(...)=0, "", ...)`` wrapper returns, and a rule "not checked" as an
empty flag. ``compute()`` says ``""`` and ``None`` for these. LibreOffice saves an
empty-text result as an empty string cell, which openpyxl reads as ``None`` or ``""``
depending on how the cell was written, so both workbook forms are accepted for an expected
``""``/``None``, and nothing else is: a 0 where blank is expected fails.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from engine import (
    Computed as Shown,
)
from engine import (
    fill_by_names,
    only_sheets_visible,
    pdf_page_count,
    pdf_page_sizes,
    read_computed,
    recalculate,
    to_pdf,
)

from lks_templates.build import build_workbook, latest_templates
from lks_templates.compute import Computed, compute
from lks_templates.layout import period_slots, plan_workbook
from lks_templates.spec.models import FieldSpec, FormSpec, ResolvedTemplate

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parent.parent
SPEC_FOLDERS = {
    "toolbox": ROOT / "template_specs",
    "example": ROOT / "tests" / "data" / "specs",
    "aggregate": ROOT / "tests" / "data" / "aggregate",  # every Year to date aggregate
}
REPORTING_YEAR = 2025
A4_LANDSCAPE = (842, 595)  # points


def _templates() -> dict[str, ResolvedTemplate]:
    found: dict[str, ResolvedTemplate] = {}
    for label, folder in SPEC_FOLDERS.items():
        for resolved in latest_templates([folder]):
            found[f"{label}-{resolved.template.id}"] = resolved
    return found


TEMPLATES = _templates()


# --- values -------------------------------------------------------------------------------


def _bounds(field: FieldSpec, default_high: float) -> tuple[float, float]:
    low = field.constraints.minimum if field.constraints.minimum is not None else 0
    high = field.constraints.maximum if field.constraints.maximum is not None else default_high
    return float(low), float(high)


def _number(field: FieldSpec, rng: random.Random, wild: bool) -> int | float:
    """A plausible number near the field's example, or anything in bounds when ``wild``."""
    example = field.example if isinstance(field.example, int | float) else None
    low, high = _bounds(field, 5000.0 if wild or example is None else 3 * example + 10)
    if example is not None and not wild:
        value = example * rng.uniform(0.6, 1.4)
    else:
        value = rng.uniform(low, high)
    value = min(max(value, low), high)
    if field.type == "integer":
        return int(min(max(round(value), math.ceil(low)), math.floor(high)))
    return round(value, 3) if rng.random() < 0.5 else value  # awkward binary fractions too


def _text(field: FieldSpec, rng: random.Random) -> str:
    if field.constraints.enum:
        return rng.choice(field.constraints.enum)
    if isinstance(field.example, str) and field.example:
        return field.example
    text = f"{field.title} {rng.randint(1, 99)}"
    return text[: field.constraints.maxLength or len(text)]


def field_value(field: FieldSpec, rng: random.Random, kind: str) -> Any:
    """One input value: ``kind`` is ``plausible``, ``wild`` (trips rules) or ``zero``."""
    if field.type in ("integer", "number"):
        return 0 if kind == "zero" else _number(field, rng, wild=kind == "wild")
    if field.type == "boolean":
        return rng.choice(["Yes", "No"])
    if field.type == "date":
        return dt.date(REPORTING_YEAR, rng.randint(4, 12), rng.randint(1, 28))
    return _text(field, rng)


@dataclass
class Scenario:
    """Values for one filled workbook: profile scalars and per-period measure lists."""

    profile: dict[str, Any]
    measures: dict[str, list[Any]]
    form: bool = False

    def by_name(self) -> dict[str, Any]:
        """Input values by defined name; forms have no reporting year."""
        values: dict[str, Any] = {} if self.form else {"reporting_year": REPORTING_YEAR}
        values.update(self.profile)
        values.update(self.measures)
        return values


def _periods(resolved: ResolvedTemplate) -> int:
    spec = resolved.template
    return 1 if isinstance(spec, FormSpec) else len(period_slots(spec.period))


def _filled(resolved: ResolvedTemplate, rng: random.Random, kind: str) -> Scenario:
    count = _periods(resolved)
    return Scenario(
        {f.name: field_value(f, rng, kind) for f in resolved.profile_fields},
        {
            f.name: [field_value(f, rng, kind) for _ in range(count)]
            for f in resolved.measure_fields
        },
        isinstance(resolved.template, FormSpec),
    )


def _partial(resolved: ResolvedTemplate, rng: random.Random) -> Scenario:
    """First months filled with holes, the rest of the year blank; some profile blanks."""
    scenario = _filled(resolved, rng, "plausible")
    count = _periods(resolved)
    entered = max(1, count * 5 // 12)
    for index, values in enumerate(scenario.measures.values()):
        for period in range(entered, count):
            values[period] = None
        if index % 3 == 1:
            values[0] = None  # a month not yet entered in the middle of entered ones
        if index % 4 == 3:
            values[:] = [None] * count  # a measure not collected at all
    for index, name in enumerate(scenario.profile):
        if index % 2 == 1:
            scenario.profile[name] = None
    return scenario


def _tripping(resolved: ResolvedTemplate, seed: int) -> Scenario:
    """Independent wide-range values; some seed among the first 50 fails a rule."""
    for attempt in range(50):
        scenario = _filled(resolved, random.Random(seed * 1000 + attempt), "wild")
        if compute_for(resolved, scenario).failures:
            return scenario
    return scenario


def compute_for(resolved: ResolvedTemplate, scenario: Scenario) -> Computed:
    return compute(resolved, scenario.profile, scenario.measures, REPORTING_YEAR)


SCENARIOS: dict[str, Callable[[ResolvedTemplate, int], Scenario]] = {
    "blank": lambda resolved, seed: Scenario({}, {}, isinstance(resolved.template, FormSpec)),
    "zeros": lambda resolved, seed: _filled(resolved, random.Random(seed), "zero"),
    "partial": lambda resolved, seed: _partial(resolved, random.Random(seed)),
    "plausible": lambda resolved, seed: _filled(resolved, random.Random(seed), "plausible"),
    "tripping": _tripping,
}


# --- one batch for the whole module --------------------------------------------------------


@dataclass
class Case:
    key: str
    resolved: ResolvedTemplate
    scenario_name: str
    scenario: Scenario
    shown: Shown
    """What LibreOffice computed: defined names' values and error cells."""


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Case]:
    """Every template x scenario, filled through defined names, recalculated in one run."""
    blank_dir = tmp_path_factory.mktemp("blank")
    filled_dir = tmp_path_factory.mktemp("filled")
    pending: list[tuple[str, str, Scenario, Path]] = []
    for seed, (key, resolved) in enumerate(sorted(TEMPLATES.items())):
        blank = build_workbook(resolved, blank_dir / f"{key}.xlsx")
        for name, make in SCENARIOS.items():
            scenario = make(resolved, seed + 1)
            target = filled_dir / f"{key}--{name}.xlsx"
            pending.append((key, name, scenario, fill_by_names(blank, target, scenario.by_name())))
    out = recalculate([p for *_, p in pending], tmp_path_factory.mktemp("recalculated"))
    return {
        (key, name): Case(key, TEMPLATES[key], name, scenario, read_computed(path))
        for (key, name, scenario, _), path in zip(pending, out, strict=True)
    }


# --- comparison ----------------------------------------------------------------------------


def _same(actual: Any, expected: Any) -> bool:
    if expected is None or expected == "":
        return actual is None or actual == ""
    if isinstance(expected, bool):  # a rule flag: the cell holds 1 or 0
        return (
            isinstance(actual, int | float)
            and not isinstance(actual, bool)
            and (actual == (1 if expected else 0))
        )
    if isinstance(expected, int | float):
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False
        if float(expected).is_integer() and float(actual).is_integer():
            return float(actual) == float(expected)
        return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12)
    return bool(actual == expected)


def _mismatches(case: Case) -> list[str]:
    expected = compute_for(case.resolved, case.scenario)
    wanted: dict[str, list[Any]] = {name: list(v) for name, v in expected.derived.items()}
    wanted.update({name: [v] for name, v in expected.kpis.items()})
    wanted.update({name: list(v) for name, v in expected.rules.items()})
    wanted["lks_failures"] = [expected.failures]
    actual = case.shown.names
    problems = []
    for name, values in wanted.items():
        got = actual.get(name, ["(no such defined name)"])
        if len(got) != len(values) or not all(map(_same, got, values)):
            problems.append(f"{name}: workbook {got!r} != compute {values!r}")
    if _periods(case.resolved) > 1:
        problems += _year_to_date_mismatches(case, expected)
    return problems


def _year_to_date_mismatches(case: Case, expected: Computed) -> list[str]:
    """The Year to date column: a measure's is worked out here by hand from its numbers
    (blank while there are none); a derived figure's is ``compute().derived_totals``."""
    wanted: dict[str, Any] = {}
    aggregates = {f.name: f.aggregate for f in case.resolved.measure_fields}
    weights = {f.name: f.weighted_by for f in case.resolved.measure_fields if f.weighted_by}
    for name, values in case.scenario.measures.items():
        numbers = [v for v in values if isinstance(v, int | float)]
        wanted[name] = _by_hand(aggregates[name], numbers)
        if aggregates[name] == "mean" and name in weights and numbers:
            weight = case.scenario.measures.get(weights[name], [])
            wanted[name] = _weighted_by_hand(values, weight)
    for name in case.resolved.measure_names:
        wanted.setdefault(name, "")  # the blank scenario enters nothing
    wanted.update(expected.derived_totals)
    return [
        f"{name} Year to date: workbook {case.shown.beside[name]!r} != {value!r}"
        for name, value in wanted.items()
        if not _same(case.shown.beside[name], value)
    ]


def _weighted_by_hand(values: Sequence[Any], weights: Sequence[Any]) -> Any:
    """SUMPRODUCT(values, weights) / SUM(weights): a blank or text counts 0 in the product
    and is skipped in the sum; blank when the weights add up to 0 (``weighted_by``)."""

    def number(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    total = sum(w for w in weights if number(w))
    pairs = zip(values, weights, strict=False)  # a scenario may leave the weight's row short
    products = sum(v * w for v, w in pairs if number(v) and number(w))
    return "" if total == 0 else products / total


def _by_hand(aggregate: str, numbers: list[int | float]) -> Any:
    if not numbers or aggregate == "none":
        return ""
    if aggregate == "mean":
        return sum(numbers) / len(numbers)
    return numbers[-1] if aggregate == "last" else sum(numbers)


CASE_IDS = [(key, name) for key in sorted(TEMPLATES) for name in SCENARIOS]


@pytest.mark.parametrize(("key", "scenario"), CASE_IDS, ids=[f"{k}-{s}" for k, s in CASE_IDS])
def test_workbook_computes_what_the_spec_says(
    cases: dict[tuple[str, str], Case], key: str, scenario: str
) -> None:
    assert _mismatches(cases[(key, scenario)]) == []


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_tripping_scenario_fails_a_rule_when_there_are_rules(
    cases: dict[tuple[str, str], Case], key: str
) -> None:
    """Guards the scenario itself: rule flags are only proven if some flag is 0."""
    case = cases[(key, "tripping")]
    if case.resolved.template.rules:
        assert case.shown.names["lks_failures"][0] > 0


@pytest.mark.parametrize(
    ("key", "scenario"),
    [(key, name) for key in sorted(TEMPLATES) for name in ("blank", "zeros", "partial")],
)
def test_no_error_values_anywhere(
    cases: dict[tuple[str, str], Case], key: str, scenario: str
) -> None:
    case = cases[(key, scenario)]
    plan = plan_workbook(case.resolved)
    # Hidden chart-data rows hold #N/A on purpose (a chart draws it as a gap); the plan
    # lists them, and the workbook names them lks_chart_data.
    allowed = [*plan.hidden_ranges, *[plan.defined_names.get("lks_chart_data", "")][:1]]
    allowed = [ref for ref in allowed if ref]
    found = case.shown.errors
    assert [cell for cell in found if not _in_ranges(cell, allowed)] == []


def _in_ranges(cell: str, ranges: list[str]) -> bool:
    """Whether ``Sheet!A1 = #N/A`` lies in one of ``Sheet!$A$1:$B$2`` ranges (#N/A only)."""
    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

    where, value = cell.split(" = ", 1)
    sheet, a1 = where.split("!")
    row, col = coordinate_to_tuple(a1)
    for ref in ranges:
        ref_sheet, area = ref.replace("$", "").rsplit("!", 1)
        min_col, min_row, max_col, max_row = range_boundaries(area)
        # Cell ranges, never whole rows or columns (which would leave a bound None).
        assert min_col and min_row and max_col and max_row, ref
        if (
            ref_sheet.strip("'") == sheet
            and value == "#N/A"
            and (min_row <= row <= max_row and min_col <= col <= max_col)
        ):
            return True
    return False


# --- printing ------------------------------------------------------------------------------

PRINTED = [
    (key, sheet)
    for key, resolved in sorted(TEMPLATES.items())
    for sheet in ("Dashboard", "Infographic")
    if sheet in [s.name for s in plan_workbook(resolved).sheets]
]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each Dashboard and Infographic alone, filled with plausible values, as a PDF."""
    work = tmp_path_factory.mktemp("print")
    copies = []
    for seed, (key, sheet) in enumerate(PRINTED):
        resolved = TEMPLATES[key]
        scenario = _filled(resolved, random.Random(seed), "plausible")
        whole = build_workbook(resolved, work / f"{key}.xlsx", values=scenario.by_name())
        copies.append(only_sheets_visible(whole, work / f"{key}--{sheet}.xlsx", [sheet]))
    pdfs = to_pdf(copies, tmp_path_factory.mktemp("pdf"))
    return dict(zip(PRINTED, pdfs, strict=True))


@pytest.mark.parametrize(("key", "sheet"), PRINTED, ids=[f"{k}-{s}" for k, s in PRINTED])
def test_prints_on_one_a4_page(printed: dict[tuple[str, str], Path], key: str, sheet: str) -> None:
    """The Dashboard on one A4 landscape page (issue 3); the Infographic on one A4 page."""
    pdf = printed[(key, sheet)]
    assert pdf_page_count(pdf) == 1
    [(width, height)] = pdf_page_sizes(pdf)
    size = (round(width), round(height))
    if sheet == "Dashboard":
        assert size == A4_LANDSCAPE
    else:
        assert size in (A4_LANDSCAPE, A4_LANDSCAPE[::-1])
