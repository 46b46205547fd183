"""``lks-templates docs [--out DIR] [--specs PATH ...] [--check]``: write the Markdown pages.

Writes ``data-dictionary.md`` (every dataset field, grouped by section) and ``faq.md`` (the
FAQ spec) into ``--out`` (default ``docs``). With ``--check`` nothing is written: the command
names each page that is missing or differs from what the specs give and exits 1, so CI can
keep the committed pages in step with the specs. Invalid specs: their problems are printed
and the exit code is 1. A specs path that does not exist is a usage error (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_SPECS = "template_specs"
DEFAULT_OUT = "docs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"folder to write to (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--specs",
        nargs="+",
        default=[DEFAULT_SPECS],
        metavar="PATH",
        help=f"spec files or folders to document (default: {DEFAULT_SPECS}/)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming each page that is out of date",
    )


def run(args: argparse.Namespace) -> int:
    from lks_templates.dictionary import stale_docs, write_docs
    from lks_templates.errors import SpecError
    from lks_templates.spec import load_specs

    missing = [path for path in args.specs if not Path(path).exists()]
    for path in missing:
        print(f"lks-templates docs: {path}: no such file or folder", file=sys.stderr)
    if missing:
        return 2
    try:
        specs = load_specs(args.specs)
    except SpecError as error:
        for problem in error.problems:
            print(problem.format())
        print(
            "The specs have errors; fix them and run `lks-templates docs` again.", file=sys.stderr
        )
        return 1
    if args.check:
        stale = stale_docs(specs, args.out)
        for path in stale:
            print(f"{path}: out of date; run `lks-templates docs` and commit the result.")
        return 1 if stale else 0
    for path in write_docs(specs, args.out):
        print(f"wrote {path}")
    return 0
