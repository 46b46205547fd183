"""Derived figures, KPIs and rules, recomputed in Python from the values read.

An xlsxwriter workbook that was never opened in a spreadsheet stores 0 as every
formula's cached result, and a hostile one can store anything, so cached results are never
used. ``lks_templates.compute`` mirrors the workbook's formulas exactly (same blank rules,
same evaluator) and is the single source of these figures.
"""

from __future__ import annotations

from typing import Any

from lks_templates.errors import Problem
from lks_templates.readback.contract import Contract
from lks_templates.readback.result import Return


def compute_figures(contract: Contract, result: Return) -> None:
    """Fill ``result.derived`` and ``result.kpis``; add a problem for each failed rule."""
    from lks_templates.compute import compute

    resolved = contract.resolved
    computed = compute(resolved, dict(result.profile), {k: list(v) for k, v in
                                                         result.measures.items()},
                       result.reporting_year)
    result.derived = {name: list(values) for name, values in computed.derived.items()}
    result.kpis = dict(computed.kpis)
    rules = {rule.name: rule for rule in resolved.template.rules}
    for name, flags in computed.rules.items():
        rule = rules.get(name)
        if rule is None:
            continue
        for index, passed in enumerate(flags):
            if passed is False:
                result.problems.append(_rule_problem(contract, result, rule, index, len(flags)))


def _rule_problem(contract: Contract, result: Return, rule: Any, index: int,
                  count: int) -> Problem:
    per_period = (count == len(contract.period_keys) and count > 1) or (
        count == 1 and len(contract.period_keys) == 1 and _names_measures(contract, rule))
    period = contract.period_keys[index] if per_period else ""
    cell = contract.rule_cells.get((rule.name, index), "") if contract.rule_cells else ""
    during = f" ({period})" if period else ""
    return Problem(code="rule-failed", message=f"Check {rule.name}{during} failed: "
                   f"{rule.message}", file=result.file, severity=rule.severity,
                   sheet="Checks" if cell else "", cell=cell, field=rule.name, period=period)


def _names_measures(contract: Contract, rule: Any) -> bool:
    return any(name in rule.check for name in contract.resolved.measure_names)
