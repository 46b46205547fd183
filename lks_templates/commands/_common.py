"""What several commands share: the spec-path arguments, usage errors for paths that do not
exist, and printing located problems.

Kept free of library imports so that a command's ``add_arguments`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from lks_templates.errors import Problem

DEFAULT_SPECS = "template_specs"
"""Where the specs are when no path is given."""
DEFAULT_DIST = "dist"
"""Where the built workbooks go."""


def add_spec_paths(parser: argparse.ArgumentParser) -> None:
    """The positional ``PATH ...``: spec files or folders, ``template_specs/`` if none."""
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help=f"spec files or folders; default: {DEFAULT_SPECS}/"
    )


def add_specs_option(parser: argparse.ArgumentParser, purpose: str) -> None:
    """``--specs PATH ...``, for a command whose positional argument is something else."""
    parser.add_argument(
        "--specs",
        nargs="+",
        default=[DEFAULT_SPECS],
        metavar="PATH",
        help=f"{purpose} (default: {DEFAULT_SPECS}/)",
    )


def existing_paths(paths: Sequence[str], command: str) -> list[str] | None:
    """``paths`` (``template_specs/`` if none), or None when any does not exist.

    Each missing path gets a usage error on standard error; the caller then exits 2.
    """
    wanted = list(paths) or [DEFAULT_SPECS]
    missing = [path for path in wanted if not Path(path).exists()]
    for path in missing:
        print(f"lks-templates {command}: {path}: no such file or folder", file=sys.stderr)
    return None if missing else wanted


def print_problems(
    problems: Iterable[Problem], summary: str = "", *, stream: TextIO | None = None
) -> None:
    """One line per problem on ``stream`` (standard output by default), then ``summary``,
    if any, on standard error."""
    for problem in problems:
        print(problem.format(), file=stream or sys.stdout)
    if summary:
        print(summary, file=sys.stderr)
