"""Whether a version bump is enough for what changed, per template or form id.

The bump a version made is read from the two versions (``2.4.0 -> 3.0.0`` is major); it is
enough when it is at least the bump the largest change needs (:func:`~lks_templates.evolve.
diff.needed_bump`). A version that went down, or stayed the same over a change, is never
enough. Two rules keep the arithmetic simple (``docs/evolving-specs.md``):

- before 1.0.0 every bump shifts one place, as Cargo reads semver: ``0.3.0 -> 0.4.0`` is a
  major bump, ``0.3.0 -> 0.3.1`` a minor one (and so enough for a patch);
- between pre-releases of one version, or from a pre-release to its version (``3.0.0-rc.1
  -> 3.0.0``), anything goes: a pre-release promises no compatibility.

:func:`against_releases` compares each current spec with its latest released snapshot
(``diff`` with no arguments, and ``check``); :func:`between` compares two sets of specs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from lks_templates.evolve.diff import BUMP_RANK, Change, compare, needed_bump
from lks_templates.evolve.locate import Documents, locator
from lks_templates.spec.crossref import version_key
from lks_templates.spec.models import FormSpec, ResolvedTemplate, TemplateSpec
from lks_templates.spec.specset import SpecSet

VersionStep = Literal["major", "minor", "patch", "pre-release", "none", "down"]
Note = Literal["", "not-released", "only-old", "only-new"]


def _core(version: str) -> tuple[int, int, int]:
    major, minor, patch, _final, _pre = version_key(version)
    return major, minor, patch


def version_step(old: str, new: str) -> VersionStep:
    """The bump from version ``old`` to ``new``: ``major``, ``minor``, ``patch``,
    ``pre-release`` (the same version number, a later pre-release or the release itself),
    ``none`` (the same version) or ``down``."""
    if version_key(new) < version_key(old):
        return "down"
    if version_key(new) == version_key(old):
        return "none"
    before, after = _core(old), _core(new)
    if before == after:
        return "pre-release"
    if after[0] > before[0]:
        return "major"
    if before[0] == 0:
        # Before 1.0.0 the places shift: the second number is the breaking one.
        return "major" if after[1] > before[1] else "minor"
    return "minor" if after[1] > before[1] else "patch"


def is_enough(needed: str, old: str, new: str) -> bool:
    """Whether going from version ``old`` to ``new`` is bump enough for ``needed``."""
    step = version_step(old, new)
    if step == "down":
        return False
    if step == "pre-release":
        return True
    return BUMP_RANK[step] >= BUMP_RANK[needed]


def next_version(old: str, needed: str) -> str:
    """The smallest version after ``old`` with the ``needed`` bump (``old`` when none)."""
    major, minor, patch = _core(old)
    if needed == "none":
        return old
    if major == 0:
        return f"0.{minor + 1}.0" if needed == "major" else f"0.{minor}.{patch + 1}"
    if needed == "major":
        return f"{major + 1}.0.0"
    if needed == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


_STEP_WORDS = {
    "none": "the version is unchanged",
    "down": "the version went down",
    "patch": "a patch bump",
    "minor": "a minor bump",
}


@dataclass(frozen=True)
class Verdict:
    """One template or form id: its two versions, what changed and whether the bump is
    enough."""

    id: str
    old_version: str | None
    """The older version (the latest released one, or the OLD side's); None when absent."""
    new_version: str | None
    """The newer version (the current spec, or the NEW side's); None when absent."""
    changes: list[Change] = field(default_factory=list)
    note: Note = ""
    """``not-released`` (nothing to compare with), ``only-old``, ``only-new``, or empty."""

    @property
    def needed(self) -> str:
        """The largest bump the changes need: ``major``, ``minor``, ``patch`` or ``none``."""
        return needed_bump(self.changes)

    @property
    def enough(self) -> bool:
        """Whether the version bump made is at least the bump needed (True when there is
        nothing to compare)."""
        if self.old_version is None or self.new_version is None:
            return True
        if not self.changes and self.needed == "none":
            return version_step(self.old_version, self.new_version) != "down"
        return is_enough(self.needed, self.old_version, self.new_version)

    def summary(self) -> str:
        """The verdict line, e.g. ``staffing-and-finance 2.4.0 -> 3.0.0: needs a major bump;
        3.0.0 is enough.``"""
        if self.note == "not-released":
            return (
                f"{self.id} {self.new_version}: not released yet, nothing to compare with "
                "(`lks-templates release` records it)."
            )
        if self.note == "only-old":
            return f"{self.id} {self.old_version}: only in OLD (no longer in NEW)."
        if self.note == "only-new":
            return f"{self.id} {self.new_version}: new, not in OLD."
        assert self.old_version is not None and self.new_version is not None
        head = f"{self.id} {self.old_version} -> {self.new_version}"
        if self.needed == "none":
            if self.enough:
                return f"{head}: no changes."
            return f"{head}: no changes, but the version went down."
        if self.enough:
            return f"{head}: needs a {self.needed} bump; {self.new_version} is enough."
        step = _STEP_WORDS[version_step(self.old_version, self.new_version)]
        return (
            f"{head}: needs a {self.needed} bump; {self.new_version} is not enough "
            f"({step}): make it {next_version(self.old_version, self.needed)}."
        )

    def lines(self) -> list[str]:
        """Each change (``FILE:LINE:COL: BUMP what changed``), then the verdict."""
        return [*(c.format() for c in self.changes), self.summary()]


def template_ids(specs: SpecSet) -> list[str]:
    """The ids of every template and form, current or released only, sorted."""
    ids = {s.id for s in specs.all() if isinstance(s, TemplateSpec | FormSpec)}
    return sorted(ids | {r.id for r in specs.releases})


def verdict(
    old: ResolvedTemplate | None,
    new: ResolvedTemplate | None,
    new_specs: SpecSet | None,
    docs: Documents | None = None,
) -> Verdict:
    """Compare two versions of one id (``new_specs`` locates the changes in ``new``)."""
    if new is None:
        assert old is not None
        return Verdict(old.template.id, old.template.version, None, note="only-old")
    if old is None:
        return Verdict(new.template.id, None, new.template.version, note="only-new")
    changes = compare(old, new, locator(new_specs, new, docs))
    return Verdict(new.template.id, old.template.version, new.template.version, changes)


def against_releases(specs: SpecSet, ids: Iterable[str] | None = None) -> list[Verdict]:
    """Each current template and form of ``specs`` (its latest version) against its latest
    released snapshot; ``not-released`` when it has none."""
    docs = Documents()
    verdicts: list[Verdict] = []
    for spec_id in sorted(ids) if ids is not None else template_ids(specs):
        current = specs.get(spec_id)
        if not isinstance(current, TemplateSpec | FormSpec):
            continue  # released only: no current spec to check
        new = specs.resolve(spec_id)
        assert new is not None
        old = specs.latest_release(spec_id)
        if old is None:
            verdicts.append(Verdict(spec_id, None, current.version, note="not-released"))
            continue
        verdicts.append(verdict(old, new, specs, docs))
    return verdicts


def between(
    old_specs: SpecSet, new_specs: SpecSet, ids: Iterable[str] | None = None
) -> list[Verdict]:
    """Each template and form id of either set (or of ``ids``): the latest version in
    ``old_specs`` against the latest in ``new_specs``."""
    docs = Documents()
    wanted = set(ids) if ids is not None else {*template_ids(old_specs), *template_ids(new_specs)}
    return [
        verdict(old_specs.resolve(spec_id), new_specs.resolve(spec_id), new_specs, docs)
        for spec_id in sorted(wanted)
        if old_specs.resolve(spec_id) is not None or new_specs.resolve(spec_id) is not None
    ]
