"""``lks-templates collect PATH ... --out DIR``: many returns into tidy CSV files.

Exit codes: see :data:`EXIT_CODES` (shown at the end of ``--help``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.commands._common import SHIPPED_SPECS, add_specs_option, report_missing

if TYPE_CHECKING:
    from lks_templates.collection import Summary

EXIT_CODES = (
    "Exit codes: 0 every file was read, even when returns have problems (see problems.csv); "
    "1 some file could not be read, or some folder or link could not be searched (each has "
    "a row in problems.csv; the others were still collected and written); 2 usage error "
    "(a path that does not exist, no workbook found, specs that do not load, an --out that "
    "cannot be written, --jobs below 1, --parquet without pyarrow); nothing is written."
)
"""What each exit code means; the epilog of ``--help`` and the README say the same."""

REJECTED_SHOWN = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="returned workbooks, or folders searched recursively",
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="folder for values.csv, problems.csv, returns.csv and datapackage.json",
    )
    add_specs_option(parser, default=SHIPPED_SPECS)
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="read with N processes (output is identical); default 1",
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar even when stderr is not a terminal",
    )
    parser.add_argument(
        "--parquet",
        action="store_true",
        help="also write values, problems and returns .parquet (needs pyarrow)",
    )


def run(args: argparse.Namespace) -> int:
    from lks_templates.collection import OutputError, search_returns, write_collection
    from lks_templates.commands.read import load_specs_or_report
    from lks_templates.words import printable

    if args.jobs < 1:
        print("lks-templates collect: --jobs must be 1 or more.", file=sys.stderr)
        return 2
    found = search_returns(args.paths)
    for path in found.missing:
        report_missing(path)
    if found.missing:
        return 2
    if not found.files and not found.problems:
        print("No workbooks (.xlsx and similar) found under the paths given.", file=sys.stderr)
        return 2
    if args.parquet and not _has_pyarrow():
        print("--parquet needs pyarrow: pip install pyarrow", file=sys.stderr)
        return 2
    specs = load_specs_or_report(args.specs)
    if specs is None:
        return 2
    show = args.progress or sys.stderr.isatty()
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(total=len(found.files), unit="file", file=sys.stderr, desc="Collecting")
    try:
        summary = write_collection(
            [],
            args.out,
            specs=specs,
            jobs=args.jobs,
            progress=bar.update if bar is not None else None,
            found=found,
        )
    except OutputError as exc:
        if bar is not None:
            bar.close()
            bar = None
        print(printable(str(exc)), file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
    out = Path(args.out)
    written = [out / name for name in ("values.csv", "problems.csv", "returns.csv")]
    written.append(out / "datapackage.json")
    if args.parquet:
        from lks_templates.collection import write_parquet

        written += write_parquet(out)
    _print_summary(summary, written)
    return 1 if summary.rejected or summary.not_searched else 0


def _print_summary(summary: Summary, written: list[Path]) -> None:
    from lks_templates.words import counted, printable

    rejected = len(summary.rejected)
    print(
        f"Collected {counted(summary.files, 'file')}: {summary.read:,} read, {rejected:,} rejected."
    )
    errors, warnings = summary.severities["error"], summary.severities["warning"]
    codes = ", ".join(f"{code} {count:,}" for code, count in sorted(summary.codes.items()))
    print(
        f"Values: {summary.values:,}. Problems: {counted(errors, 'error')}, "
        f"{counted(warnings, 'warning')}" + (f" ({codes})." if codes else ".")
    )
    if summary.duplicates:
        repeat = "repeats" if summary.duplicates == 1 else "repeat"
        print(
            f"Duplicates: {counted(summary.duplicates, 'file')} {repeat} an earlier return "
            "(see duplicate_of in values.csv)."
        )
    if rejected:
        print("Rejected files:")
        for file, code, message in summary.rejected[:REJECTED_SHOWN]:
            print(printable(f"  {file}: {code} {message}"))
        if rejected > REJECTED_SHOWN:
            print(f"  ... and {rejected - REJECTED_SHOWN:,} more (see problems.csv).")
    if summary.not_searched:
        print("Not searched:")
        for path, code, message in summary.not_searched[:REJECTED_SHOWN]:
            print(printable(f"  {path}: {code} {message}"))
        if len(summary.not_searched) > REJECTED_SHOWN:
            more = len(summary.not_searched) - REJECTED_SHOWN
            print(f"  ... and {more:,} more (see problems.csv).")
    print(printable("Wrote " + ", ".join(str(path) for path in written)))


def _has_pyarrow() -> bool:
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None
