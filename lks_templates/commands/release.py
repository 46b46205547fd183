"""``lks-templates release [PATH] [--date YYYY-MM-DD]``: record each template version as released.

PATH: the specs folder (default ``template_specs/``). For the latest version of every
template and form, writes ``PATH/released/<id>/<version>.yaml``, a self-contained snapshot
(see :mod:`lks_templates.evolve.release`), unless that version is released already. Prints
what it did. Exit 0 when every version is released; 1 when the specs have errors or a
version was released before with other definitions (bump it); 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lks_templates.commands._common import (
    DEFAULT_SPECS,
    iso_date,
    print_problems,
    report_missing,
)
from lks_templates.words import counted


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default=DEFAULT_SPECS,
        metavar="PATH",
        help=f"the specs folder; snapshots go into PATH/released/; default: {DEFAULT_SPECS}/",
    )
    parser.add_argument(
        "--date",
        type=iso_date,
        help="the release date written into new snapshots (default today)",
    )


def run(args: argparse.Namespace) -> int:
    from lks_templates.errors import LksError
    from lks_templates.evolve.release import RELEASED_FOLDER, release
    from lks_templates.spec import load_specs

    folder = Path(args.path)
    if not folder.exists():
        report_missing(args.path)
        return 2
    if not folder.is_dir():
        print(f"{args.path}: release takes the specs folder, not one file.", file=sys.stderr)
        return 2
    try:
        specs = load_specs(folder)
    except LksError as error:
        summary = f"Nothing released: {counted(len(error.problems), 'problem')} to fix first."
        print_problems(error.problems, summary)
        return 1
    try:
        report = release(specs, folder / RELEASED_FOLDER, args.date)
    except OSError as error:
        print(f"{args.path}: cannot write the snapshots: {error}", file=sys.stderr)
        return 2
    for item in report.items:
        if item.outcome == "released":
            print(f"released {item.id} {item.version} -> {item.path}")
        elif item.outcome == "unchanged":
            print(f"{item.id} {item.version} is released already")
        elif item.outcome == "layout-added":
            print(
                f"{item.id} {item.version} is released already; its workbook's new layout "
                f"is recorded beside the earlier one -> {item.path}"
            )
    if report.problems:
        print_problems(report.problems, f"{counted(len(report.problems), 'version')} not released.")
        return 1
    return 0
