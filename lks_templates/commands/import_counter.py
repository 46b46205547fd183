"""``lks-templates import-counter REPORT... --into RETURN.xlsx --out NEW.xlsx [--replace]``.

Reads COUNTER R5 / R5.1 usage reports (TSV, Excel or JSON) into a copy of a filled
e-resources return, prints where every figure came from and the problems, and writes NEW
and ``NEW.counter.csv`` beside it. The rule of which report supplies which field is in
docs/counter.md.

Exit codes: 0 imported; 1 a conflict with the return's figures, a damaged report, or a
return that cannot take the import; 2 usage error (a path that does not exist, an --out
that cannot be written or is the return itself).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.commands._common import (
    SHIPPED_SPECS,
    add_specs_option,
    print_problems,
    refuse_out,
    report_missing,
)

if TYPE_CHECKING:
    from lks_templates.counter import CounterImport, SourceRow


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "reports", nargs="+", metavar="REPORT", help="COUNTER reports (.tsv, .xlsx or .json)"
    )
    parser.add_argument(
        "--into", required=True, metavar="RETURN", help="the filled e-resources return (.xlsx)"
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="NEW",
        help="the new workbook to write; the return is never changed",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="take the reports' figure where the return holds a different one",
    )
    add_specs_option(parser, default=SHIPPED_SPECS)


def run(args: argparse.Namespace) -> int:
    missing = [p for p in [*args.reports, args.into] if not Path(p).is_file()]
    for path in missing:
        report_missing(path)
    if missing:
        return 2
    if Path(args.out).resolve() == Path(args.into).resolve():
        print(
            f"{args.out}: is the return given to --into, which is never changed; "
            "choose another --out",
            file=sys.stderr,
        )
        return 2
    if refuse_out(args.out, folder=False):
        return 2
    from lks_templates.commands.read import load_specs_or_report
    from lks_templates.counter import import_counter

    specs = load_specs_or_report(args.specs)
    if specs is None:
        return 2
    result = import_counter(args.reports, args.into, args.out, replace=args.replace, specs=specs)
    if result.sources:
        _print_table(result.sources)
    print_problems(result.problems, _summary(result))
    return 1 if result.failed else 0


def _print_table(rows: Sequence[SourceRow]) -> None:
    from lks_templates.counter.importer import SOURCE_COLUMNS

    table = [list(SOURCE_COLUMNS)]
    table += [[str(getattr(row, name)) for name in SOURCE_COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(SOURCE_COLUMNS))]
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=False)]
        print("  ".join([*cells, line[-1].rjust(widths[-1])]))


def _summary(result: CounterImport) -> str:
    from lks_templates.words import counted

    if result.out is None:
        return "Nothing was written."
    return (
        f"Imported figures from {counted(result.used, 'report')} into {result.out}: "
        f"{counted(len(result.filled), 'figure')} filled; sources in {result.table}."
    )
