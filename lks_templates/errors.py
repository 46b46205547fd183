"""Problems and exceptions.

Every mistake a user can make is reported as a :class:`Problem`: a stable code, a
plain-English message that says what to do, and a position (a spec file with line and
column, or a workbook with sheet and cell). The library never prints and never exits;
the CLI turns problems into lines and exit codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

from lks_templates.codes import check_code

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem.

    For a spec, ``file``, ``line`` and ``column`` (1-based) point at the offending key or
    value. For a workbook, ``file``, ``sheet`` and ``cell`` (``A1`` style) do, with
    ``field`` and ``period`` naming what the cell holds.
    """

    code: str
    """Stable, kebab-case identifier, e.g. ``unknown-key`` or ``type-error``; one of
    :data:`lks_templates.codes.CATALOGUE` (any other raises :class:`ValueError`)."""
    message: str
    """A sentence a library manager or maintainer understands, saying what to do."""
    file: str = ""
    """The spec file, workbook or path concerned, as given."""
    line: int | None = None
    """1-based line in a spec file; None for a workbook or a whole file."""
    column: int | None = None
    """1-based column in a spec file."""
    severity: Severity = "error"
    """``error`` (must be fixed) or ``warning`` (worth a look); each code has its own."""
    sheet: str = ""
    """The workbook sheet concerned, if any."""
    cell: str = ""
    """The cell concerned (``A1`` style), if any."""
    field: str = ""
    """The spec field (or derived figure, KPI, rule) the cell holds, if any."""
    period: str = ""
    """The period key (``m01``-``m12``, ``q1``-``q4``, ``year``) of the cell, if any."""

    def __post_init__(self) -> None:
        # An unknown code is a programming error: catch it where the problem is made.
        check_code(self.code, self.severity)

    @property
    def location(self) -> str:
        """``file:line:col`` for specs, ``file Sheet!A1`` for workbooks, or just ``file``."""
        if self.line is not None:
            return f"{self.file}:{self.line}:{self.column or 1}"
        if self.sheet:
            where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
            return f"{self.file} {where}" if self.file else where
        return self.file

    def format(self) -> str:
        """One line, ``LOCATION: CODE message`` (black and compilers use this shape)."""
        where = self.location
        return f"{where}: {self.code} {self.message}" if where else f"{self.code} {self.message}"

    def as_dict(self) -> dict[str, object]:
        """Every field by name, as for JSON or a table row."""
        return asdict(self)


NO_SUCH_PATH = "No such file or folder; check the path."
"""What every command and the library say of a path that does not exist."""


def missing_path(path: str | object) -> Problem:
    """The ``missing-path`` problem for ``path``: printed as
    ``PATH: missing-path No such file or folder; check the path.``"""
    return Problem("missing-path", NO_SUCH_PATH, file=str(path))


@dataclass
class LksError(Exception):
    """Base of the exceptions the library raises for a user's mistake."""

    problems: Sequence[Problem] = field(default_factory=list)
    """Every problem found, sorted by place."""

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    def summary(self) -> str:
        """One line per problem (:meth:`Problem.format`), or the class name when none."""
        lines = [p.format() for p in self.problems]
        return "\n".join(lines) if lines else type(self).__name__

    def __str__(self) -> str:
        return self.summary()


class SpecError(LksError):
    """One or more specs are invalid; ``problems`` holds every problem found."""


class BuildError(LksError):
    """A workbook could not be built or checked."""


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Stable order for reports: by file, then line and column, then code."""
    return sorted(
        problems,
        key=lambda p: (p.file, p.line or 0, p.column or 0, p.sheet, p.cell, p.code, p.message),
    )
