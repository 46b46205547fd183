"""Derived figures, KPIs and rules, recomputed in Python from the values read.

An xlsxwriter workbook that was never opened in a spreadsheet stores 0 as every
formula's cached result, and a hostile one can store anything, so cached results are never
used. ``lks_templates.compute`` mirrors the workbook's formulas exactly (same blank rules,
same evaluator) and is the single source of these figures.
"""

from __future__ import annotations

from dataclasses import astuple
from typing import TYPE_CHECKING, Any

from lks_templates.errors import Problem
from lks_templates.readback.contract import YEAR_NAME, Contract
from lks_templates.readback.result import Figure, Return, YearOnYear

if TYPE_CHECKING:
    from lks_templates.compute import Incomplete
    from lks_templates.rules.semantics import Figure as RuleFigure


def compute_figures(contract: Contract, result: Return) -> None:
    """Fill ``result.derived`` and ``result.kpis``; add a problem for each failed rule."""
    from lks_templates.compute import compute

    resolved = contract.resolved
    # Year on year only once last year's figures are there (a blank block compares nothing).
    rolled_over = any(v is not None for values in result.last_year.values() for v in values)
    computed = compute(
        resolved,
        dict(result.profile),
        {k: list(v) for k, v in result.measures.items()},
        result.reporting_year,
        semantics=contract.semantics,
        last_year={k: list(v) for k, v in result.last_year.items()} if rolled_over else None,
    )
    result.year_on_year = {
        name: YearOnYear(*(_number(v) for v in astuple(row)))
        for name, row in computed.year_on_year.items()
    }
    result.derived = {
        name: [_figure(v) for v in values] for name, values in computed.derived.items()
    }
    result.kpis = {name: _figure(value) for name, value in computed.kpis.items()}
    _coverage(contract, result)
    result.kpi_needs = {name: text for name, text in computed.kpi_needs.items() if text}
    result.kpi_notes = _part_year_notes(contract, result)
    for gap in computed.incomplete:
        if not _unreadable(contract, result, gap):
            result.problems.append(_incomplete_problem(contract, result, gap))
    rules = {rule.name: rule for rule in resolved.template.rules}
    figures = {f.name: f for f in contract.semantics.rules} if contract.semantics else {}
    for name, flags in computed.rules.items():
        rule = rules.get(name)
        if rule is None:
            continue
        for index, passed in enumerate(flags):
            if passed is False and not _unusable_input(
                contract, result, figures.get(name), index, len(flags)
            ):
                result.problems.append(_rule_problem(contract, result, rule, index, len(flags)))


def _unusable_input(
    contract: Contract, result: Return, figure: RuleFigure | None, index: int, count: int
) -> bool:
    """Whether the rule's check at ``index`` uses a cell that could not be read.

    Such a cell (a ``type-error``, ``error-value`` or ``formula-in-input``, already
    reported; the reporting year included) counts as blank,
    so the check would fail only because of it: it is skipped, not reported. A check made
    period by period looks at that period's measures; a check of the whole year at every
    period's.
    """
    if figure is None or not result.raw_errors:
        return False
    if any((name, "") in result.raw_errors for name in figure.profile):
        return True
    if figure.uses_year and (YEAR_NAME, "") in result.raw_errors:
        return True
    periodic = figure.name in contract.periodic_rules and count == len(contract.period_keys)
    keys = [contract.period_keys[index]] if periodic else list(contract.period_keys)
    return any((name, key) in result.raw_errors for name in figure.measures for key in keys)


def _number(value: Any) -> float | None:
    """A computed comparison as a float; None where the workbook shows blank."""
    return value if type(value) is float else None


def _figure(value: Any) -> Figure:
    """A computed cell value as a plain Python value; None when the workbook shows blank."""
    if isinstance(value, bool | float | int):
        return value
    if isinstance(value, str) and value != "":
        return value
    return None  # blank, or an error value (which the workbook's formulas never show)


