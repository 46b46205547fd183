"""``lks-templates benchmark RETURNS... --spec ID_OR_FILE --out DIR``: compare services with
their peers.

Exit codes as ``collect``: 0 every file was read (problems may exist); 1 some file could
not be read, or some workbook could not be written (the others were); 2 usage error (a
path that does not exist, specs or a benchmark spec that do not load, an --out folder that
cannot be written, --jobs below 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lks_templates.commands._common import (
    SHIPPED_SPECS,
    add_specs_option,
    iso_date,
    print_problems,
    refuse_out,
    report_missing,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="RETURNS", help="returned workbooks, or folders of them"
    )
    parser.add_argument(
        "--spec", required=True, metavar="ID_OR_FILE", help="benchmark spec id or file"
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="folder for benchmark.csv, positions.csv, problems.csv, datapackage.json, "
        "services/<ODS code>.xlsx and the lead's summary.xlsx",
    )
    parser.add_argument(
        "--date",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the run's date, shown in each service's workbook and the summary (default today; "
        "give one for the same files on any day)",
    )
    add_specs_option(parser, default=SHIPPED_SPECS)
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="read the returns and write the workbooks with N processes (output is identical); "
        "default 1",
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar even when stderr is not a terminal",
    )


def run(args: argparse.Namespace) -> int:
    from lks_templates.benchmarking import find_benchmark, run_benchmark
    from lks_templates.collection import find_returns
    from lks_templates.commands.read import load_specs_or_report
    from lks_templates.errors import SpecError
    from lks_templates.words import counted, printable

    if args.jobs < 1:
        print("lks-templates benchmark: --jobs must be 1 or more.", file=sys.stderr)
        return 2
    files, missing = find_returns(args.paths)
    for gone in missing:
        report_missing(gone)
    if missing:
        return 2
    if not files:
        print("No workbooks (.xlsx and similar) found under the paths given.", file=sys.stderr)
        return 2
    specs = load_specs_or_report(args.specs)
    if specs is None:
        return 2
    wanted = args.spec
    if specs.get(wanted) is None and _looks_like_a_path(wanted) and not Path(wanted).exists():
        report_missing(wanted)
        return 2
    try:
        spec = find_benchmark(args.spec, specs)
    except SpecError as exc:
        print_problems(exc.problems, "The benchmark spec did not load.", stream=sys.stderr)
        return 2
    if refuse_out(args.out, folder=True):
        return 2
    bar = None
    if args.progress or sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", file=sys.stderr, desc="Reading")
    try:
        # Each workbook is read and dropped once its compared figures are kept.
        run = run_benchmark(files, spec, specs=specs, out=args.out, date=args.date,
                            progress=bar.update if bar is not None else None,
                            jobs=args.jobs)  # fmt: skip
    except OSError as error:
        from lks_templates.atomic import cannot_write

        print(printable(cannot_write(args.out, error)), file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
    outcome = run.outcome
    rejected = sum(not r.readable for r in run.read.compared)
    left = sum(p.code == "left-out" for p in outcome.problems)
    print(
        f"Benchmarked {counted(len(files), 'file')} with {spec.id} {spec.version}: "
        f"{outcome.returns:,} compared, {left:,} left out, {rejected:,} rejected."
    )
    suppressed = sum(bool(row["suppressed"]) for row in outcome.benchmark)
    print(
        f"Statistics: {counted(len(outcome.benchmark), 'row')}, {suppressed:,} suppressed "
        f"(fewer than {spec.min_group_size} services)."
    )
    out = args.out.rstrip("/")
    names = ("benchmark.csv", "positions.csv", "problems.csv", "datapackage.json")
    print(printable("Wrote " + ", ".join(f"{out}/{n}" for n in names)))
    unwritten = {w.file: w.error for w in run.unwritten}
    services = outcome.returns - sum(f.startswith("services/") for f in unwritten)
    print(printable(f"Wrote {counted(services, 'service workbook')} in {out}/services/"))
    if "summary.xlsx" not in unwritten:
        print(printable(f"Wrote the lead's summary, {out}/summary.xlsx "
                        "(it names every service: keep it to the lead)"))  # fmt: skip
    for file, why in list(unwritten.items())[:SHOWN]:
        print(printable(f"{out}/{file}: not written ({why}); the others were."), file=sys.stderr)
    if len(unwritten) > SHOWN:
        print(f"... and {len(unwritten) - SHOWN:,} more not written.", file=sys.stderr)
    return 1 if rejected or unwritten else 0


SHOWN = 20
"""How many unwritten workbooks are named one by one."""


def _looks_like_a_path(text: str) -> bool:
    """A spec file rather than an id: ids are lower-case words joined by hyphens."""
    return "/" in text or "\\" in text or text.lower().endswith((".yaml", ".yml"))
