"""Defined names that moved: one ``moved-name`` problem per sheet, saying what happened.

Inserting one row above the entry area moves every defined name below it. Reporting each
name would bury one act in a dozen lines (internal names such as ``lks_chart_data``
included), so the moves of a sheet are described together: where rows or columns were
inserted or deleted, and whether every value could still be read by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from lks_templates.cells import column_letters
from lks_templates.errors import Problem
from lks_templates.readback.workbook import Reference
from lks_templates.words import counted


@dataclass(frozen=True)
class Move:
    """One defined name that points somewhere other than the template puts it."""

    name: str
    expected: Reference
    actual: Reference
    is_input: bool
    """Its values are read (an entry field or the reporting year)."""

    @property
    def same_shape(self) -> bool:
        """Same rows and columns as the template: its values can still be read by name."""
        return (self.actual.rows, self.actual.columns) == (
            self.expected.rows,
            self.expected.columns,
        )

    @property
    def top_left(self) -> tuple[int, int]:
        """0-based (row, column) of the template's first cell of the name."""
        return self.expected.top - 1, self.expected.left - 1


def moves_by_sheet(moves: list[Move]) -> dict[str, list[Move]]:
    """The moves of each template sheet, top to bottom, in the order sheets are first met."""
    by_sheet: dict[str, list[Move]] = {}
    for move in moves:
        by_sheet.setdefault(move.expected.sheet, []).append(move)
    return {sheet: sorted(found, key=lambda m: m.top_left) for sheet, found in by_sheet.items()}


def moved_problem(file: str, sheet: str, moves: list[Move], lost_formulas: int) -> Problem:
    """The one ``moved-name`` problem of ``sheet``.

    A warning when every value was still read by name and no formula is missing; an error
    when some field's values could not be read (its cells no longer have the template's
    shape) or formulas were typed over or deleted.
    """
    unread = [m for m in moves if m.is_input and not m.same_shape]
    consequences = []
    if unread:
        shapes = ", ".join(
            f"{m.name} ({counted(m.actual.size, 'cell')} instead of {m.expected.size:,})"
            for m in unread
        )
        consequences.append(
            f"the values of {shapes} could not be read, as they no longer match the periods"
        )
    elif any(m.is_input for m in moves):
        consequences.append("every value was still read by name")
    if lost_formulas:
        some = counted(lost_formulas, "formula") + (" was" if lost_formulas == 1 else " were")
        consequences.append(
            f"{some} typed over or deleted, so the workbook's own totals may be wrong"
        )
    error = bool(unread or lost_formulas)
    advice = (
        "Copy the figures into a fresh copy of the template and send that."
        if error
        else "Please send the template as it was given, without inserting "
        "or deleting rows or columns."
    )
    first = moves[0]
    happened = _what_happened(sheet, moves)
    message = (
        f"{happened[:1].upper()}{happened[1:]}, so the entry area moved"
        + (f"; {' and '.join(consequences)}" if consequences else "")
        + f". {advice}"
    )
    return Problem(
        code="moved-name",
        message=message,
        file=file,
        severity="error" if error else "warning",
        sheet=first.actual.sheet,
        cell=first.actual.first_cell,
        field=unread[0].name if len(unread) == 1 else "",
    )


def _what_happened(sheet: str, moves: list[Move]) -> str:
    """``rows were inserted or deleted in Data above row 26`` (and the like)."""
    parts = []
    down = [
        m for m in moves if m.actual.sheet == m.expected.sheet and m.actual.top - 1 != m.top_left[0]
    ]
    across = [
        m
        for m in moves
        if m.actual.sheet == m.expected.sheet and m.actual.left - 1 != m.top_left[1]
    ]
    inside = [
        m
        for m in moves
        if m.actual.sheet == m.expected.sheet
        and (m.actual.top - 1, m.actual.left - 1) == m.top_left
    ]
    elsewhere = sorted({m.actual.sheet for m in moves if m.actual.sheet != m.expected.sheet})
    if down:
        row = min(m.top_left[0] for m in down) + 1
        parts.append(f"rows were inserted or deleted in {sheet} above row {row}")
    if across:
        column = column_letters(min(m.top_left[1] for m in across) + 1)
        parts.append(f"columns were inserted or deleted in {sheet} left of column {column}")
    if inside and not (down or across):
        parts.append(f"cells were inserted or deleted inside the entry area of {sheet}")
    if elsewhere:
        parts.append(f"defined names of {sheet} now point at {', '.join(elsewhere)}")
    return " and ".join(parts)
