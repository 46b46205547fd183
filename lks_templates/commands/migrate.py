"""``lks-templates migrate FILLED --out NEW.xlsx [--to VERSION]``: a return into a newer version.

FILLED is a filled return, or a folder of them (searched recursively; ``--out`` is then a
folder, and each migrated file keeps its name and subfolder). The return is read, its
values carried into the version (default: the latest of its template among the specs,
current or released) by field name and through renames, and a normal workbook of that
version is written atomically; the input is never changed. Prints what was carried and
each value that was not (``not-carried``, located at the return's cell).

Exit codes: see :data:`EXIT_CODES` (shown at the end of ``--help``). ``rollover`` shares
this module's checks and report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.commands._common import (
    SHIPPED_SPECS,
    add_specs_option,
    existing_paths,
    refuse_out,
    report_missing,
)

if TYPE_CHECKING:
    from lks_templates.errors import Problem
    from lks_templates.evolve.migrate import FolderReport, Migrated
    from lks_templates.spec import SpecSet

EXIT_CODES = (
    "Exit codes: 0 every return was written with every value it held carried; 1 some value "
    "was not carried (each is listed, located), or some return could not be read or "
    "migrated (the others were still written); 2 usage error (no such file, no workbook in "
    "the folder, specs that do not load, no template with the --to version, an --out that "
    "cannot be written or is the input itself)."
)
"""What each exit code means; the epilog of ``--help`` and the README say the same."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "filled", metavar="FILLED", help="a filled return (.xlsx), or a folder of returns"
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="NEW",
        help="the new workbook (.xlsx); a folder when FILLED is a folder",
    )
    parser.add_argument(
        "--to",
        metavar="VERSION",
        help="the version to carry into (default: the latest of the return's template)",
    )
    add_specs_option(parser, default=SHIPPED_SPECS)


def run(args: argparse.Namespace) -> int:
    return run_carry(args, rollover=False)


def run_carry(args: argparse.Namespace, *, rollover: bool) -> int:
    """``migrate`` (or ``rollover``): check the arguments, carry, print, exit code."""
    from lks_templates.commands.read import load_specs_or_report

    source = Path(args.filled)
    if not source.exists():
        report_missing(args.filled)
        return 2
    if args.specs is not None and existing_paths(args.specs) is None:
        return 2
    folder = source.is_dir()
    if _same_place(source, Path(args.out), folder=folder):
        what = "folder" if folder else "file"
        print(
            f"{args.out}: is the {what} being read; the returns are never changed. "
            "Choose another --out.",
            file=sys.stderr,
        )
        return 2
    if refuse_out(args.out, folder=folder):
        return 2
    specs = load_specs_or_report(args.specs)
    if specs is None:
        return 2
    to = getattr(args, "to", None)
    if to is not None and not _any_version(specs, to):
        print(f"--to {to}: no template or form among the specs has that version.", file=sys.stderr)
        return 2
    try:
        if folder:
            report = _folder(source, args.out, specs, to, rollover)
            if report is None:
                return 2
            items = report.items
            not_searched = report.not_searched
        else:
            items, not_searched = [_file(source, args.out, specs, to, rollover)], []
    except OSError as error:
        print(f"{args.out}: cannot be written ({error}).", file=sys.stderr)
        return 2
    print_report(items, not_searched, rollover=rollover)
    return 0 if all(item.complete for item in items) and not not_searched else 1


def _file(source: Path, out: str, specs: SpecSet, to: str | None, rollover: bool) -> Migrated:
    from lks_templates.evolve.migrate import migrate_file, rollover_file

    if rollover:
        return rollover_file(source, out, specs=specs)
    return migrate_file(source, out, specs=specs, to=to)


def _folder(
    source: Path, out: str, specs: SpecSet, to: str | None, rollover: bool
) -> FolderReport | None:
    from lks_templates.evolve.migrate import migrate_folder

    report = migrate_folder(source, out, specs=specs, to=to, rollover=rollover)
    if not report.items and not report.not_searched:
        print("No workbooks (.xlsx and similar) found under the folder given.", file=sys.stderr)
        return None
    return report


def _same_place(source: Path, out: Path, *, folder: bool) -> bool:
    """Whether ``--out`` is the input itself (a file, or the folder of returns)."""
    try:
        return out.exists() and out.resolve() == source.resolve()
    except OSError:
        return False


def _any_version(specs: SpecSet, version: str) -> bool:
    from lks_templates.evolve.migrate import versions_of

    ids = {s.id for s in [*specs.templates, *specs.forms, *specs.releases]}
    return any(version in versions_of(specs, spec_id) for spec_id in ids)


def print_report(items: list[Migrated], not_searched: list[Problem], *, rollover: bool) -> None:
    """What each return became: carried, renamed, new, cleared; each value not carried."""
    from lks_templates.words import counted, printable

    def out(line: str = "") -> None:
        print(printable(line))

    for item in items:
        if item.out is None:
            out(f"{item.file}: not {'rolled over' if rollover else 'migrated'}")
            for problem in item.problems:
                out(f"  {problem.format()}")
            continue
        out(
            f"{item.file} -> {item.out}: {item.template_id} {item.from_version} -> "
            f"{item.to_version}"
        )
        carry = item.carry
        assert carry is not None
        year = carry.values.get("reporting_year")
        if rollover:
            parts = [
                f"{counted(carry.profile_carried, 'profile value')}",
                f"{counted(carry.periods_carried, 'period value')} as last year's",
            ]
            this_year = f", reporting year {year}" if year is not None else ""
            out(f"  carried: {', '.join(parts)}{this_year}; this year's period cells are blank")
            if carry.cleared:
                out(f"  cleared (counted afresh each year): {', '.join(carry.cleared)}")
        else:
            parts = [
                f"{counted(carry.profile_carried, 'profile value')}",
                f"{counted(carry.periods_carried, 'period value')}",
            ]
            if year is not None:
                parts.append(f"reporting year {year}")
            out(f"  carried: {', '.join(parts)}")
        if carry.renamed:
            renamed = ", ".join(f"{old} -> {new}" for old, new in carry.renamed.items())
            out(f"  renamed: {renamed}")
        if carry.added:
            out(f"  new in {item.to_version}, left blank: {', '.join(carry.added)}")
        if item.problems:
            out(f"  not carried: {counted(len(item.problems), 'value')}:")
            for problem in item.problems:
                out(f"    {problem.format()}")
        if item.own_problems:
            errors = sum(1 for p in item.own_problems if p.severity == "error")
            warnings = len(item.own_problems) - errors
            out(
                f"  the return's own problems ({counted(errors, 'error')}, "
                f"{counted(warnings, 'warning')}; values with an error were not carried):"
            )
            for problem in item.own_problems:
                out(f"    {problem.format()}")
    for problem in not_searched:
        out(problem.format())
    complete = sum(1 for item in items if item.complete)
    written = sum(1 for item in items if item.out is not None)
    verb = "Rolled over" if rollover else "Migrated"
    out(
        f"{verb} {counted(written, 'file')} of {len(items):,}: {complete:,} with every value "
        f"carried, {written - complete:,} with values not carried, "
        f"{len(items) - written:,} not written."
    )
