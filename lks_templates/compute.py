"""What the workbook computes, computed in Python: derived figures, KPIs and rule flags.

:func:`compute` evaluates the very expression trees the workbook's cells hold (the spec
formula inside its blank and error wrappers, from :class:`~lks_templates.rules.semantics.Figure`)
with the shared formula evaluator, so a recalculated workbook and this function agree
cell for cell. Read-back uses it instead of trusting cached values; the spreadsheet-engine
tests compare the two. Each tree is compiled once per template into a closure that gives
exactly what the evaluator gives (:mod:`lks_templates.formula.compiled`), because
read-back computes the same figures for every return.

Values follow the workbook: a figure the workbook shows blank is ``""`` (the empty text
its formula returns); numbers are floats; a rule is ``True`` (passed, flag 1), ``False``
(failed, flag 0) or ``None`` (not checked, flag blank).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lks_templates.formula import BLANK, Blank, ExcelError, Value
from lks_templates.formula.values import NUM, date_to_serial, finite
from lks_templates.rules.lastyear import YearOnYear, comparable, last_year_value, year_on_year
from lks_templates.rules.periods import period_slots
from lks_templates.rules.semantics import Semantics, semantics_of, year_to_date_value
from lks_templates.spec.formulas import REPORTING_YEAR
from lks_templates.spec.models import FormSpec, ResolvedTemplate

InputValue = Value | int | dt.date | None


@dataclass(frozen=True)
class Incomplete:
    """A derived figure (in one period) or KPI blank because an input it needs is blank."""

    kind: str
    """``derived`` or ``kpi``."""
    name: str
    period: int | None
    """Index of the period (derived figures); None for a KPI."""
    missing: tuple[str, ...]
    """The inputs without a number (field names), in the order the formula names them."""
    titles: tuple[str, ...] = ()
    """The same, as the tile names them (``total expenditure``)."""


@dataclass
class Computed:
    """Every computed figure of one return."""

    derived: dict[str, list[Value]] = field(default_factory=dict)
    """Derived figure -> its value per period (the Data sheet's derived row)."""
    measure_totals: dict[str, Value] = field(default_factory=dict)
    """Measure -> its Year to date value, as its field's ``aggregate`` combines the periods
    (sum, mean, last, or ``""`` for ``none``); empty when there is a single period."""
    derived_totals: dict[str, Value] = field(default_factory=dict)
    """Derived figure -> its Year to date value (the formula over the measures' totals;
    ``""`` when it depends on a measure whose aggregate is ``none``)."""
    kpis: dict[str, Value] = field(default_factory=dict)
    """KPI -> its value on the Dashboard."""
    rules: dict[str, list[bool | None]] = field(default_factory=dict)
    """Rule -> passed (True), failed (False) or not checked (None), per period or once."""
    kpi_needs: dict[str, str] = field(default_factory=dict)
    """KPI -> what its tile says is missing (``Needs total expenditure``), "" if nothing."""
    incomplete: list[Incomplete] = field(default_factory=list)
    """Figures left blank although some of their inputs were entered (partly entered)."""
    year_on_year: dict[str, YearOnYear] = field(default_factory=dict)
    """Measure -> its Year to date, Last year (last year's values over the periods entered
    this year) and the change, as the Data sheet shows them (``rules.lastyear``); only for
    measures with a Last year figure, and only when ``compute(last_year=...)`` was given."""

    @property
    def failures(self) -> int:
        """Failed checks, as ``lks_failures`` counts them."""
        return sum(1 for flags in self.rules.values() for flag in flags if flag is False)


def cell_value(value: InputValue) -> Value:
    """An input as a spreadsheet holds it: None and "" are empty, dates are serial days.

    A number no cell can hold (infinite, NaN, an int past about 1.8E+308) is #NUM!.
    """
    if value is None or value == "":
        return BLANK
    if isinstance(value, dt.date):
        return float(date_to_serial(value))
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return finite(float(value))
        except OverflowError:  # more than any cell can hold
            return NUM
    if isinstance(value, float):
        return finite(value)  # a cell cannot hold infinity or NaN
    return value


def shown(value: Value) -> Value:
    """A formula cell whose result is a reference to an empty cell shows 0."""
    return 0.0 if isinstance(value, Blank) else value


def compute(
    resolved: ResolvedTemplate,
    profile: Mapping[str, InputValue],
    measures: Mapping[str, Sequence[InputValue]],
    reporting_year: int | None = None,
    *,
    semantics: Semantics | None = None,
    last_year: Mapping[str, Sequence[InputValue]] | None = None,
) -> Computed:
    """Compute every derived figure, KPI and rule of ``resolved`` from entered values.

    ``profile`` maps profile fields (every field, for a form) to values; ``measures`` maps
    measures to their values in period order (shorter lists are padded with blanks).
    Missing names are blank. ``reporting_year`` is the number in the workbook's
    ``reporting_year`` cell (None: blank); formulas may use it, as the workbook's do.
    ``semantics`` (from ``semantics_of(resolved)``) saves parsing the formulas again when
    computing many returns. ``last_year``: last year's values of measures in period order
    (the ``lks_last_year_<measure>`` cells), for :attr:`Computed.year_on_year`.
    """
    if semantics is None:
        semantics = semantics_of(resolved)
    count = (
        1
        if isinstance(resolved.template, FormSpec)
        else len(period_slots(resolved.template.period))
    )
    prof = {name: cell_value(profile.get(name)) for name in semantics.profile}
    # The year is one cell every formula of a template may name, like a profile field.
    prof.setdefault(REPORTING_YEAR, cell_value(reporting_year))
    per_period: dict[str, list[Value]] = {}
    for name in semantics.measures:
        given = [cell_value(v) for v in list(measures.get(name, []))[:count]]
        per_period[name] = given + [BLANK] * (count - len(given))
    result = Computed()
    _derived(semantics, prof, per_period, count, result)
    _kpis(semantics, prof, per_period, result)
    _rules(semantics, prof, per_period, count, result)
    if last_year is not None:
        _year_on_year(semantics, per_period, last_year, count, result)
    return result


def _year_on_year(
    semantics: Semantics,
    measures: dict[str, list[Value]],
    last_year: Mapping[str, Sequence[InputValue]],
    count: int,
    result: Computed,
) -> None:
    """Last year beside each measure's Year to date, by ``rules.lastyear``."""
    last = {
        name: [cell_value(v) for v in list(last_year.get(name, []))[:count]]
        for name in semantics.measures
    }
    for name, values in measures.items():
        aggregate = semantics.aggregates[name]
        if not comparable(aggregate, name not in semantics.text_fields, count):
            continue
        weight = semantics.weights.get(name)
        before = last_year_value(
            aggregate, values, last[name], last[weight] if weight is not None else None
        )
        this = result.measure_totals[name] if count > 1 else values[0]
        result.year_on_year[name] = year_on_year(this if type(this) is float else "", before)


def _period_env(
    prof: Mapping[str, Value],
    rows: Mapping[str, list[Value]],
    index: int,
    kpis: Mapping[str, Value],
) -> dict[str, Value]:
    env: dict[str, Value] = dict(prof)
    env.update(kpis)
    env.update({name: values[index] for name, values in rows.items()})
    return env


def _derived(
    semantics: Semantics,
    prof: Mapping[str, Value],
    measures: dict[str, list[Value]],
    count: int,
    result: Computed,
) -> None:
    # One environment per period: the profile and that period's measures, then each derived
    # figure as soon as it is known (figures come in dependency order).
    envs = [_period_env(prof, measures, i, {}) for i in range(count)]
    for figure in semantics.derived:
        formula = figure.shown_compiled
        values = [shown(formula(env)) for env in envs]
        for index, (env, value) in enumerate(zip(envs, values, strict=True)):
            env[figure.name] = value
            if value == "" and figure.required and figure.any_input(env):
                missing = figure.missing_inputs(env)
                if missing:
                    result.incomplete.append(
                        Incomplete(
                            "derived",
                            figure.name,
                            index,
                            tuple(missing),
                            tuple(figure.title_of(n) for n in missing),
                        )
                    )
        result.derived[figure.name] = values
    if count > 1:
        _derived_totals(semantics, prof, measures, result)


def _derived_totals(
    semantics: Semantics,
    prof: Mapping[str, Value],
    measures: dict[str, list[Value]],
    result: Computed,
) -> None:
    """The Year to date column: each measure's aggregate, then derived figures' formulas
    over those totals."""
    totals: dict[str, Value] = {
        name: year_to_date_value(
            semantics.aggregates[name],
            values,
            measures.get(semantics.weights[name]) if name in semantics.weights else None,
        )
        for name, values in measures.items()
    }
    result.measure_totals = dict(totals)
    env: dict[str, Value] = {**prof, **totals}
    rows: dict[str, Value | list[Value]] = {**prof, **measures}
    for figure in semantics.derived:
        # The test the cell writes: each measure it needs has a number in some period.
        test = figure.missing_compiled
        blank = not semantics.combinable(figure) or (test is not None and test(rows) is True)
        value: Value = "" if blank else shown(figure.total_compiled(env))
        totals[figure.name] = env[figure.name] = value
        result.derived_totals[figure.name] = value


def _kpis(
    semantics: Semantics,
    prof: Mapping[str, Value],
    measures: dict[str, list[Value]],
    result: Computed,
) -> None:
    env: dict[str, Value | list[Value]] = {**prof, **measures, **result.derived}
    for figure in semantics.kpis:  # in dependency order
        value = shown(figure.shown_compiled(env))
        env[figure.name] = value
        result.kpis[figure.name] = value
        needs = figure.needs_compiled(env)
        result.kpi_needs[figure.name] = needs if isinstance(needs, str) else ""
        if value == "" and figure.any_input(env):
            missing = figure.missing_inputs(env)
            if missing:
                result.incomplete.append(
                    Incomplete(
                        "kpi",
                        figure.name,
                        None,
                        tuple(missing),
                        tuple(figure.title_of(n) for n in missing),
                    )
                )
    # Spec order, as the dashboard shows them.
    result.kpis = {name: result.kpis[name] for name in semantics.kpi_spec_order}


def _rules(
    semantics: Semantics,
    prof: Mapping[str, Value],
    measures: dict[str, list[Value]],
    count: int,
    result: Computed,
) -> None:
    rows: dict[str, list[Value]] = {**measures, **result.derived}
    envs = [_period_env(prof, rows, index, result.kpis) for index in range(count)]
    for figure in semantics.rules:
        formula = figure.flag_compiled
        checked = envs if semantics.per_period(figure) else envs[:1]
        result.rules[figure.name] = [_flag(formula(env)) for env in checked]


def _flag(value: Value) -> bool | None:
    if isinstance(value, ExcelError):
        return False  # cannot happen behind IFERROR; kept for safety
    if value == "" or isinstance(value, Blank):
        return None
    return value == 1.0
