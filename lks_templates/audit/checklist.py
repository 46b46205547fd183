"""The accessibility checklist: the items ``lks-templates audit`` checks, and what it finds.

docs/accessibility.md documents the same items (a test keeps the two in step) and the ones
that need a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lks_templates.errors import Problem


@dataclass(frozen=True)
class Item:
    """One item of the checklist."""

    id: str
    title: str
    rule: str
    """The standard it comes from and its threshold."""


CHECKLIST: tuple[Item, ...] = (
    Item(
        "text-contrast",
        "Text contrast of every styled cell, conditional formats included",
        "WCAG 2.2 1.4.3: 4.5:1, or 3:1 for large text (18 pt, or 14 pt bold)",
    ),
    Item(
        "chart-contrast",
        "Chart series against the plot area or chart background",
        "WCAG 2.2 1.4.11 non-text contrast: 3:1",
    ),
    Item(
        "alt-text",
        "Alt text on every chart and picture, or the picture marked decorative",
        "WCAG 2.2 1.1.1: not empty, not only the object's name",
    ),
    Item(
        "text-boxes",
        "No floating text boxes carrying information",
        "Releasing statistics in spreadsheets: text belongs in cells",
    ),
    Item(
        "merged-entry",
        "No merged cells where people type",
        "Microsoft Accessibility Checker; WCAG 2.2 1.3.1",
    ),
    Item(
        "sheet-names",
        "Unique, meaningful sheet names",
        "WCAG 2.2 2.4.6: no Sheet1, at most 31 characters, no two alike",
    ),
    Item(
        "entry-header",
        "Every table people type into has one full header row directly above its entries",
        "WCAG 2.2 1.3.1; Releasing statistics in spreadsheets: no blank or merged headers",
    ),
    Item("blank-sheets", "No blank sheets", "Releasing statistics in spreadsheets"),
    Item("title", "Document title set (core properties)", "WCAG 2.2 2.4.2"),
    Item("language", "Document language set (core properties)", "WCAG 2.2 3.1.1"),
    Item(
        "first-sheet",
        "Opens on the first sheet with the cursor in A1",
        "Releasing statistics in spreadsheets",
    ),
    Item(
        "input-messages",
        "Input and error messages within Excel's limits, in whole sentences",
        "Excel: title 32 characters, message 255",
    ),
)
ITEMS = {item.id: item for item in CHECKLIST}


@dataclass(frozen=True)
class AuditFinding:
    """One pass or failure of one item; ``place`` is ``Sheet!A1`` or the sheet or ``""``."""

    item: str
    ok: bool
    message: str
    place: str = ""


@dataclass
class WorkbookAudit:
    """Every finding for one workbook, or why it could not be read."""

    file: str
    findings: list[AuditFinding] = field(default_factory=list)
    refused: Problem | None = None

    @property
    def passed(self) -> bool:
        return self.refused is None and all(f.ok for f in self.findings)

    @property
    def failures(self) -> list[AuditFinding]:
        return [f for f in self.findings if not f.ok]