def _coverage(contract: Contract, result: Return) -> None:
    """``result.coverage`` and ``periods_entered``: a period counts as entered when any of
    its entry cells holds something, a value not read included (the workbook's COUNTA)."""
    from lks_templates.rules.periods import coverage_text
    from lks_templates.spec.models import TemplateSpec

    spec = contract.resolved.template
    if not isinstance(spec, TemplateSpec) or not contract.period_keys:
        return
    entered = [
        any(
            (len(series) > i and series[i] is not None) or (name, key) in result.raw_errors
            for name, series in result.measures.items()
        )
        for i, key in enumerate(contract.period_keys)
    ]
    result.periods_entered = sum(entered)
    keys = contract.period_keys
    result.entered_periods = [key for key, flag in zip(keys, entered, strict=True) if flag]
    result.coverage = coverage_text(spec.period, result.reporting_year, entered)


def _part_year_notes(contract: Contract, result: Return) -> dict[str, str]:
    """The note each KPI's tile shows: an annual figure set against part of the year
    (``rules.periods.part_year_note``), only while the KPI has a number, as in the cell."""
    from lks_templates.rules.periods import part_year_kpis, part_year_note
    from lks_templates.spec.models import TemplateSpec

    spec = contract.resolved.template
    if not isinstance(spec, TemplateSpec) or contract.semantics is None:
        return {}
    note = part_year_note(spec.period, result.periods_entered)
    if not note:
        return {}
    return {
        name: note
        for name in part_year_kpis(contract.semantics, spec.period)
        if isinstance(result.kpis.get(name), int | float)
        and not isinstance(result.kpis.get(name), bool)
    }


def _unreadable(contract: Contract, result: Return, gap: Incomplete) -> bool:
    """Whether a missing input is a cell already reported as not read (it counts as
    blank): that problem says what to fix, so the figure adds none."""
    if not result.raw_errors:
        return False
    keys = ["", *contract.period_keys]
    if gap.period is not None and contract.period_keys:
        keys = ["", contract.period_keys[gap.period]]
    return any((name, key) in result.raw_errors for name in gap.missing for key in keys)


def _incomplete_problem(contract: Contract, result: Return, gap: Incomplete) -> Problem:
    """``figure-incomplete`` at the figure's cell: its tile, or its cell in the period."""
    spec = contract.resolved.template
    items = [*getattr(spec, "derived", []), *getattr(spec, "kpis", [])]
    title = next((item.title for item in items if item.name == gap.name), gap.name)
    ref = contract.names.get(gap.name)
    index = gap.period or 0
    sheet, cell = ("", "")
    if ref is not None and index < len(ref.cells):
        sheet, cell = ref.sheet, ref.cells[index]
    period = contract.period_keys[index] if gap.period is not None and contract.period_keys else ""
    during = f" for {period}" if period else ""
    what = "KPI" if gap.kind == "kpi" else "Figure"
    return Problem(
        code="figure-incomplete",
        message=(
            f"{what} {title}{during} is blank: it needs {_and(list(gap.titles))}, "
            "which has no number. Enter it (0 if there were none)."
            if len(gap.missing) == 1
            else f"{what} {title}{during} is blank: it needs {_and(list(gap.titles))}, "
            "which have no number. Enter them (0 if there were none)."
        ),
        file=result.file,
        severity="warning",
        sheet=sheet,
        cell=cell,
        field=gap.name,
        period=period,
    )


def _and(titles: list[str]) -> str:
    return titles[0] if len(titles) == 1 else f"{', '.join(titles[:-1])} and {titles[-1]}"


def _rule_problem(contract: Contract, result: Return, rule: Any, index: int, count: int) -> Problem:
    periodic = rule.name in contract.periodic_rules and count == len(contract.period_keys)
    period = contract.period_keys[index] if periodic else ""
    sheet, cell = contract.rule_cells.get((rule.name, index), ("", ""))
    during = f" in {period}" if period else ""
    return Problem(
        code="rule-failed",
        message=f"The check {rule.name}{during} failed: {rule.message}",
        file=result.file,
        severity=rule.severity,
        sheet=sheet,
        cell=cell,
        field=rule.name,
        period=period,
    )
