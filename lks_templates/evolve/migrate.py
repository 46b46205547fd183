"""``migrate`` and ``rollover`` on files: read a return, carry it, build the new workbook.

- :func:`migrate_file`: a filled return into another (by default the latest) version of
  its template, the same year, every value that can be carried exactly.
- :func:`rollover_file`: next year's workbook of the same template (its latest version)
  for the same service, this year's figures as last year's.
- :func:`migrate_folder`: every return under a folder, each written under the same name
  (and subfolder) in another folder; one bad file never stops the others.

The input is only read. The output is built by :func:`lks_templates.build.build_workbook`,
so it is a normal workbook of the new version (its properties, checksum and contract),
written atomically: a failure leaves no half-written file. What was carried is in
:mod:`lks_templates.evolve.carry`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from lks_templates.errors import Problem
from lks_templates.evolve.carry import Carry, carry_return, roll_over
from lks_templates.readback.context import ReadContext
from lks_templates.readback.contract import contract_for
from lks_templates.readback.read import read_return
from lks_templates.readback.result import Return
from lks_templates.spec.crossref import version_key
from lks_templates.spec.models import ResolvedTemplate
from lks_templates.spec.specset import SpecSet


@dataclass
class Migrated:
    """What happened to one return."""

    file: str
    """The return, as given."""
    out: Path | None = None
    """The workbook written; None when nothing was written."""
    template_id: str = ""
    from_version: str = ""
    """The return's version."""
    to_version: str = ""
    """The version written (empty when nothing was)."""
    carry: Carry | None = None
    """What was carried (None when the return was not carried at all)."""
    problems: list[Problem] = field(default_factory=list)
    """Why the file was not migrated (unreadable, ``cannot-migrate``), or one
    ``not-carried`` problem per value left out."""
    own_problems: list[Problem] = field(default_factory=list)
    """The return's own problems, as read-back reports them (for the report; values with
    an error there were not carried)."""

    @property
    def complete(self) -> bool:
        """Written, with every value the return held carried."""
        return self.out is not None and not self.problems


@dataclass
class FolderReport:
    """Every return under a folder, and the places that could not be searched."""

    items: list[Migrated] = field(default_factory=list)
    not_searched: list[Problem] = field(default_factory=list)


Carrier = Callable[[Return, ResolvedTemplate, ResolvedTemplate, Collection[str] | None], Carry]


def migrate_file(
    path: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    specs: SpecSet,
    to: str | None = None,
    file: str | None = None,
    context: ReadContext | None = None,
) -> Migrated:
    """Carry the return at ``path`` into version ``to`` of its template (default its
    latest version among ``specs``, current or released) and write it to ``out``."""
    return _one(path, out, specs, file, context, to=to, carrier=carry_return)


def rollover_file(
    path: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    specs: SpecSet,
    file: str | None = None,
    context: ReadContext | None = None,
) -> Migrated:
    """Write next year's workbook of the return at ``path`` to ``out``: the latest version
    of its template, the profile carried (but ``rollover: clear`` fields), the reporting
    year plus one, this year's period values under ``lks_last_year_<measure>``."""
    return _one(path, out, specs, file, context, to=None, carrier=roll_over)


def migrate_folder(
    folder: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    specs: SpecSet,
    to: str | None = None,
    rollover: bool = False,
) -> FolderReport:
    """Migrate (or, with ``rollover``, roll over) every return under ``folder`` into
    ``out``, each under its path relative to ``folder``. Files already under ``out`` (when
    it is inside ``folder``) are not read."""
    from lks_templates.collection import search_returns

    root, target = Path(folder), Path(out)
    found = search_returns([root])
    report = FolderReport(not_searched=list(found.problems))
    context = ReadContext()
    for path in found.files:
        if _inside(path, target):
            continue
        relative = path.relative_to(root)
        destination = target / relative
        shown = path.as_posix()
        if rollover:
            item = rollover_file(path, destination, specs=specs, file=shown, context=context)
        else:
            item = migrate_file(path, destination, specs=specs, to=to, file=shown, context=context)
        report.items.append(item)
    return report


def _one(
    path: str | os.PathLike[str],
    out: str | os.PathLike[str],
    specs: SpecSet,
    file: str | None,
    context: ReadContext | None,
    *,
    to: str | None,
    carrier: Carrier,
) -> Migrated:
    label = str(path) if file is None else file
    context = ReadContext() if context is None else context
    source = read_return(path, specs=specs, file=label, context=context)
    item = Migrated(
        file=label, template_id=source.template_id, from_version=source.template_version
    )
    if not source.readable:
        item.problems = list(source.problems)
        return item
    item.own_problems = list(source.problems)
    old = specs.resolve(source.template_id, source.template_version, source.spec_sha256)
    assert old is not None, "a readable return resolved to its spec"
    new = _target(specs, source, to, rollover=carrier is roll_over, problems=item.problems)
    if new is None:
        return item
    # Which measures have last year's cells in the new version: its read-back contract says.
    blocks = set(contract_for(new, context).last_year)
    carry = carrier(source, old, new, blocks)
    item.carry = carry
    item.problems = list(carry.problems)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    item.out = _build(new, Path(out), carry)
    item.to_version = new.template.version
    return item


def _build(new: ResolvedTemplate, out: Path, carry: Carry) -> Path:
    from lks_templates.build import build_workbook

    return build_workbook(new, out, values=carry.values, last_year=carry.last_year or None)


def _target(
    specs: SpecSet, source: Return, to: str | None, *, rollover: bool, problems: list[Problem]
) -> ResolvedTemplate | None:
    """The version to carry ``source`` into; None, with a ``cannot-migrate`` problem, when
    there is none."""
    spec_id, version = source.template_id, source.template_version
    if rollover and source.kind == "form":
        problems.append(
            _cannot(source, f"`{spec_id}` is a form: it has no reporting year to roll over.")
        )
        return None
    target = specs.resolve(spec_id, to)
    if target is None:
        known = ", ".join(versions_of(specs, spec_id)) or "none"
        problems.append(
            _cannot(
                source,
                f"`{spec_id}` has no version {to} among the specs (versions: {known}); "
                "choose one of them with --to.",
            )
        )
        return None
    if version_key(target.template.version) < version_key(version):
        problems.append(
            _cannot(
                source,
                f"The return is `{spec_id}` {version}, newer than {target.template.version}: "
                "a return is only carried forward. Choose a later version with --to.",
            )
        )
        return None
    return target


def versions_of(specs: SpecSet, spec_id: str) -> list[str]:
    """Every version of a template or form among the current specs and released
    snapshots, oldest first."""
    found = {s.version for s in [*specs.templates, *specs.forms] if s.id == spec_id}
    found |= {r.version for r in specs.releases_of(spec_id)}
    return sorted(found, key=version_key)


def _cannot(source: Return, message: str) -> Problem:
    return Problem("cannot-migrate", message, file=source.file)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
