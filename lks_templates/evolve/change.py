"""One change between two versions of a spec, and the semver bump it needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from lks_templates.evolve.locate import Place

Bump = Literal["major", "minor", "patch"]
BUMP_RANK: dict[str, int] = {"none": 0, "patch": 1, "minor": 2, "major": 3}
"""The order of bumps, smallest first (``none``: no change at all)."""


@dataclass(frozen=True)
class Change:
    """One difference between two versions, where it is written in the newer one."""

    kind: str
    """What sort of change, e.g. ``field-renamed``, ``kpi-formula``, ``faq-answer``."""
    what: str
    """The name of what changed: a field, derived figure, KPI, rule, chart title, question."""
    bump: Bump
    """The smallest semver bump this change needs."""
    file: str
    """The newer spec file it is written in."""
    line: int | None
    """1-based line in ``file`` (None when the file is not known)."""
    column: int | None
    """1-based column in ``file``."""
    message: str
    """What changed, in a few words (``profile field removed: nhs_region``)."""

    @property
    def location(self) -> str:
        """``file:line:col``, or the file alone when the line is not known."""
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"

    def format(self) -> str:
        """One line: ``FILE:LINE:COL: BUMP message``, for an editor to jump to."""
        where = self.location
        return f"{where}: {self.bump} {self.message}" if where else f"{self.bump} {self.message}"


def needed_bump(changes: Sequence[Change]) -> str:
    """The largest bump any change needs, or ``none`` when there is no change."""
    return max((c.bump for c in changes), key=BUMP_RANK.__getitem__, default="none")


def make_change(kind: str, what: str, bump: Bump, place: Place, message: str) -> Change:
    return Change(kind, what, bump, place.file, place.line, place.column, message)


def shown(value: Any) -> str:
    """A value as a message shows it: short, one line."""
    if value is None or value == "":
        return "(none)"
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."
