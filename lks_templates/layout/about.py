"""The About sheet: what the workbook is for, what to do, the data dictionary and the FAQ."""

from __future__ import annotations

import math
from collections.abc import Sequence

from lks_templates.layout.fields import aggregate_words
from lks_templates.layout.model import SheetPlan
from lks_templates.spec.models import FaqSpec, FieldSpec, FormSpec, ResolvedTemplate

ABOUT = "About"
# Column widths (characters) of the data dictionary: field, definition, unit, guidance,
# standard, name in the workbook.
WIDTHS = [28.0, 44.0, 12.0, 48.0, 14.0, 24.0]
FIRST = 1
LAST = FIRST + len(WIDTHS) - 1
LINE_HEIGHT = 13.0
DEFAULT_SEND_TO = (
    "Your regional library and knowledge services lead, or whoever asked you for the return."
)


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (a safe estimate)."""
    per_line = max(int(width * 1.2), 8)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


CHECK_ADVICE = {
    "error": "An error must be fixed before sending.",
    "warning": "A warning asks for a second look: fix the figure or confirm it.",
}


def split_message(message: str) -> tuple[str, str]:
    """A check's message as (what is wrong, what to do): split after its first clause.

    The first clause names the check in the Figure column, like a figure's title; the
    advice goes to Notes, so the narrow Figure column is not crammed with the whole text.
    """
    text = " ".join(message.split())
    cuts = [at for at in (text.find(". "), text.find("; ")) if at != -1]
    if not cuts:
        return text, ""
    at = min(cuts)
    rest = text[at + 2 :]
    return text[:at] + ".", rest[:1].upper() + rest[1:]


class About:
    """Lays out the About sheet."""

    def __init__(
        self, resolved: ResolvedTemplate, faq: FaqSpec | None, notes: Sequence[str] = ()
    ) -> None:
        self.resolved = resolved
        self.notes = tuple(notes)
        self.spec = resolved.template
        self.faq = faq
        self.sheet = SheetPlan(ABOUT, tab_color="#768692")
        self.row = 0

    def build(self) -> SheetPlan:
        s, spec = self.sheet, self.spec
        s.put(0, FIRST, spec.title, style="title")
        s.row_heights[0] = 28
        dataset = self.resolved.dataset
        s.put(
            1,
            FIRST,
            f"Template {spec.id} version {spec.version} · fields from "
            f"{dataset.id} version {dataset.version}",
            style="subtitle",
        )
        self.row = 3
        if spec.description:
            self._heading("What this workbook is for")
            self._paragraph(spec.description)
        self._heading("What to do")
        for number, step in enumerate(self._steps(), start=1):
            self._paragraph(f"{number}. {step}")
        self._heading("Where to send it")
        self._paragraph(spec.send_to or DEFAULT_SEND_TO)
        if self.notes:  # only when a tool filled figures in: blank templates stay as built
            self._heading("Notes on this workbook")
            for note in self.notes:
                self._paragraph(note)
        self._dictionary()
        if not isinstance(spec, FormSpec):
            self._calculations()
        if self.faq is not None:
            self._faq(self.faq)
        for offset, width in enumerate(WIDTHS):
            s.column_widths[FIRST + offset] = width
        s.column_widths[0] = 1.5
        s.page.fit_width = 1
        s.page.landscape = True
        return s

    def _steps(self) -> list[str]:
        if isinstance(self.spec, FormSpec):
            return [
                "Go to the Form sheet and fill in the white cells, one per question. "
                "Questions marked (required) must be answered; they are yellow while blank.",
                "Select a cell to see what it should hold.",
                "Look at the Checks sheet and fix anything marked Fix.",
                "Save the workbook and send it on (see below).",
            ]
        return [
            "Go to the Data sheet and type the reporting year (e.g. 2026 for April 2026 to "
            "March 2027), then the details of your service.",
            {
                "monthly": "Each month, type your figures into the white cells of that "
                "month's column. ",
                "quarterly": "Each quarter, type your figures into the white cells of that "
                "quarter's column. ",
                "annual": "Type the year's figures into the white cells of the year's column. ",
            }[self.spec.period.frequency]
            + "Entries marked (required) must be filled in (they are yellow while blank); "
            "leave a cell blank when you have no figure, do not type 0 for unknown.",
            "Select a cell to see its definition and how to count it (also in "
            "the data dictionary below).",
            "Look at the Checks sheet and fix anything marked Fix; the Dashboard shows your "
            "figures, targets and charts as you type.",
            "Save the workbook and send it on (see below). Do not rename sheets or move cells: "
            "the figures are read back by name.",
        ]

    def _heading(self, text: str) -> None:
        self.row += 1
        self.sheet.put(self.row, FIRST, text, style="about_heading")
        self.sheet.row_heights[self.row] = 20
        self.row += 1

    def _paragraph(self, text: str, style: str = "about_text") -> None:
        s = self.sheet
        s.put(self.row, FIRST, text, style=style)
        for col in range(FIRST + 1, LAST + 1):
            s.put(self.row, col, None, style=style)
        s.merges.append((self.row, FIRST, self.row, LAST))
        s.row_heights[self.row] = LINE_HEIGHT * lines_needed(text, sum(WIDTHS)) + 4
        self.row += 1

    def _table_row(self, values: list[str], style: str) -> None:
        s = self.sheet
        height = 1
        for offset, value in enumerate(values):
            s.put(self.row, FIRST + offset, value, style=style)
            height = max(height, lines_needed(value, WIDTHS[offset]))
        s.row_heights[self.row] = LINE_HEIGHT * height + 4
        self.row += 1

    def _dictionary(self) -> None:
        self._heading("Data dictionary: the fields in this workbook")
        self._table_row(
            ["Field", "Definition", "Unit", "How to count", "Standard", "Name in the workbook"],
            "dict_header",
        )
        fields: list[FieldSpec] = [*self.resolved.profile_fields, *self.resolved.measure_fields]
        measures = {f.name for f in self.resolved.measure_fields}
        for f in fields:
            required = " (required)" if f.constraints.required else ""
            count = f.guidance
            if f.name in measures:
                count = " ".join(filter(None, [count, self._year_to_date(f)]))
            self._table_row(
                [f.title + required, f.description, f.unit, count, f.standard, f.name],
                "dict_cell",
            )

    def _year_to_date(self, f: FieldSpec) -> str:
        """How a measure's periods combine in the Year to date column ("" if there is none)."""
        if isinstance(self.spec, FormSpec) or self.spec.period.frequency == "annual":
            return ""
        period = "quarter" if self.spec.period.frequency == "quarterly" else "month"
        return f"Year to date: {aggregate_words(f.aggregate, period, f.weighted_by)}."

    def _calculations(self) -> None:
        spec = self.spec
        assert not isinstance(spec, FormSpec)
        if not (spec.derived or spec.kpis or spec.rules):
            return
        self._heading("How the figures and checks are calculated")
        self._table_row(
            ["Figure", "Formula", "Unit", "Notes", "Kind", "Name in the workbook"], "dict_header"
        )
        for d in spec.derived:
            self._table_row(
                [d.title, d.formula, d.unit, d.description, "Per period", d.name], "dict_cell"
            )
        for k in spec.kpis:
            target = (
                f"Target {k.target} ({k.direction} is better). " if k.target is not None else ""
            )
            self._table_row(
                [k.title, k.formula, k.unit, target + k.description, "KPI", k.name], "dict_cell"
            )
        for r in spec.rules:
            what, advice = split_message(r.message)
            then = CHECK_ADVICE[r.severity]
            self._table_row(
                [
                    what,
                    r.check,
                    "pass or fail",
                    " ".join(filter(None, [advice, then])),
                    f"Check ({r.severity})",
                    r.name,
                ],
                "dict_cell",
            )

    def _faq(self, faq: FaqSpec) -> None:
        self._heading(faq.title)
        topics: dict[str, list[tuple[str, str]]] = {}
        for entry in faq.entries:
            topics.setdefault(entry.topic, []).append((entry.question, entry.answer))
        for topic, entries in topics.items():
            self.sheet.put(self.row, FIRST, topic, style="section")
            self.row += 1
            for question, answer in entries:
                self._paragraph(question, style="faq_question")
                self._paragraph(answer)
