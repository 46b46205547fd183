"""``lks-templates check [PATH ...] [--dist DIR]``: is ``dist/`` what the specs produce?

Rebuilds into a temporary folder and compares: every workbook and ``README.md`` must be
byte-identical; files under ``dist/previews/`` are only checked for presence. Prints one
line per missing, extra or different file and exits 1; exits 0 when ``dist/`` is current.
"""

from __future__ import annotations

import argparse
import sys

from lks_templates.commands.build import DEFAULT_OUT, DEFAULT_PATH, missing_paths


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help=f"spec files or folders; default: {DEFAULT_PATH}/"
    )
    parser.add_argument(
        "--dist",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"folder of built workbooks to check; default: {DEFAULT_OUT}/",
    )


def run(args: argparse.Namespace) -> int:
    from lks_templates.build import check_dist
    from lks_templates.errors import LksError

    paths = list(args.paths) or [DEFAULT_PATH]
    if missing_paths(paths, "check"):
        return 2
    try:
        problems = check_dist(paths, args.dist)
    except LksError as error:
        for problem in error.problems:
            print(problem.format())
        print(f"Cannot check: {len(error.problems)} problem(s) in the specs.", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem.format())
    if problems:
        print(
            f"{args.dist} is out of date: {len(problems)} file(s). Run `lks-templates build`.",
            file=sys.stderr,
        )
        return 1
    print(f"{args.dist} is up to date.")
    return 0
