"""Check the formulas of a template or form: syntax, names in scope, functions, types, cycles.

Scope rules (documented in docs/spec-reference.md):

- ``derived`` and ``rules``: profile fields, measures and derived figures are single values
  (a measure or derived figure means its value for the same period);
- ``kpis``: measures and derived figures are ranges (all period values); profile fields and
  other KPIs are single values;
- ``reporting_year`` is a single number everywhere in a template;
- a form's rules see the form's fields as single values.

Derived figures and KPIs are numbers. Problems are located at the token inside the
formula when the YAML scalar is written on one line; otherwise at the value's start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from lks_templates.errors import Problem
from lks_templates.formula import (
    CycleError,
    Expr,
    FormulaSyntaxError,
    NameInfo,
    check,
    dependency_order,
    parse,
)
from lks_templates.formula.check import NameType
from lks_templates.spec.loader import DataPath, LoadedDocument
from lks_templates.spec.models import DatasetSpec, FieldSpec, FormSpec, TemplateSpec
from lks_templates.spec.validate import problem_at

REPORTING_YEAR = "reporting_year"

_VALUE_TYPES: dict[str, NameType] = {
    "string": "string",
    "integer": "number",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
}


Shape = Literal["scalar", "range"]


def _field_info(field: FieldSpec | None, shape: Shape) -> NameInfo:
    # A field the template lists but the dataset lacks is reported as unknown-field once;
    # treating it as a number here avoids a second, confusing problem in every formula.
    value_type: NameType = _VALUE_TYPES[field.type] if field is not None else "number"
    return NameInfo(type=value_type, shape=shape)


def template_scopes(spec: TemplateSpec, dataset: DatasetSpec) -> dict[str, dict[str, NameInfo]]:
    """The names each part of a template may use: ``derived``, ``kpis`` and ``rules``."""
    fields = {f.name: f for f in dataset.fields}
    scalar: Shape = "scalar"
    series: Shape = "range"
    profile = {name: _field_info(fields.get(name), scalar) for name in spec.profile}
    year = {REPORTING_YEAR: NameInfo(type="number", shape=scalar)}
    per_period = {
        **{name: _field_info(fields.get(name), scalar) for name in spec.measures},
        **{d.name: NameInfo(type="number", shape=scalar) for d in spec.derived},
    }
    over_year = {
        **{name: _field_info(fields.get(name), series) for name in spec.measures},
        **{d.name: NameInfo(type="number", shape=series) for d in spec.derived},
        **{k.name: NameInfo(type="number", shape=scalar) for k in spec.kpis},
    }
    return {
        "derived": {**profile, **year, **per_period},
        "rules": {**profile, **year, **per_period},
        "kpis": {**profile, **year, **over_year},
    }


def form_scope(spec: FormSpec, dataset: DatasetSpec) -> dict[str, NameInfo]:
    """A form's rules see its fields as single values."""
    fields = {f.name: f for f in dataset.fields}
    return {name: _field_info(fields.get(name), "scalar") for name in spec.fields}


def formula_problems(
    doc: LoadedDocument, spec: TemplateSpec | FormSpec, dataset: DatasetSpec | None
) -> list[Problem]:
    """Every formula problem of one template or form.

    Without a dataset (a file checked on its own, or a dataset that failed its own checks)
    only syntax and cycles are checked: names cannot be resolved.
    """
    if isinstance(spec, FormSpec):
        groups: list[tuple[str, str, Sequence[Any]]] = [("rules", "check", spec.rules)]
        scopes = {"rules": form_scope(spec, dataset)} if dataset is not None else None
    else:
        groups = [
            ("derived", "formula", spec.derived),
            ("kpis", "formula", spec.kpis),
            ("rules", "check", spec.rules),
        ]
        scopes = template_scopes(spec, dataset) if dataset is not None else None
    problems: list[Problem] = []
    for group, key, items in groups:
        parsed: dict[str, Expr] = {}
        for index, item in enumerate(items):
            path: DataPath = (group, index, key)
            text: str = getattr(item, key)
            try:
                expr = parse(text)
            except FormulaSyntaxError as error:
                problems.append(_at(doc, path, text, error.column, error.code, error.message))
                continue
            parsed[item.name] = expr
            if scopes is not None:
                for issue in check(expr, scopes[group]):
                    problems.append(_at(doc, path, text, issue.column, issue.code, issue.message))
        if group != "rules":
            problems += _cycles(doc, group, key, items, parsed)
    return problems


def _at(
    doc: LoadedDocument, path: DataPath, text: str, column: int | None, code: str, message: str
) -> Problem:
    """Locate a problem at 1-based ``column`` of the formula ``text`` written at ``path``."""
    # Columns count from the text as written (a leading "=" included); one past the end is
    # where a missing value belongs ("a +").
    offset = max(0, min((column or 1) - 1, len(text)))
    return problem_at(doc, doc.offset_position(path, offset), code, message)


def _cycles(
    doc: LoadedDocument, group: str, key: str, items: Sequence[Any], parsed: Mapping[str, Expr]
) -> list[Problem]:
    try:
        dependency_order(parsed)
    except CycleError as error:
        cycle = list(error.cycle)
        order = [item.name for item in items]
        first = min(cycle, key=lambda name: order.index(name) if name in order else len(order))
        index = order.index(first) if first in order else 0
        loop = " -> ".join([*cycle, cycle[0]] if cycle[0] != cycle[-1] else cycle)
        what = "derived figures" if group == "derived" else "KPIs"
        return [problem_at(doc, doc.value_position((group, index, key)), "cycle",
                           f"These {what} depend on each other in a loop ({loop}); one of "
                           "them must be computed without the others.")]  # fmt: skip
    return []
