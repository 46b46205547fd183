"""``lks-templates diff [OLD NEW] [--specs PATH]``: what changed, and is the version bump enough?

With no arguments, each template and form in the specs folder (``--specs``, default
``template_specs/``) is compared with its latest released snapshot (``released/``); a spec
never released is said so, not an error. With two arguments, OLD and NEW are spec folders
or files (see :mod:`lks_templates.evolve.sides`). Prints, per id, one line per change,
``FILE:LINE:COL: BUMP what changed`` (the place in the newer spec), then the verdict, e.g.
``staffing-and-finance 2.4.0 -> 3.0.0: needs a major bump; 3.0.0 is enough.``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.commands._common import (
    add_specs_option,
    existing_paths,
    print_problems,
    report_missing,
)
from lks_templates.words import counted, printable

if TYPE_CHECKING:
    from lks_templates.evolve.bumps import Verdict

EXIT_CODES = (
    "Exit codes: 0 every version bump is enough (or nothing changed); 1 a bump is too small, "
    "or the specs do not load; 2 usage error (a path that does not exist, one path or more "
    "than two)."
)
"""What each exit code means; the epilog of ``--help``."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.usage = "%(prog)s [-h] [--specs PATH] [OLD NEW]"
    parser.add_argument(
        "sides",
        nargs="*",
        metavar="OLD NEW",
        help="two spec folders or files, older then newer; none: each template and form "
        "against its latest released version",
    )
    add_specs_option(parser)


def run(args: argparse.Namespace) -> int:
    sides: list[str] = list(args.sides)
    if len(sides) not in (0, 2):
        print(
            f"diff takes no paths or two (OLD NEW), not {len(sides)}; "
            "`lks-templates diff --help` says more.",
            file=sys.stderr,
        )
        return 2
    if sides and args.specs:
        print("diff takes OLD NEW or --specs, not both.", file=sys.stderr)
        return 2
    if not sides:
        paths = existing_paths(args.specs)
        if paths is None:
            return 2
        return _against_releases(paths)
    missing = [side for side in sides if not Path(side).exists()]
    for side in missing:
        report_missing(side)
    if missing:
        return 2
    return _between(Path(sides[0]), Path(sides[1]))


def _against_releases(paths: list[str]) -> int:
    from lks_templates.errors import LksError
    from lks_templates.evolve.bumps import against_releases
    from lks_templates.spec import load_specs

    try:
        specs = load_specs(paths)
    except LksError as error:
        summary = f"Cannot compare: {counted(len(error.problems), 'problem')} in the specs."
        print_problems(error.problems, summary)
        return 1
    return report(against_releases(specs))


def _between(old: Path, new: Path) -> int:
    from lks_templates.evolve.sides import compare_sides, load_side

    old_side, old_problems = load_side(old)
    new_side, new_problems = load_side(new)
    problems = [*old_problems, *new_problems]
    if problems:
        print_problems(
            problems, f"Cannot compare: {counted(len(problems), 'problem')} in the specs."
        )
        return 1
    verdicts = compare_sides(old_side, new_side)
    if not verdicts:
        print(f"No template or form to compare in {old} and {new}.")
        return 0
    return report(verdicts)


def report(verdicts: list[Verdict], *, only_failures: bool = False) -> int:
    """Print each verdict's lines (only those not enough, with ``only_failures``); 1 when
    any bump is not enough, else 0."""
    failed = [v for v in verdicts if not v.enough]
    for item in failed if only_failures else verdicts:
        for line in item.lines():
            print(printable(line))
    if failed:
        print(
            f"{counted(len(failed), 'version')} not bumped enough; "
            "bump each as its line says, then `lks-templates release`.",
            file=sys.stderr,
        )
        return 1
    return 0
