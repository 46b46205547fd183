"""What each derived figure, KPI and rule depends on, shared by layout, compute and read-back.

The workbook shows a figure blank while the inputs it depends on are blank, and the
Python mirror (``lks_templates.compute``) must take exactly the same decisions; both read
them from :class:`Semantics` so they cannot drift apart.

Blank rules (documented in docs/workbook-contract.md):

- a derived figure or KPI shows only when every input it depends on (directly or through
  other figures) has a number: a profile field, its cell; a measure, in a derived
  figure's period, that period's cell, and for a KPI or a Year to date at least one
  period. Otherwise it is blank and its :meth:`Figure.needs` text names what is missing
  ("Needs total expenditure"). Inputs whose field says ``blank_means_zero`` are not
  required; a figure all of whose inputs are such is blank while they are all blank;
- a rule that depends on measures is checked per period and not checked in a period where
  they are all blank; any other rule is checked once, and not while every profile field it
  names is blank.

A measure's Year to date follows its field's ``aggregate``: :func:`year_to_date_formula`
writes it for the workbook and :func:`year_to_date_value` computes it in Python, side by
side so they cannot drift apart. A derived figure's Year to date is its formula over the
measures' Year to date cells, and blank when it depends on a measure whose aggregate is
``none`` (:meth:`Semantics.combinable`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from lks_templates import formula
from lks_templates.formula import Binary, Blank, Call, ExcelError, Expr, Name, Number, String, Value
from lks_templates.formula.builtins import average_numbers, sum_numbers
from lks_templates.formula.compiled import Compiled, compile_expr
from lks_templates.spec.formulas import REPORTING_YEAR
from lks_templates.spec.models import Aggregate, Derived, FormSpec, Kpi, ResolvedTemplate, Rule

WEIGHTED_MEAN = "SUMPRODUCT({values},{weights})/SUM({weights})"
"""A ``mean`` field's Year to date when it is ``weighted_by`` another: each period's mean
counts as often as its weight (the number of ratings it is the mean of). The workbook
writes it over the two rows and :func:`year_to_date_value` evaluates the very same text."""


def year_to_date_formula(
    aggregate: Aggregate, cells: str, weights: str | None = None
) -> str | None:
    """The Year to date cell of a measure whose period cells are ``cells`` (``D14:O14``).

    Blank while no period holds a number; None for ``none`` (the cell is left empty).
    ``last`` is ``LOOKUP(2, 1/ISNUMBER(cells), cells)``: the division turns every cell
    without a number into an error, which LOOKUP skips, so it finds the last number even
    after gaps. ``LOOKUP(9.99E+307, cells)``, the usual idiom, gives #N/A in LibreOffice
    when the row has blanks; ``tests/test_engine_year_to_date.py`` proves this one in
    LibreOffice, and it is a long-standing Excel idiom that needs no array entry.
    ``weights`` (the weight field's period cells) makes a ``mean`` the
    :data:`WEIGHTED_MEAN`, blank while the weights add up to nothing.
    """
    if aggregate == "mean" and weights is not None:
        weighted = WEIGHTED_MEAN.format(values=cells, weights=weights)
        return f'=IF(COUNT({cells})=0,"",IFERROR({weighted},""))'
    body = {
        "sum": f"SUM({cells})",
        "mean": f"AVERAGE({cells})",
        "last": f"LOOKUP(2,1/ISNUMBER({cells}),{cells})",
        "none": None,
    }[aggregate]
    return None if body is None else f'=IF(COUNT({cells})=0,"",{body})'


_WEIGHTED = compile_expr(
    formula.parse(f'IFERROR({WEIGHTED_MEAN.format(values="v", weights="w")},"")')
)


def year_to_date_value(
    aggregate: Aggregate, values: Sequence[Value], weights: Sequence[Value] | None = None
) -> Value:
    """What :func:`year_to_date_formula` shows for ``values`` (a measure's periods).

    Only numbers count, as in SUM, AVERAGE and COUNT: blanks and text are skipped; an error
    value among them is the result of ``sum`` and ``mean``, as SUM and AVERAGE give it. The
    totals are the evaluator's own SUM and AVERAGE (:func:`~lks_templates.formula.builtins.
    sum_numbers`), so they round alike and give #NUM! past the largest number, as the cell
    does. With ``weights``, a ``mean`` is the evaluator's own :data:`WEIGHTED_MEAN`.
    """
    numbers = [v for v in values if type(v) is float]
    if not numbers or aggregate == "none":
        return ""
    if aggregate == "mean" and weights is not None:
        return _WEIGHTED({"v": list(values), "w": list(weights)})
    error = next((v for v in values if isinstance(v, ExcelError)), None)
    if error is not None and aggregate != "last":
        return error  # SUM and AVERAGE give the first error among their cells; LOOKUP skips it
    if aggregate == "sum":
        return sum_numbers(numbers)
    if aggregate == "mean":
        return average_numbers(numbers)
    return numbers[-1]


@dataclass(frozen=True)
class Figure:
    """One derived figure, KPI or rule with its parsed formula and its dependencies."""

    kind: str
    """``derived``, ``kpi`` or ``rule``."""
    name: str
    text: str
    expr: formula.Expr
    names: tuple[str, ...]
    """Names used directly, in first-seen order."""
    measures: tuple[str, ...]
    """Measures depended on, directly or not, in template order."""
    profile: tuple[str, ...]
    """Profile fields depended on, directly or not, in template order."""
    uses_year: bool = False
    """Whether it names ``reporting_year``, directly or through other figures."""
    required: tuple[str, ...] = ()
    """Inputs (measures and profile fields) that must have a number for the figure to show,
    in the order the formulas first name them."""
    text_inputs: frozenset[str] = frozenset()
    """Required inputs that are not numbers (text, dates): present when not empty."""
    titles: tuple[str, ...] = ()
    """How :meth:`needs` names each of :attr:`required` ("total expenditure")."""

    @property
    def blank_inputs(self) -> tuple[str, ...]:
        """The inputs whose blankness blanks this figure (measures, else profile fields)."""
        return self.measures or self.profile

    @cached_property
    def shown_compiled(self) -> Compiled:
        """:meth:`shown` compiled once, for evaluating many returns (same values)."""
        return compile_expr(self.shown())

    @cached_property
    def flag_compiled(self) -> Compiled:
        """:meth:`flag`, compiled once."""
        return compile_expr(self.flag())

    @cached_property
    def total_compiled(self) -> Compiled:
        """``IFERROR(formula, "")`` (a derived figure's Year to date cell), compiled once."""
        return compile_expr(Call("IFERROR", (self.expr, String(""))))

    @cached_property
    def needs_compiled(self) -> Compiled:
        """:meth:`needs`, compiled once."""
        return compile_expr(self.needs())

    @cached_property
    def missing_compiled(self) -> Compiled | None:
        """:meth:`missing_test`, compiled once (TRUE while the figure cannot be computed)."""
        test = self.missing_test()
        return None if test is None else compile_expr(test)

    def _absent(self, name: str) -> Expr:
        count = "COUNTA" if name in self.text_inputs else "COUNT"
        return Binary("=", Call(count, (Name(name),)), Number(0.0))

    def missing_test(self) -> Expr | None:
        """TRUE while an input the figure needs has no number, so it shows blank.

        ``OR(COUNT(a)=0, COUNT(b)=0, ...)``; a name stands for a cell or, for a measure of
        a KPI or Year to date, its row of periods. With no required inputs (all
        ``blank_means_zero``), TRUE while every input is blank; None with no inputs at all
        (a constant always shows).
        """
        if not self.required:
            inputs = self.blank_inputs
            if not inputs:
                return None
            return Binary("=", Call("COUNTA", tuple(Name(n) for n in inputs)), Number(0.0))
        tests = [self._absent(n) for n in self.required]
        return tests[0] if len(tests) == 1 else Call("OR", tuple(tests))

    def needs(self) -> Expr:
        """Tile text naming what is missing: ``Needs total expenditure`` (the first input
        without a number, with `` and more`` when others lack one too); "" when none is.

        One name keeps the text on one line of a tile; ``read`` and ``collect`` list every
        missing input in the ``figure-incomplete`` problem (:meth:`missing_inputs`). The
        text grows linearly with the inputs: nested IFs for the name, one sum of the
        tests (TRUE counts 1) for `` and more``.
        """
        if not self.required:
            return String("")
        body: Expr = String("")
        for name, title in reversed(list(zip(self.required, self.titles, strict=True))):
            body = Call("IF", (self._absent(name), String(f"Needs {title}"), body))
        if len(self.required) == 1:
            return body
        tests = [self._absent(n) for n in self.required]
        total: Expr = tests[0]
        for test in tests[1:]:
            total = Binary("+", total, test)
        more = Call("IF", (Binary(">", total, Number(1.0)), String(" and more"), String("")))
        return Binary("&", body, more)

    def missing_inputs(self, env: Mapping[str, Value | list[Value]]) -> list[str]:
        """The required inputs without a number in ``env`` (cells or rows), in order."""
        return [n for n in self.required if not _present(env.get(n), n in self.text_inputs)]

    def title_of(self, name: str) -> str:
        """How :meth:`needs` names the required input ``name``."""
        return dict(zip(self.required, self.titles, strict=True)).get(name, name)

    def any_input(self, env: Mapping[str, Value | list[Value]]) -> bool:
        """Whether the figure was partly entered in ``env``: one of its measures has a value
        (in the period, or for a KPI the year), or, with no measures, a profile field does.
        A period with none of its measures is not entered yet, not incomplete."""
        return any(_present(env.get(n), True) for n in self.blank_inputs)

    def shown(self) -> Expr:
        """What the cell of a derived figure or KPI computes, blank and error wrappers included.

        ``IF(OR(COUNT(a)=0, ...), "", IFERROR(formula, ""))``: the workbook writes this tree
        as Excel text and ``compute`` evaluates the very same tree.
        """
        body = Call("IFERROR", (self.expr, String("")))
        test = self.missing_test()
        return body if test is None else Call("IF", (test, String(""), body))

    def flag(self) -> Expr:
        """What a rule's flag cell computes: 1 passed, 0 failed (or error), "" not checked."""
        passed = Call("IF", (self.expr, Number(1.0), Number(0.0)))
        return _unless_blank(self.blank_inputs, Call("IFERROR", (passed, Number(0.0))))


def _present(value: Value | list[Value] | None, text_counts: bool) -> bool:
    """COUNT (numbers) or, for text inputs, COUNTA (anything) is not 0."""
    values = value if isinstance(value, list) else [value]
    if text_counts:
        return any(v is not None and not isinstance(v, Blank) and v != "" for v in values)
    return any(type(v) is float for v in values)


def _unless_blank(inputs: tuple[str, ...], body: Expr) -> Expr:
    if not inputs:
        return body
    count = Call("COUNTA", tuple(Name(n) for n in inputs))
    return Call("IF", (Binary("=", count, Number(0.0)), String(""), body))


class Semantics:
    """Parsed formulas of a template (or form) and their dependencies, in evaluation order."""

    def __init__(
        self,
        profile: Sequence[str],
        measures: Sequence[str],
        derived: Sequence[Derived] = (),
        kpis: Sequence[Kpi] = (),
        rules: Sequence[Rule] = (),
        *,
        aggregates: Mapping[str, Aggregate] | None = None,
        weights: Mapping[str, str] | None = None,
        titles: Mapping[str, str] | None = None,
        zero_blanks: Iterable[str] = (),
        text_fields: Iterable[str] = (),
    ) -> None:
        self.profile = list(profile)
        self.titles = dict(titles or {})
        """Input -> its field title (for the "Needs ..." text)."""
        self.zero_blanks = frozenset(zero_blanks)
        """Fields whose blank counts as 0 (``blank_means_zero``): never required."""
        self.text_fields = frozenset(text_fields)
        self.measures = list(measures)
        self.aggregates: dict[str, Aggregate] = {
            m: (aggregates or {}).get(m, "sum") for m in self.measures
        }
        """Measure -> its field's ``aggregate`` (``sum`` when not given)."""
        self.weights: dict[str, str] = {
            m: w for m, w in (weights or {}).items() if self.aggregates.get(m) == "mean"
        }
        """A ``mean`` measure -> the measure that weights its Year to date (``weighted_by``)."""
        self._direct: dict[str, tuple[str, formula.Expr, tuple[str, ...]]] = {}
        items: list[Derived | Kpi] = [*derived, *kpis]
        for item in items:
            expr = formula.parse(item.formula)
            self._direct[item.name] = (item.formula, expr, tuple(formula.names(expr)))
        self.derived = self._figures("derived", derived)
        self.kpis = self._figures("kpi", kpis)
        self.kpi_spec_order = [k.name for k in kpis]
        self.rules = [self._figure("rule", r.name, r.check, formula.parse(r.check)) for r in rules]
        self.rule_specs = {r.name: r for r in rules}

    # -- dependencies -------------------------------------------------------------------
    def _closure(self, names: Iterable[str]) -> set[str]:
        """Every name reached from ``names`` through derived figures and KPIs.

        Iterative: a chain of a thousand KPIs, each using the one before, is fine.
        """
        seen: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in self._direct:
                stack.extend(self._direct[name][2])
        return seen

    def _ordered(self, names: Iterable[str], out: list[str]) -> list[str]:
        """Inputs named, directly or through other figures, in first-named order.

        Depth first with an explicit stack, so a chain of a thousand figures does not
        exhaust Python's recursion limit.
        """
        seen = set(out)
        stack = list(reversed(list(names)))
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            out.append(name)  # figures are kept out of ``required`` by the caller
            if name in self._direct:
                stack.extend(reversed(self._direct[name][2]))
        return out

    def _figure(self, kind: str, name: str, text: str, expr: formula.Expr) -> Figure:
        direct = tuple(formula.names(expr))
        used = self._closure(direct)
        inputs = set(self.measures) | set(self.profile)
        required = tuple(
            n for n in self._ordered(direct, []) if n in inputs and n not in self.zero_blanks
        )
        return Figure(
            kind=kind,
            name=name,
            text=text,
            expr=expr,
            names=direct,
            measures=tuple(m for m in self.measures if m in used),
            profile=tuple(p for p in self.profile if p in used),
            uses_year=REPORTING_YEAR in used,
            required=required,
            text_inputs=frozenset(n for n in required if n in self.text_fields),
            titles=tuple(needs_title(self.titles.get(n, n)) for n in required),
        )

    def _figures(self, kind: str, items: Sequence[Derived] | Sequence[Kpi]) -> list[Figure]:
        """Figures in an order where each comes after the figures it uses (the one
        topological sort, ``formula.dependency_order``; spec validation rejects cycles)."""
        ordered = formula.dependency_order(
            {item.name: self._direct[item.name][1] for item in items}
        )
        return [
            self._figure(kind, name, self._direct[name][0], self._direct[name][1])
            for name in ordered
        ]

    def per_period(self, figure: Figure) -> bool:
        """True when a rule is checked period by period (it depends on measures)."""
        derived = {d.name for d in self.derived}
        return bool(figure.measures) or any(n in derived for n in figure.names)

    def mixes_annual(self, figure: Figure) -> bool:
        """Whether a figure combines a number entered once for the whole year (a profile
        field that is not text, such as the year's spend or staff served) with a measure
        counted over the periods (``aggregate: sum``), so that it means something else
        while the periods entered are only part of the year: its tile then says so
        (``rules.periods.part_year_note``). A count at a moment (``last``) or a rate
        (``mean``) against an annual figure does not depend on how much of the year is in."""
        numbers = [p for p in figure.profile if p not in self.text_fields]
        flows = [m for m in figure.measures if self.aggregates[m] == "sum"]
        return bool(flows) and bool(numbers)

    def combinable(self, figure: Figure) -> bool:
        """Whether a derived figure has a Year to date: none of its measures is ``none``."""
        return all(self.aggregates[m] != "none" for m in figure.measures)

    @property
    def derived_names(self) -> list[str]:
        return [d.name for d in self.derived]

    @property
    def kpi_names(self) -> list[str]:
        return [k.name for k in self.kpis]


def needs_title(title: str) -> str:
    """A field title as it reads inside a sentence: "Total expenditure" -> "total
    expenditure"; "NHS staff served (WTE)" keeps its capitals."""
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def semantics_of(resolved: ResolvedTemplate) -> Semantics:
    """Parsed formulas and dependencies of a template or form."""
    spec = resolved.template
    fields = [*resolved.profile_fields, *resolved.measure_fields]
    extra: dict[str, Any] = {
        "titles": {f.name: f.title for f in fields},
        "zero_blanks": [f.name for f in fields if f.blank_means_zero],
        "text_fields": [f.name for f in fields if f.type not in ("number", "integer")],
    }
    if isinstance(spec, FormSpec):
        return Semantics(resolved.profile_names, [], rules=spec.rules, **extra)
    aggregates = {f.name: f.aggregate for f in resolved.measure_fields}
    weights = {
        f.name: f.weighted_by
        for f in resolved.measure_fields
        if f.weighted_by is not None and f.weighted_by in spec.measures
    }
    return Semantics(
        spec.profile,
        spec.measures,
        spec.derived,
        spec.kpis,
        spec.rules,
        aggregates=aggregates,
        weights=weights,
        **extra,
    )
