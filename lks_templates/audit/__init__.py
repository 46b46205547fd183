"""``lks-templates audit``: check workbooks against the accessibility checklist.

:func:`audit_workbook` opens one workbook safely (:mod:`lks_templates.readback.safety`),
reads the parts the checklist needs (:mod:`lks_templates.audit.parts`) and runs every item
of :data:`~lks_templates.audit.checklist.CHECKLIST` (:mod:`lks_templates.audit.checks`).
A workbook that cannot be opened gives a refusal, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from lks_templates.audit.checklist import CHECKLIST, ITEMS, AuditFinding, Item, WorkbookAudit
from lks_templates.audit.checks import CHECKS
from lks_templates.audit.parts import read_book
from lks_templates.errors import Problem
from lks_templates.readback.safety import Refused, open_package

__all__ = ["CHECKLIST", "ITEMS", "AuditFinding", "Item", "WorkbookAudit", "audit_workbook"]


def audit_workbook(path: Path | str, file: str | None = None) -> WorkbookAudit:
    """Every finding of every checklist item for the workbook at ``path``."""
    label = str(path) if file is None else file
    result = WorkbookAudit(file=label)
    try:
        package = open_package(path, label)
    except Refused as refused:
        result.refused = refused.problem
        return result
    try:
        book = read_book(package)
        for item in CHECKLIST:
            result.findings.extend(CHECKS[item.id](book))
    except Refused as refused:
        result.refused = refused.problem
    except (ValueError, IndexError, KeyError, ElementTree.ParseError) as error:
        # Parts that parse but hold what no spreadsheet program writes: say so, located
        # to the file, rather than stop a batch with a traceback.
        result.refused = Problem(
            code="corrupt-file",
            message=f"A part of the workbook holds something the audit cannot read ({error}). "
            "Save it again from Excel and audit that copy.",
            file=label,
        )
    finally:
        package.close()
    return result
