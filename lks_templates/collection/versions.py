"""Collecting returns of several versions of one template: every value under the name its
field has in the template's current version, and the fields that version no longer has
flagged.

The *current* version of a template is the newest version the specs know, among the
current specs and the released snapshots alike (with only snapshots loaded, the newest
snapshot). A return's field is written under the name it has in that version, following
``renamed_from`` (:func:`~lks_templates.evolve.renames.field_map`, the one rule ``diff``
and ``migrate`` follow too); a field, derived figure or KPI that version does not have
keeps the name it had and is listed in the data package (see :class:`VersionsSeen`). The
version each value came from is in the ``template_version`` column, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lks_templates.readback.result import Return
    from lks_templates.spec.models import ResolvedTemplate
    from lks_templates.spec.specset import SpecSet


@dataclass(frozen=True)
class VersionNote:
    """How the names of one template version map onto its template's current version."""

    template_id: str
    version: str
    """The version of the return."""
    current: str
    """The template's current version (the newest the specs know)."""
    renamed: Mapping[str, str] = field(default_factory=dict)
    """Input field name in this version -> its other name in the current version."""
    renamed_from: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """Current name of each renamed field -> its kind (``profile`` or ``measure``) and the
    old names its spec declares, oldest first."""
    removed: tuple[tuple[str, str], ...] = ()
    """``(kind, name)`` of each field (``profile``, ``measure``), derived figure or KPI of
    this version that the current version does not have."""
    kpis: tuple[str, ...] = ()
    """The current version's KPIs, in the order of its spec (the columns of returns.csv)."""
    formula_changed: tuple[str, ...] = ()
    """KPIs of both versions whose formula is another in this version (so its values are
    not comparable with the current version's; see :mod:`~lks_templates.evolve.formulas`)."""


def newest(specs: SpecSet, template_id: str) -> ResolvedTemplate | None:
    """The newest version of ``template_id`` the specs know: the latest current spec or
    the latest released snapshot, whichever has the higher version (the current spec when
    they are the same version)."""
    from lks_templates.spec.crossref import version_key

    found = [r for r in (specs.resolve(template_id), specs.latest_release(template_id)) if r]
    if not found:
        return None
    return max(found, key=lambda r: version_key(r.template.version))  # first of equals


def _names(resolved: ResolvedTemplate, what: str) -> list[str]:
    return [item.name for item in getattr(resolved.template, what, [])]


def note_of(old: ResolvedTemplate, current: ResolvedTemplate) -> VersionNote:
    """The note of returns of ``old`` collected beside ``current`` (the same template)."""
    from lks_templates.evolve.formulas import changed_kpis
    from lks_templates.evolve.renames import field_map

    kpis = tuple(_names(current, "kpis"))
    head = (old.template.id, old.template.version, current.template.version)
    if old.template.version == current.template.version:
        return VersionNote(*head, kpis=kpis)
    renamed: dict[str, str] = {}
    renamed_from: dict[str, tuple[str, tuple[str, ...]]] = {}
    removed: list[tuple[str, str]] = []
    profile = set(old.profile_names)
    for name, now in field_map(old, current).items():
        kind = "profile" if name in profile else "measure"
        if now is None:
            removed.append((kind, name))
        elif now != name:
            renamed[name] = now
            renamed_from[now] = (kind, tuple(current.dataset.field(now).old_names))
    for kind, what in (("derived", "derived"), ("kpi", "kpis")):
        kept = set(_names(current, what))
        removed += [(kind, name) for name in _names(old, what) if name not in kept]
    before = set(_names(old, "kpis"))
    differ = tuple(k for k in changed_kpis(old, current, renamed) if k in before)
    return VersionNote(*head, renamed, renamed_from, tuple(removed), kpis, differ)


class CurrentNames:
    """The :class:`VersionNote` of each template version of a run, made once each."""

    def __init__(self, specs: SpecSet) -> None:
        self.specs = specs
        self.known: dict[tuple[str, str], VersionNote | None] = {}

    def note(self, result: Return) -> VersionNote | None:
        """The note of a read return; None for one not read (or of no known template)."""
        if not result.readable:
            return None
        key = (result.template_id, result.template_version)
        if key not in self.known:
            old = self.specs.resolve(*key)
            current = newest(self.specs, result.template_id)
            self.known[key] = note_of(old, current) if old and current else None
        return self.known[key]


