"""Checks of ``kind: benchmark`` specs: their own shape, then the template they compare.

Peers are chosen only by **context** fields, the template's profile fields that describe
the population served (CIPFA's rule for nearest neighbours): a measure, a derived figure
or a KPI in ``same``, ``bands`` or ``nearest`` is a located error, so a benchmark can never
group services by the very outcome it compares.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import pairwise
from typing import Any

from lks_templates.errors import Problem
from lks_templates.spec.loader import DataPath, LoadedDocument
from lks_templates.spec.models import BenchmarkSpec, DatasetSpec, TemplateSpec
from lks_templates.spec.names import did_you_mean

_WAYS = ("same", "bands", "nearest")
_SUM = re.compile(r"^\s*SUM\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$", re.IGNORECASE)
_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")


def _problem(
    doc: LoadedDocument, path: DataPath, code: str, message: str, key: bool = False
) -> Problem:
    from lks_templates.spec.validate import problem_at

    where = doc.key_position(path) if key else doc.value_position(path)
    return problem_at(doc, where, code, message)


def benchmark_shape_problems(doc: LoadedDocument) -> list[Problem]:
    """Each peer group chooses peers one way; bands by breaks or quantiles; breaks increase."""
    problems: list[Problem] = []
    groups = doc.data.get("peer_groups")
    if not isinstance(groups, list):
        return problems
    for index, group in enumerate(groups):
        if not isinstance(group, dict):
            continue
        ways = [way for way in _WAYS if way in group]
        if len(ways) != 1:
            found = ", ".join(f"`{w}`" for w in ways) or "none of them"
            problems.append(_problem(doc, ("peer_groups", index), "bad-value",
                                     "A peer group chooses peers in exactly one way: `same`, "
                                     f"`bands` or `nearest`; this one has {found}."))  # fmt: skip
        bands = group.get("bands")
        if isinstance(bands, dict):
            path: DataPath = ("peer_groups", index, "bands")
            if ("breaks" in bands) == ("quantiles" in bands):
                problems.append(_problem(doc, path, "bad-value",
                                         "`bands` needs either `breaks` (cut points) or "
                                         "`quantiles` (a number of bands), not both or "
                                         "neither."))  # fmt: skip
            breaks = bands.get("breaks")
            numeric = isinstance(breaks, list) and all(_is_number(b) for b in breaks)
            if numeric and (not breaks or any(a >= b for a, b in pairwise(breaks))):
                problems.append(_problem(doc, (*path, "breaks"), "bad-value",
                                             "`breaks` must be one or more cut points, each "
                                             "larger than the one before."))  # fmt: skip
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def benchmark_references(
    doc: LoadedDocument,
    spec: BenchmarkSpec,
    templates: Mapping[str, TemplateSpec],
    datasets: Mapping[str, DatasetSpec],
    known_templates: set[str],
) -> list[Problem]:
    """The template exists; KPIs are its KPIs; peers use its context fields only."""
    template = templates.get(spec.template)
    if template is None:
        if spec.template in known_templates:
            return []  # that template's own problems are reported already
        hint = did_you_mean(spec.template, templates)
        available = ", ".join(sorted(templates)) or "none found"
        return [_problem(doc, ("template",), "unknown-template",
                         f"No template spec has the id `{spec.template}`.{hint} Templates "
                         f"found: {available}.")]  # fmt: skip
    dataset = datasets.get(template.dataset)
    numbers = {
        f.name for f in (dataset.fields if dataset else []) if f.type in ("integer", "number")
    }
    kpis = [k.name for k in template.kpis]
    problems: list[Problem] = []
    for index, name in enumerate(spec.kpis or []):
        if name not in kpis:
            problems.append(_unknown_kpi(doc, ("kpis", index), name, template.id, kpis))
    context = _Context(doc, template, numbers)
    for index, group in enumerate(spec.peer_groups):
        base: DataPath = ("peer_groups", index)
        for position, name in enumerate(group.same or []):
            problems += context.check((*base, "same", position), name, need_number=False)
        if group.bands is not None:
            problems += context.check((*base, "bands", "field"), group.bands.field)
        if group.nearest is not None:
            for name in group.nearest.fields:
                problems += context.check((*base, "nearest", "fields", name), name, key=True)
    compared = spec.kpis if spec.kpis is not None else kpis
    for index, funnel in enumerate(spec.funnels):
        base = ("funnels", index)
        if funnel.kpi not in compared:
            problems.append(_problem(doc, (*base, "kpi"), "unknown-kpi",
                                     f"`{funnel.kpi}` is not one of the KPIs this benchmark "
                                     f"compares.{did_you_mean(funnel.kpi, compared)} Add it "
                                     "to `kpis` or correct the name."))  # fmt: skip
        for key in ("numerator", "denominator"):
            text = getattr(funnel, key)
            problems += _count(doc, (*base, key), key, text, template, numbers)
    return problems


def _unknown_kpi(
    doc: LoadedDocument, path: DataPath, name: str, template: str, kpis: list[str]
) -> Problem:
    return _problem(doc, path, "unknown-kpi",
                    f"`{name}` is not a KPI of template `{template}`.{did_you_mean(name, kpis)} "
                    f"Its KPIs: {', '.join(kpis) or 'none'}.")  # fmt: skip


class _Context:
    """Whether a name is a context (profile) field of the template, and a number."""

    def __init__(self, doc: LoadedDocument, template: TemplateSpec, numbers: set[str]) -> None:
        self.doc = doc
        self.template = template
        self.numbers = numbers
        self.outcomes = {
            **{m: "a measure" for m in template.measures},
            **{d.name: "a derived figure" for d in template.derived},
            **{k.name: "a KPI" for k in template.kpis},
        }

    def check(
        self,
        path: DataPath,
        name: str,
        *,
        need_number: bool = True,
        key: bool = False,
    ) -> list[Problem]:
        doc, template = self.doc, self.template
        what = "choose peers"
        if name in self.outcomes:
            return [_problem(doc, path, "peer-field-not-context",
                             f"`{name}` is {self.outcomes[name]} of template `{template.id}`, "
                             "an outcome, not the population served; only profile (context) "
                             f"fields can {what}.", key=key)]  # fmt: skip
        if name not in template.profile:
            hint = did_you_mean(name, template.profile)
            return [_problem(doc, path, "unknown-field",
                             f"`{name}` is not a profile field of template "
                             f"`{template.id}`.{hint} Use one of its profile (context) "
                             "fields.", key=key)]  # fmt: skip
        if need_number and name not in self.numbers:
            return [_problem(doc, path, "peer-field-not-number",
                             f"`{name}` is not a number field, so it cannot be banded, "
                             "or measured for distance; use `same` for text "
                             "fields.", key=key)]  # fmt: skip
        return []


def numerator_name(text: str) -> str:
    """The field a funnel's count names: ``SUM(searches)`` or ``searches``; "" if neither."""
    match = _SUM.match(text) or _NAME.match(text)
    return match.group(1) if match else ""


def _count(
    doc: LoadedDocument,
    path: DataPath,
    key: str,
    text: str,
    template: TemplateSpec,
    numbers: set[str],
) -> list[Problem]:
    name = numerator_name(text)
    if not name:
        return [_problem(doc, path, "bad-value",
                         f"`{key}` is '{text}'; write a measure as `SUM(name)` or a "
                         "profile number field by its name.")]  # fmt: skip
    if name in template.measures or (name in template.profile and name in numbers):
        return []
    if name in template.profile:
        return [_problem(doc, path, "peer-field-not-number",
                         f"`{name}` is not a number field, so a funnel cannot count or "
                         "divide by it.")]  # fmt: skip
    names = [*template.measures, *template.profile]
    return [_problem(doc, path, "unknown-field",
                     f"`{name}` is not a measure or profile number field of template "
                     f"`{template.id}`.{did_you_mean(name, names)} A funnel counts a "
                     "measure or a profile number field.")]  # fmt: skip
