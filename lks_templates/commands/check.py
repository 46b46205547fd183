"""``lks-templates check [PATH ...] [--dist DIR]``: is ``dist/`` what the specs produce,
and does it pass the accessibility audit?

Rebuilds into a temporary folder and compares: every workbook and ``README.md`` must be
byte-identical; files under ``dist/previews/`` are only checked for presence. Prints one
line per missing, extra or different file and exits 1. Then audits every workbook in
``dist/`` (``lks-templates audit``), printing each failure; exits 1 on any. First, as
``lks-templates diff`` does, compares each template and form with its latest released
version and prints the changes and verdict of every one whose version bump is too small;
exits 1 then too, as it does when a released version's workbook layout has changed and
``release`` has not recorded it. Exits 0 when every bump is enough, every layout recorded
and ``dist/`` is current and accessible.
"""

from __future__ import annotations

import argparse

from lks_templates.commands._common import (
    DEFAULT_DIST,
    add_spec_paths,
    existing_paths,
    print_problems,
)
from lks_templates.words import counted


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec_paths(parser)
    parser.add_argument(
        "--dist",
        default=DEFAULT_DIST,
        metavar="DIR",
        help=f"folder of built workbooks to check; default: {DEFAULT_DIST}/",
    )


def run(args: argparse.Namespace) -> int:
    paths = existing_paths(args.paths)
    if paths is None:
        return 2
    bumps_enough = _bumps_enough(paths)
    layouts_recorded = _layouts_recorded(paths)
    code = _check_dist(paths, args.dist)
    return code if bumps_enough and layouts_recorded else 1


def _bumps_enough(paths: list[str]) -> bool:
    """The ``diff`` test: False, having printed why, when a version bump is too small."""
    from lks_templates.commands.diff import report
    from lks_templates.errors import LksError
    from lks_templates.evolve.bumps import against_releases
    from lks_templates.spec import load_specs

    try:
        specs = load_specs(paths)
    except LksError:
        return True  # the dist check below reports the problems of the specs
    return report(against_releases(specs), only_failures=True) == 0


def _layouts_recorded(paths: list[str]) -> bool:
    """False, having printed why, when a released version's workbook is now laid out in a
    way its snapshot does not record: returns of the new build could not be told from
    moved cells once the generator changed again. ``lks-templates release`` records it."""
    from lks_templates.errors import LksError
    from lks_templates.evolve.release import unrecorded_layouts
    from lks_templates.spec import load_specs

    try:
        specs = load_specs(paths)
    except LksError:
        return True  # the dist check below reports the problems of the specs
    problems = unrecorded_layouts(specs)
    if problems:
        print_problems(problems, f"{counted(len(problems), 'layout')} not recorded.")
    return not problems


def _check_dist(paths: list[str], dist: str) -> int:
    """``dist`` against the specs, then its accessibility audit."""
    from lks_templates.build import check_dist
    from lks_templates.errors import LksError

    try:
        problems = check_dist(paths, dist)
    except LksError as error:
        print_problems(
            error.problems, f"Cannot check: {counted(len(error.problems), 'problem')} in the specs."
        )
        return 1
    if problems:
        summary = (
            f"{dist} is out of date: {counted(len(problems), 'file')}. Run `lks-templates build`."
        )
        print_problems(problems, summary)
        return 1
    print(f"{dist} is up to date.")
    from lks_templates.commands.audit import audit_and_report, workbooks_to_audit

    workbooks = workbooks_to_audit([dist], "check")
    if workbooks is None:
        return 1
    return 0 if audit_and_report(workbooks, quiet=True) else 1
