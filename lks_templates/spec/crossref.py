"""Checks across spec files: ids and versions, datasets, fields and FAQs that specs name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lks_templates.errors import Problem
from lks_templates.spec.loader import LoadedDocument, Position
from lks_templates.spec.models import (
    AnySpec,
    DatasetSpec,
    Derived,
    FaqSpec,
    FieldSpec,
    FormSpec,
    Kpi,
    Rule,
    TemplateSpec,
)
from lks_templates.spec.names import did_you_mean
from lks_templates.spec.validate import problem_at


@dataclass(frozen=True)
class Checked:
    """One spec file after its own checks: the document, and the spec when it is valid."""

    doc: LoadedDocument
    spec: AnySpec | None


def version_key(version: str) -> tuple[int, int, int, int, str]:
    """Sort key for a semantic version: releases after their pre-releases."""
    core = version.partition("+")[0]
    release, dash, pre = core.partition("-")
    parts = [int(p) if p.isdigit() else 0 for p in release.split(".")[:3]]
    while len(parts) < 3:
        parts.append(0)
    return parts[0], parts[1], parts[2], 0 if dash else 1, pre


def latest(specs: Iterable[AnySpec]) -> AnySpec | None:
    """The spec with the highest version, or None."""
    return max(specs, key=lambda s: version_key(s.version), default=None)


def raw_ids(checked: Sequence[Checked]) -> dict[str, set[str]]:
    """Kind -> ids written in every file, valid or not (to avoid cascades of problems)."""
    found: dict[str, set[str]] = {}
    for item in checked:
        kind, spec_id = item.doc.data.get("kind"), item.doc.data.get("id")
        if isinstance(kind, str) and isinstance(spec_id, str):
            found.setdefault(kind, set()).add(spec_id)
    return found


def duplicate_ids(checked: Sequence[Checked]) -> list[Problem]:
    """Two specs with the same id and version (the same id at two versions is fine)."""
    problems: list[Problem] = []
    first: dict[tuple[str, str, bool], tuple[str, Position]] = {}
    for item in checked:
        spec_id, version = item.doc.data.get("id"), item.doc.data.get("version")
        if not isinstance(spec_id, str) or not isinstance(version, str):
            continue
        where = item.doc.value_position(("id",))
        # A released snapshot shares its template's id and version by design; two
        # snapshots of one version are the duplicate.
        key = (spec_id, version, item.doc.data.get("kind") == "release")
        if key in first:
            file, position = first[key]
            problems.append(problem_at(item.doc, where, "duplicate-id",
                                       f"`{spec_id}` version {version} is also defined in "
                                       f"{file}:{position.line}; bump the `version` of the "
                                       "newer one or change its `id`."))  # fmt: skip
        else:
            first[key] = (item.doc.file, where)
    return problems


def resolve_dataset(
    item: Checked, datasets: Mapping[str, DatasetSpec], known: set[str]
) -> tuple[DatasetSpec | None, list[Problem]]:
    """The dataset a template or form names, or an ``unknown-dataset`` problem.

    A dataset id that is written in some file which failed its own checks is known but
    unusable: that file's problems are reported already, so nothing more is said here.
    """
    spec = item.spec
    assert isinstance(spec, TemplateSpec | FormSpec)
    if spec.dataset in datasets:
        return datasets[spec.dataset], []
    if spec.dataset in known:
        return None, []
    hint = did_you_mean(spec.dataset, known)
    where = item.doc.value_position(("dataset",))
    available = ", ".join(sorted(known)) or "none found"
    return None, [problem_at(item.doc, where, "unknown-dataset",
                             f"No dataset spec has the id `{spec.dataset}`.{hint} Datasets "
                             f"found: {available}.")]  # fmt: skip


def field_references(item: Checked, dataset: DatasetSpec) -> list[Problem]:
    """Profile, measures, form fields and chart series name fields that exist."""
    spec = item.spec
    doc = item.doc
    known = {f.name: f for f in dataset.fields}
    problems: list[Problem] = []
    lists: list[tuple[str, list[str]]] = []
    if isinstance(spec, TemplateSpec):
        lists = [("profile", spec.profile), ("measures", spec.measures)]
    elif isinstance(spec, FormSpec):
        lists = [("fields", spec.fields)]
    for key, names in lists:
        for index, name in enumerate(names):
            where = doc.value_position((key, index))
            if name not in known:
                problems.append(
                    problem_at(
                        doc,
                        where,
                        "unknown-field",
                        f"`{name}` is not a field of dataset "
                        f"`{dataset.id}`.{did_you_mean(name, known)} Add it "
                        "to the dataset or correct the name.",
                    )
                )
            elif key == "measures" and _weight_missing(known[name], names, known):
                weight = known[name].weighted_by
                problems.append(
                    problem_at(
                        doc,
                        where,
                        "weight-not-measure",
                        f"`{name}` has its Year to date weighted by `{weight}` (dataset "
                        f"`{dataset.id}`), which is not a measure of this template; add "
                        f"`{weight}` to `measures`.",
                    )
                )
            elif key == "measures" and known[name].frequency == "annual":
                problems.append(
                    problem_at(
                        doc,
                        where,
                        "annual-measure",
                        f"`{name}` is an annual field (one value per "
                        "return), so it cannot be entered per period; move "
                        "it to `profile`.",
                    )
                )
    if isinstance(spec, TemplateSpec):
        problems += _series(doc, spec, known) + _clashes(doc, spec, known)
    return problems


def _weight_missing(
    field: FieldSpec, measures: Sequence[str], fields: Mapping[str, FieldSpec]
) -> bool:
    """A ``weighted_by`` mean whose weight the template does not enter (a weight that
    cannot weight, no monthly number field, is the dataset's ``bad-weight``, not said
    again here)."""
    weight = field.weighted_by
    if field.aggregate != "mean" or weight is None or weight not in fields or weight in measures:
        return False
    other = fields[weight]
    return other.frequency == "monthly" and other.type in ("number", "integer")


_NOT_ADDITIVE = {
    "mean": "is a score or rate (`aggregate: mean`), so adding its periods up means nothing",
    "last": "is counted at a moment (`aggregate: last`), so adding its periods up counts "
    "the same things again every period",
    "none": "cannot be combined across periods (`aggregate: none`)",
}
"""Why a running total of a field with each non-additive aggregate is wrong."""


def _series(
    doc: LoadedDocument, spec: TemplateSpec, fields: Mapping[str, FieldSpec]
) -> list[Problem]:
    plottable = [*spec.measures, *(d.name for d in spec.derived)]
    problems: list[Problem] = []
    for chart_index, chart in enumerate(spec.charts):
        for index, name in enumerate(chart.series):
            where = doc.value_position(("charts", chart_index, "series", index))
            if name in plottable:
                if chart.cumulative and name in spec.measures and name in fields:
                    problems += _cumulative(doc, where, fields[name])
                continue
            problems.append(
                problem_at(
                    doc,
                    where,
                    "unknown-field",
                    f"`{name}` is not a measure or derived figure of this "
                    f"template.{did_you_mean(name, plottable)} A chart "
                    "plots measures and derived figures only.",
                )
            )
    return problems


def _cumulative(doc: LoadedDocument, where: Position, field: FieldSpec) -> list[Problem]:
    """A year-to-date (running total) series must be of a field whose periods add up."""
    if field.aggregate == "sum":
        return []
    return [problem_at(doc, where, "cumulative-not-additive",
                       f"`{field.name}` {_NOT_ADDITIVE[field.aggregate]}; a running total of "
                       "it would mislead. Remove `cumulative: true` from this chart to plot "
                       "each period's value, or chart a field with `aggregate: sum`.")]  # fmt: skip


def _clashes(
    doc: LoadedDocument, spec: TemplateSpec, fields: Mapping[str, object]
) -> list[Problem]:
    """Derived figures, KPIs and rules must not take a dataset field's name."""
    problems: list[Problem] = []
    groups: list[tuple[str, Sequence[Derived | Kpi | Rule]]] = [
        ("derived", spec.derived),
        ("kpis", spec.kpis),
        ("rules", spec.rules),
    ]
    for group, items in groups:
        for index, named in enumerate(items):
            if named.name in fields:
                where = doc.value_position((group, index, "name"))
                problems.append(
                    problem_at(
                        doc,
                        where,
                        "duplicate-name",
                        f"`{named.name}` is already a field of the dataset; choose another name.",
                    )
                )
    return problems


def faq_reference(item: Checked, faqs: Mapping[str, FaqSpec], known: set[str]) -> list[Problem]:
    """A template's or form's ``faq`` names an FAQ spec that exists."""
    spec = item.spec
    if not isinstance(spec, TemplateSpec | FormSpec) or spec.faq is None:
        return []
    if spec.faq in faqs or spec.faq in known:
        return []
    where = item.doc.value_position(("faq",))
    return [problem_at(item.doc, where, "unknown-faq",
                       f"No FAQ spec has the id `{spec.faq}`.{did_you_mean(spec.faq, known)} "
                       "Correct the id or remove the `faq` key.")]  # fmt: skip
