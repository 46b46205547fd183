"""``lks-templates audit [WORKBOOK ...]``: check workbooks against the accessibility checklist.

Each WORKBOOK is an .xlsx file or a folder of them; with none, every workbook in ``dist/``.
Prints, per workbook, one line per checklist item that passes and one per failure, with
the sheet and cell; docs/accessibility.md describes every item.

Exit codes: 0 every item passes in every workbook; 1 a failure, or a workbook that cannot
be read; 2 usage error (no such file, no workbooks to audit).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.commands._common import DEFAULT_DIST, report_missing
from lks_templates.words import counted

if TYPE_CHECKING:
    from lks_templates.audit import WorkbookAudit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "workbooks",
        nargs="*",
        metavar="WORKBOOK",
        help=f"workbooks (.xlsx) or folders of them; default: every workbook in {DEFAULT_DIST}/",
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="print only the failures and the summary"
    )


def workbooks_to_audit(given: Sequence[str], command: str = "audit") -> list[Path] | None:
    """The .xlsx files named or found in the folders named (``dist/`` when none); None,
    with a usage error on standard error, when a path does not exist or none is found."""
    paths = list(given) or [DEFAULT_DIST]
    found: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.xlsx") if not p.name.startswith("~$")))
        elif path.is_file():
            found.append(path)
        else:
            report_missing(text)
            return None
    if not found:
        where = ", ".join(paths)
        print(
            f"lks-templates {command}: no workbooks (.xlsx) in {where}; "
            "run `lks-templates build` first, or name the workbooks to audit.",
            file=sys.stderr,
        )
        return None
    return found


def run(args: argparse.Namespace) -> int:
    paths = workbooks_to_audit(args.workbooks)
    if paths is None:
        return 2
    return 0 if audit_and_report(paths, quiet=args.quiet) else 1


def audit_and_report(paths: Sequence[Path], *, quiet: bool = False) -> bool:
    """Audit each workbook and print the findings; True when every item passes in all."""
    from lks_templates.audit import CHECKLIST, audit_workbook

    results = [audit_workbook(path) for path in paths]
    for result in results:
        print_audit(result, quiet=quiet)
    failing = [r for r in results if not r.passed]
    failures = sum(len(r.failures) + (r.refused is not None) for r in results)
    items = counted(len(CHECKLIST), "item")
    if failing:
        print(
            f"{counted(len(failing), 'workbook')} of {len(results)} "
            f"{'fails' if len(failing) == 1 else 'fail'} the accessibility audit "
            f"({counted(failures, 'failure')}); see docs/accessibility.md."
        )
    else:
        print(f"{counted(len(results), 'workbook')}: every one passes all {items} of the audit.")
    return not failing


def print_audit(result: WorkbookAudit, *, quiet: bool = False) -> None:
    """The findings of one workbook, one line each: ``pass``/``FAIL``, item, place, what."""
    if result.refused is not None:
        print(f"{result.file}: cannot be audited: {result.refused.message}")
        return
    if quiet and result.passed:
        return
    verdict = "passes every item" if result.passed else counted(len(result.failures), "failure")
    print(f"{result.file}: {verdict}")
    for finding in result.findings:
        if quiet and finding.ok:
            continue
        place = f"{finding.place}: " if finding.place else ""
        status = "pass" if finding.ok else "FAIL"
        print(f"  {status}  {finding.item:<15} {place}{finding.message}")