@dataclass
class _Template:
    current: str
    versions: set[str] = field(default_factory=set)
    renamed: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """Current name -> (kind, the field's old names): the renames followed."""
    removed: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    """(kind, name) -> the versions collected that have it."""
    formula_changed: dict[str, set[str]] = field(default_factory=dict)
    """KPI -> the versions collected whose formula for it is another."""


class VersionsSeen:
    """What the data package says about versions: per template, its current version, the
    versions collected, the renames followed and the names kept that it no longer has."""

    def __init__(self) -> None:
        self.templates: dict[str, _Template] = {}

    def add(self, note: VersionNote) -> None:
        """Record one return's note."""
        seen = self.templates.setdefault(note.template_id, _Template(note.current))
        seen.versions.add(note.version)
        for now, renamed in note.renamed_from.items():
            seen.renamed.setdefault(now, renamed)
        for item in note.removed:
            seen.removed.setdefault(item, set()).add(note.version)
        for kpi in note.formula_changed:
            seen.formula_changed.setdefault(kpi, set()).add(note.version)

    @property
    def has_older(self) -> bool:
        """Whether any return collected is of a version other than its template's current."""
        return any(t.versions != {t.current} for t in self.templates.values())

    def removed_kpis(self) -> dict[str, list[tuple[str, str]]]:
        """KPI name -> (template id, current version) of each template that no longer has it."""
        found: dict[str, list[tuple[str, str]]] = {}
        for template_id in sorted(self.templates):
            seen = self.templates[template_id]
            for kind, name in seen.removed:
                if kind == "kpi":
                    found.setdefault(name, []).append((template_id, seen.current))
        return found

    def changed_formulas(self) -> dict[str, list[tuple[str, list[str]]]]:
        """KPI name -> (template id, the versions collected whose formula is another) of
        each template whose current version computes it otherwise."""
        from lks_templates.spec.crossref import version_key

        found: dict[str, list[tuple[str, list[str]]]] = {}
        for template_id in sorted(self.templates):
            for kpi, versions in self.templates[template_id].formula_changed.items():
                found.setdefault(kpi, []).append((template_id, sorted(versions, key=version_key)))
        return found

    def describe(self) -> list[dict[str, Any]]:
        """The ``lks:templates`` entries of the data package, templates by id."""
        from lks_templates.spec.crossref import version_key

        entries = []
        for template_id in sorted(self.templates):
            seen = self.templates[template_id]
            fields: list[dict[str, Any]] = []
            for now in sorted(seen.renamed):
                kind, old_names = seen.renamed[now]
                fields.append({"name": now, "kind": kind, "lks:renamed_from": list(old_names)})
            for kind, name in sorted(seen.removed, key=lambda item: item[1]):
                versions = sorted(seen.removed[(kind, name)], key=version_key)
                fields.append(
                    {
                        "name": name,
                        "kind": kind,
                        "lks:removed_in": seen.current,
                        "versions": versions,
                        "description": f"No longer in version {seen.current} of "
                        f"{template_id}: kept under its old name, for returns of version "
                        f"{', '.join(versions)}.",
                    }
                )
            for kpi in sorted(seen.formula_changed):
                versions = sorted(seen.formula_changed[kpi], key=version_key)
                fields.append(
                    {
                        "name": kpi,
                        "kind": "kpi",
                        "lks:formula_changed_in": versions,
                        "description": f"Computed by another formula in version "
                        f"{', '.join(versions)} than in {seen.current}: the values of those "
                        "returns are not comparable with the others.",
                    }
                )
            collected: list[str] = sorted(seen.versions, key=version_key)
            entries.append(
                {
                    "id": template_id,
                    "version": seen.current,
                    "versions": collected,
                    "fields": fields,
                }
            )
        return entries


def rename_rows(values: list[list[str]], problems: list[list[str]], note: VersionNote) -> None:
    """Write the renamed fields of one return under their current names, in place."""
    from lks_templates.collection.rows import PROBLEM_COLUMNS, VALUE_COLUMNS

    renamed = note.renamed
    if not renamed:
        return
    kind_at, value_at = VALUE_COLUMNS.index("kind"), VALUE_COLUMNS.index("field")
    for row in values:
        if row[kind_at] in ("profile", "measure") and row[value_at] in renamed:
            row[value_at] = renamed[row[value_at]]
    problem_at = PROBLEM_COLUMNS.index("field")
    for row in problems:
        if row[problem_at] in renamed:
            row[problem_at] = renamed[row[problem_at]]
