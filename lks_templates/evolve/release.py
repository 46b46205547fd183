"""``release``: keep each template and form version, whole, as it is sent out.

A snapshot (``kind: release``) holds the template or form exactly as validated, the
definitions of the fields it uses, its dataset's id and version and its FAQ, so the
checksum (``lks_spec_sha256``) of the snapshot equals the one its workbooks carry, whatever
later happens to the dataset. Snapshots live under ``<specs>/released/<id>/<version>.yaml``
and are committed with the specs. Releasing an unchanged version again does nothing; a
released version is never overwritten: a changed spec needs a new version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml

from lks_templates.atomic import write_text_atomically
from lks_templates.errors import Problem
from lks_templates.spec.models import FormSpec, ReleaseLayout, ResolvedTemplate, TemplateSpec
from lks_templates.spec.specset import SpecSet

RELEASED_FOLDER = "released"
"""The folder, inside the specs folder, that holds the released snapshots."""
HEADER = (
    "# A released version, written by `lks-templates release`. Do not edit: returns of\n"
    "# this version are read against exactly what is here (its sha256 is checked).\n"
)

Outcome = Literal["released", "unchanged", "layout-added", "refused"]


@dataclass(frozen=True)
class Released:
    """What ``release`` did with one template or form version."""

    id: str
    version: str
    outcome: Outcome
    """``released`` (a snapshot written), ``unchanged`` (already released as it is),
    ``layout-added`` (released as it is, but the generator now lays its workbook out
    differently: the new layout is recorded beside the old, so returns of both read) or
    ``refused`` (released before with other definitions: the version needs a bump)."""
    path: Path


@dataclass
class ReleaseReport:
    """Everything one ``release`` run did, and the problems that stopped a version."""

    items: list[Released] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def released_path(folder: Path, spec_id: str, version: str) -> Path:
    """Where the snapshot of ``spec_id`` at ``version`` is kept under ``folder``."""
    return folder / spec_id / f"{version}.yaml"


def layout_of(resolved: ResolvedTemplate) -> ReleaseLayout:
    """Where today's generator puts the cells of ``resolved``'s workbook."""
    from lks_templates.layout import plan_workbook

    plan = plan_workbook(resolved)
    formulas: dict[str, dict[str, str]] = {}
    for (sheet, cell), text in plan.formulas.items():
        formulas.setdefault(sheet, {})[cell] = text
    return ReleaseLayout(
        sheets=[sheet.name for sheet in plan.sheets],
        names=dict(plan.defined_names),
        formulas=formulas,
        last_year=list(plan.last_year_inputs),
    )


def snapshot(
    resolved: ResolvedTemplate, released: date, layouts: Sequence[ReleaseLayout] | None = None
) -> dict[str, Any]:
    """The ``kind: release`` document of ``resolved`` (plain data, ready for YAML), with
    ``layouts`` (default: today's layout of its workbook)."""
    template = resolved.template
    used = {*resolved.profile_names, *resolved.measure_names}
    dataset = resolved.dataset
    data: dict[str, Any] = {
        "spec": 1,
        "kind": "release",
        "id": template.id,
        "version": template.version,
        "title": template.title,
        "released": released,
        "sha256": resolved.sha256(),
        # Keys at their defaults are left out, as in the checksum, to keep snapshots short.
        "template": template.model_dump(mode="json", exclude_defaults=True),
        "dataset": {
            "spec": dataset.spec,
            "kind": "dataset",
            "id": dataset.id,
            "version": dataset.version,
            "title": dataset.title,
            "fields": [
                f.model_dump(mode="json", exclude_defaults=True)
                for f in dataset.fields
                if f.name in used
            ],
        },
    }
    if resolved.faq is not None:
        data["faq"] = resolved.faq.model_dump(mode="json", exclude_defaults=True)
    chosen = [layout_of(resolved)] if layouts is None else list(layouts)
    data["layouts"] = [layout.model_dump(mode="json") for layout in chosen]
    return data


def snapshot_text(
    resolved: ResolvedTemplate, released: date, layouts: Sequence[ReleaseLayout] | None = None
) -> str:
    """The snapshot as the YAML text ``release`` writes."""
    body = yaml.safe_dump(
        snapshot(resolved, released, layouts), sort_keys=False, allow_unicode=True, width=100
    )
    return HEADER + body


def release(specs: SpecSet, folder: Path, today: date | None = None) -> ReleaseReport:
    """Snapshot the latest version of every template and form of ``specs`` into ``folder``.

    ``specs`` should hold the snapshots already under ``folder`` (load the specs folder,
    which contains it), so that a version released before is recognised. Nothing is
    written for a version whose snapshot exists; a version released with other
    definitions is ``refused`` with a ``release-conflict`` problem.
    """
    report = ReleaseReport()
    when = today or date.today()
    ids = sorted({s.id for s in specs.all() if isinstance(s, TemplateSpec | FormSpec)})
    for spec_id in ids:
        resolved = specs.resolve(spec_id)
        assert resolved is not None and not resolved.released
        version = resolved.template.version
        path = released_path(folder, spec_id, version)
        before = specs.release(spec_id, version)
        if before is None and not path.exists():
            write_text_atomically(path, snapshot_text(resolved, when))
            report.items.append(Released(spec_id, version, "released", path))
        elif before is not None and before.sha256 == resolved.sha256():
            now = layout_of(resolved)
            if now in before.layouts:
                report.items.append(Released(spec_id, version, "unchanged", path))
            else:
                # The spec is as released; only the generator's layout changed. Keep every
                # layout recorded so far, so returns of each build still read.
                layouts = [*before.layouts, now]
                text = snapshot_text(before.resolved(), before.released, layouts)
                write_text_atomically(path, text)
                report.items.append(Released(spec_id, version, "layout-added", path))
        else:
            # Released with other definitions, or a file there that did not load as this
            # version's snapshot: never overwrite it.
            report.items.append(Released(spec_id, version, "refused", path))
            report.problems.append(
                Problem(
                    "release-conflict",
                    f"`{spec_id}` version {version} was released with other definitions "
                    f"({path}); a released version is never overwritten. Bump the version "
                    "(`lks-templates diff` says which bump the change needs), then release.",
                    file=specs.source_of(resolved.template),
                )
            )
    return report


def unrecorded_layouts(specs: SpecSet) -> list[Problem]:
    """A ``layout-not-recorded`` problem for each released version (the latest of each
    template and form) whose workbook today's generator lays out in a way its snapshot
    does not record."""
    problems: list[Problem] = []
    ids = sorted({s.id for s in specs.all() if isinstance(s, TemplateSpec | FormSpec)})
    for spec_id in ids:
        resolved = specs.resolve(spec_id)
        assert resolved is not None
        before = specs.release(spec_id, resolved.template.version)
        if before is None or before.sha256 != resolved.sha256():
            continue  # not released, or changed: `diff` and `release` say so
        if layout_of(resolved) not in before.layouts:
            where = specs.release_sources.get((spec_id, before.version), "")
            problems.append(
                Problem(
                    "layout-not-recorded",
                    f"The workbook of `{spec_id}` version {before.version} is laid out "
                    "differently from every build its snapshot records, so returns of the "
                    "new build would be read against the wrong cells after the next change. "
                    "Run `lks-templates release` to record the new layout.",
                    file=where,
                )
            )
    return problems
