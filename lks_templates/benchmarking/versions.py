"""Benchmarking returns of several versions of one template.

Every return is read against its own version (a released snapshot for an old one) and
compared under the template's current version: its fields under their current names
(through ``renamed_from``, as ``collect`` writes them, see
:mod:`~lks_templates.collection.versions`), so peer groups and funnels find them. A KPI
is compared by name, and only where it means the same: a return of a version whose
formula for that KPI differs from the current one's (derived figures it uses written out,
renamed fields followed, see :mod:`~lks_templates.evolve.formulas`), or that has no
such KPI, is left out of that KPI with a ``kpi-changed`` warning; its other KPIs count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from lks_templates.collection.versions import CurrentNames, VersionNote, newest
from lks_templates.errors import Problem
from lks_templates.evolve.formulas import changed_kpis
from lks_templates.readback.result import Return
from lks_templates.spec.specset import SpecSet


def aligned(result: Return, note: VersionNote, changed: Mapping[str, str]) -> Return:
    """A copy of ``result`` under the current version's names, without the KPIs whose
    meaning changed (blank, so they do not count)."""
    renamed = note.renamed

    def name(field: str) -> str:
        return renamed.get(field, field)

    return replace(
        result,
        profile={name(k): v for k, v in result.profile.items()},
        measures={name(k): v for k, v in result.measures.items()},
        kpis={k: (None if k in changed else v) for k, v in result.kpis.items()},
        problems=[replace(p, field=name(p.field)) if p.field else p for p in result.problems],
        raw_errors={(name(f), key): v for (f, key), v in result.raw_errors.items()},
        locations={(name(f), key): v for (f, key), v in result.locations.items()},
    )


class Versions:
    """The returns of one template aligned on its current version, and what changed."""

    def __init__(self, specs: SpecSet, template_id: str) -> None:
        self.specs = specs
        self.current = newest(specs, template_id)
        self.names = CurrentNames(specs)
        self.changes: dict[str, dict[str, str]] = {}
        """File -> KPI -> why it is not compared, for each return of an older version."""
        self._known: dict[str, dict[str, str]] = {}

    def align(self, results: Sequence[Return]) -> list[Return]:
        """``results``, each of an older version of the template under its current names."""
        return [self._align(result) for result in results]

    def align_one(self, result: Return) -> Return:
        """One return of an older version of the template under its current names."""
        return self._align(result)

    def _align(self, result: Return) -> Return:
        note = self.names.note(result)
        current = self.current
        if note is None or current is None or result.template_id != current.template.id:
            return result
        if note.version == note.current:
            return result
        if note.version not in self._known:
            old = self.specs.resolve(result.template_id, note.version)
            found = changed_kpis(old, current, note.renamed) if old is not None else {}
            self._known[note.version] = found
        changed = self._known[note.version]
        self.changes[result.file] = changed
        return aligned(result, note, changed)

    def problems(self, compared: Callable[[str], bool], kpis: Sequence[str]) -> list[Problem]:
        """A ``kpi-changed`` warning for each KPI of ``kpis`` left out of a compared return."""
        found = []
        for file, changed in self.changes.items():
            if not compared(file):
                continue
            for kpi in kpis:
                if kpi in changed:
                    found.append(
                        Problem(
                            "kpi-changed",
                            f"This return is not compared on `{kpi}`: {changed[kpi]}. Its "
                            "other KPIs are compared.",
                            file=file,
                            severity="warning",
                            field=kpi,
                        )
                    )
        return found
