"""``release``: keep each template and form version, whole, as it is sent out.

A snapshot (``kind: release``) holds the template or form exactly as validated, the
definitions of the fields it uses, its dataset's id and version and its FAQ, so the
checksum (``lks_spec_sha256``) of the snapshot equals the one its workbooks carry, whatever
later happens to the dataset. Snapshots live under ``<specs>/released/<id>/<version>.yaml``
and are committed with the specs. Releasing an unchanged version again does nothing; a
released version is never overwritten: a changed spec needs a new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml

from lks_templates.atomic import write_text_atomically
from lks_templates.errors import Problem
from lks_templates.spec.models import FormSpec, ResolvedTemplate, TemplateSpec
from lks_templates.spec.specset import SpecSet

RELEASED_FOLDER = "released"
"""The folder, inside the specs folder, that holds the released snapshots."""
HEADER = (
    "# A released version, written by `lks-templates release`. Do not edit: returns of\n"
    "# this version are read against exactly what is here (its sha256 is checked).\n"
)

Outcome = Literal["released", "unchanged", "refused"]


@dataclass(frozen=True)
class Released:
    """What ``release`` did with one template or form version."""

    id: str
    version: str
    outcome: Outcome
    """``released`` (a snapshot written), ``unchanged`` (already released as it is) or
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


def snapshot(resolved: ResolvedTemplate, released: date) -> dict[str, Any]:
    """The ``kind: release`` document of ``resolved`` (plain data, ready for YAML)."""
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
    return data


def snapshot_text(resolved: ResolvedTemplate, released: date) -> str:
    """The snapshot as the YAML text ``release`` writes."""
    body = yaml.safe_dump(
        snapshot(resolved, released), sort_keys=False, allow_unicode=True, width=100
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
        if before is None and path.exists():
            # A file there that did not load as this snapshot: never overwrite it.
            before_sha = ""
        else:
            before_sha = before.sha256 if before is not None else None  # type: ignore[assignment]
        if before_sha is None:
            write_text_atomically(path, snapshot_text(resolved, when))
            report.items.append(Released(spec_id, version, "released", path))
        elif before_sha == resolved.sha256():
            report.items.append(Released(spec_id, version, "unchanged", path))
        else:
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
