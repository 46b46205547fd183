"""``lks-templates build [PATH ...] [--out DIR]``: build template workbooks into ``dist/``.

PATH: spec files or folders (datasets are found among them by id); default
``template_specs/``. Writes ``DIR/<template-id>.xlsx`` for the latest version of every
template and form, and ``DIR/README.md``. Invalid specs: prints every located problem and
exits 1. A path that does not exist, or an ``--out`` that cannot be written (a file, a
read-only place), is a usage error (exit 2); each workbook is written whole or not at all.
"""

from __future__ import annotations

import argparse
import sys

from lks_templates.atomic import cannot_write
from lks_templates.commands._common import (
    DEFAULT_DIST,
    add_spec_paths,
    existing_paths,
    print_problems,
    refuse_out,
)
from lks_templates.words import counted


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec_paths(parser)
    parser.add_argument(
        "--out",
        default=DEFAULT_DIST,
        metavar="DIR",
        help=f"folder to write the workbooks into; default: {DEFAULT_DIST}/",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")


def run(args: argparse.Namespace) -> int:
    from lks_templates.build import build_all
    from lks_templates.errors import LksError

    paths = existing_paths(args.paths)
    if paths is None or refuse_out(args.out, folder=True):
        return 2
    try:
        written = build_all(paths, args.out)
    except LksError as error:
        summary = f"Nothing built: {counted(len(error.problems), 'problem')} to fix first."
        print_problems(error.problems, summary)
        return 1
    except OSError as error:  # the folder changed since it was checked, or the disk is full
        print(cannot_write(args.out, error), file=sys.stderr)
        return 2
    if not args.quiet:
        for path in written:
            print(f"wrote {path}")
    return 0
