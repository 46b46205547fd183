"""``lks-templates validate [PATH ...]``: check specs and print every problem, located.

Once every spec passes its checks, the workbooks are planned (not written) and checked as
``build`` checks them. Prints nothing and exits 0 when every spec is valid; otherwise
prints one line per problem, ``FILE:LINE:COL: CODE message``, sorted, a count on stderr,
and exits 1. A path that does
not exist is a usage error (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lks_templates.commands._common import DEFAULT_SPECS, print_problems, report_missing
from lks_templates.words import counted


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=f"spec files or folders (searched for *.yaml and *.yml); default: {DEFAULT_SPECS}/",
    )


def run(args: argparse.Namespace) -> int:
    from lks_templates.spec import validate_paths

    paths = list(args.paths) or [DEFAULT_SPECS]
    missing = [path for path in paths if not Path(path).exists()]
    if missing:
        for path in missing:
            report_missing(path)
        return 2
    specs, problems = validate_paths(paths)
    if not any(p.severity == "error" for p in problems):
        # What only the planned workbooks show (a formula past Excel's length, say), so
        # that validate reports everything build would refuse.
        from lks_templates.errors import sort_problems
        from lks_templates.plancheck import set_problems

        problems = sort_problems([*problems, *set_problems(specs)])
    print_problems(problems)
    errors = sum(1 for p in problems if p.severity == "error")
    if problems:
        files = len({p.file for p in problems})
        warnings = len(problems) - errors
        summary = counted(errors, "error")
        if warnings:
            summary += f", {counted(warnings, 'warning')}"
        print(f"{summary} in {counted(files, 'file')}.", file=sys.stderr)
    return 1 if errors else 0
