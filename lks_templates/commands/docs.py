"""``lks-templates docs [--out DIR] [--specs PATH] [--check]``: write the Markdown pages.

Writes ``data-dictionary.md`` (every dataset field, grouped by section) and ``faq.md`` (the
FAQ spec) into ``--out`` (default ``docs/``) from the specs under ``--specs`` (a spec file or
folder, repeatable; default ``template_specs/``). With ``--check`` nothing is written: the command
names each page that is missing or differs from what the specs give and exits 1, so CI can
keep the committed pages in step with the specs. Invalid specs: their problems are printed
and the exit code is 1. A specs path that does not exist, or an ``--out`` that cannot be
written, is a usage error (exit 2).
"""

from __future__ import annotations

import argparse
import sys

from lks_templates.atomic import cannot_write
from lks_templates.commands._common import (
    add_specs_option,
    existing_paths,
    print_problems,
    refuse_out,
)

DEFAULT_OUT = "docs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"folder to write the pages into; default: {DEFAULT_OUT}/",
    )
    add_specs_option(parser)
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming each page that is out of date",
    )


def run(args: argparse.Namespace) -> int:
    from lks_templates.dictionary import stale_docs, write_docs
    from lks_templates.errors import SpecError
    from lks_templates.spec import load_specs

    paths = existing_paths(args.specs)
    if paths is None or (not args.check and refuse_out(args.out, folder=True)):
        return 2
    try:
        specs = load_specs(paths)
    except SpecError as error:
        print_problems(
            error.problems, "The specs have errors; fix them and run `lks-templates docs` again."
        )
        return 1
    if args.check:
        stale = stale_docs(specs, args.out)
        for path in stale:
            print(f"{path}: out of date; run `lks-templates docs` and commit the result.")
        return 1 if stale else 0
    try:
        written = write_docs(specs, args.out)
    except OSError as error:  # the folder changed since it was checked, or the disk is full
        print(cannot_write(args.out, error), file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0
