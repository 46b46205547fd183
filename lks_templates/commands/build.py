"""``lks-templates build [PATH ...] [--out DIR]``: build template workbooks into ``dist/``.

PATH: spec files or folders (datasets are found among them by id); default
``template_specs/``. Writes ``DIR/<template-id>.xlsx`` for the latest version of every
template and form, and ``DIR/README.md``. Invalid specs: prints every located problem and
exits 1. A path that does not exist is a usage error (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_PATH = "template_specs"
DEFAULT_OUT = "dist"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help=f"spec files or folders; default: {DEFAULT_PATH}/"
    )
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"folder to write the workbooks into; default: {DEFAULT_OUT}/",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")


def missing_paths(paths: list[str], command: str) -> bool:
    """Print a usage error for each path that does not exist; True if any."""
    missing = [path for path in paths if not Path(path).exists()]
    for path in missing:
        print(f"lks-templates {command}: {path}: no such file or folder", file=sys.stderr)
    return bool(missing)


def run(args: argparse.Namespace) -> int:
    from lks_templates.build import build_all
    from lks_templates.errors import LksError

    paths = list(args.paths) or [DEFAULT_PATH]
    if missing_paths(paths, "build"):
        return 2
    try:
        written = build_all(paths, args.out)
    except LksError as error:
        for problem in error.problems:
            print(problem.format())
        print(f"Nothing built: {len(error.problems)} problem(s) to fix first.", file=sys.stderr)
        return 1
    if not args.quiet:
        for path in written:
            print(f"wrote {path}")
    return 0
