"""``lks-templates preview [PATH ...] [--out DIR]``: render dashboard and infographic previews.

Builds every template under PATH (default ``template_specs/``) filled with example values
for a mid-sized acute trust, has LibreOffice recalculate and print it, and writes
``DIR/<template-id>-dashboard.png`` and ``DIR/<template-id>-infographic.png`` (default
``dist/previews/``). Needs LibreOffice (soffice) and pdftoppm (poppler-utils); without them
it says so and exits 1. PNG bytes vary between LibreOffice versions and fonts, so
``lks-templates check`` only checks that the previews exist.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_PATH = "template_specs"
DEFAULT_OUT = "dist/previews"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help=f"spec files or folders; default: {DEFAULT_PATH}/"
    )
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"folder for the PNGs; default: {DEFAULT_OUT}/",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")


def run(args: argparse.Namespace) -> int:
    from lks_templates.build import latest_templates
    from lks_templates.errors import SpecError
    from lks_templates.preview import LibreOfficeError, find_soffice, render_previews

    paths = list(args.paths) or [DEFAULT_PATH]
    missing = [p for p in paths if not Path(p).exists()]
    for path in missing:
        print(f"lks-templates preview: {path}: no such file or folder", file=sys.stderr)
    if missing:
        return 2
    if find_soffice() is None:
        print(
            "lks-templates preview: LibreOffice (soffice) is not installed, and previews are "
            "rendered with it. Install it (Debian/Ubuntu: apt-get install "
            "libreoffice-calc-nogui poppler-utils) and run this again.",
            file=sys.stderr,
        )
        return 1
    try:
        written = render_previews(latest_templates(paths), Path(args.out))
    except SpecError as error:
        for problem in error.problems:
            print(problem.format(), file=sys.stderr)
        return 1
    except LibreOfficeError as error:
        print(f"lks-templates preview: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        for path in written:
            print(f"wrote {path}")
    return 0
