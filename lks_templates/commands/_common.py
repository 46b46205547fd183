"""What several commands share: the spec-path arguments, usage errors for paths that do not
exist or cannot be written, counted nouns, and printing located problems.

Kept free of library imports so that a command's ``add_arguments`` stays fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from lks_templates.atomic import cannot_write

if TYPE_CHECKING:
    from lks_templates.errors import Problem

DEFAULT_SPECS = "template_specs"
"""Where the specs are when no path is given."""
DEFAULT_DIST = "dist"
"""Where the built workbooks go."""
SHIPPED_SPECS = "the specs shipped with the library"
"""The default of ``--specs`` for ``read`` and ``collect``, which check returns against the
released specs wherever they run."""
SPECS_HELP = "a spec file or folder; repeat for more; default: {default}"
"""The help of ``--specs``, the same in every command."""


def add_spec_paths(parser: argparse.ArgumentParser) -> None:
    """The positional ``PATH ...``: spec files or folders, ``template_specs/`` if none."""
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help=f"spec files or folders; default: {DEFAULT_SPECS}/"
    )


def add_specs_option(parser: argparse.ArgumentParser, *, default: str = "") -> None:
    """``--specs PATH``, repeatable, for every command whose positional argument is something
    else: one definition and one help text. ``args.specs`` is None when not given; pass it
    to :func:`existing_paths`, which gives ``template_specs/`` then (``read`` and
    ``collect`` use the shipped specs instead, and say so through ``default``)."""
    parser.add_argument(
        "--specs",
        action="append",
        metavar="PATH",
        help=SPECS_HELP.format(default=default or f"{DEFAULT_SPECS}/"),
    )


def iso_date(text: str) -> dt.date:
    """An ISO date for a ``--date`` option; argparse reports anything else as a usage error."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date like 2026-04-30") from None


def report_missing(path: str) -> None:
    """Say on standard error that ``path`` does not exist, in the words every command uses:
    ``PATH: missing-path No such file or folder; check the path.`` The caller exits 2."""
    from lks_templates.errors import missing_path
    from lks_templates.words import printable

    print(printable(missing_path(path).format()), file=sys.stderr)


def existing_paths(paths: Sequence[str] | None) -> list[str] | None:
    """``paths`` (``template_specs/`` if none), or None when any does not exist.

    Each missing path is reported (:func:`report_missing`); the caller then exits 2.
    """
    wanted = list(paths or []) or [DEFAULT_SPECS]
    missing = [path for path in wanted if not Path(path).exists()]
    for path in missing:
        report_missing(path)
    return None if missing else wanted


def print_problems(
    problems: Iterable[Problem], summary: str = "", *, stream: TextIO | None = None
) -> None:
    """One line per problem on ``stream`` (standard output by default), then ``summary``,
    if any, on standard error; control characters from files are shown escaped."""
    from lks_templates.words import printable

    for problem in problems:
        print(printable(problem.format()), file=stream or sys.stdout)
    if summary:
        print(summary, file=sys.stderr)


def unwritable_out(out: str, *, folder: bool) -> str | None:
    """Why ``--out out`` cannot be written, as the message to print; None when it can.

    ``folder``: whether ``out`` is a folder to write files into (else a file to write).
    Checked before any work starts, so that a bad ``--out`` costs nothing and leaves nothing
    behind: no folder is created; a probe file is made in the nearest existing folder on the
    way to ``out`` and removed at once.
    """
    path = Path(out)
    try:
        if folder and path.exists() and not path.is_dir():
            return cannot_write(out, "it is a file, not a folder")
        if not folder and path.is_dir():
            return cannot_write(out, "it is a folder, not a file")
        nearest = path if folder else path.parent
        while not nearest.exists() and nearest != nearest.parent:
            nearest = nearest.parent
        if not nearest.is_dir():
            return cannot_write(out, f"{nearest} is a file, not a folder")
        handle, probe = tempfile.mkstemp(prefix=".lks-templates-", suffix=".probe", dir=nearest)
        os.close(handle)
        os.unlink(probe)
    except FileNotFoundError:
        # The folder exists, yet creating a file in it says "no such file" (/proc, /sys).
        return cannot_write(out, "files cannot be created there")
    except OSError as error:
        return cannot_write(out, error)
    return None


def refuse_out(out: str, *, folder: bool) -> bool:
    """True, having said why on standard error, when ``--out out`` cannot be written.

    The caller then exits 2, as for any usage error.
    """
    message = unwritable_out(out, folder=folder)
    if message is not None:
        print(message, file=sys.stderr)
    return message is not None
