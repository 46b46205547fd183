"""``lks-templates preview [PATH ...] [--out DIR]``: render dashboard and infographic previews.

Builds every template under PATH (default ``template_specs/``) filled with example values
for a mid-sized acute trust, has LibreOffice recalculate and print it, and writes
``DIR/<template-id>-dashboard.png`` and ``DIR/<template-id>-infographic.png`` (default
``dist/previews/``), and two pages of one example service's benchmark workbook
(``benchmark-service.png``, ``benchmark-service-funnels.png``) when the benchmark spec
``monthly-activity-peers`` is among the specs. Needs LibreOffice (soffice) and pdftoppm
(poppler-utils); without them it says so and exits 1. An ``--out`` that cannot be written
is a usage error (exit 2). PNG bytes vary between LibreOffice versions and fonts, so
``lks-templates check`` only checks that the previews exist.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lks_templates.atomic import cannot_write
from lks_templates.commands._common import (
    DEFAULT_DIST,
    add_spec_paths,
    existing_paths,
    print_problems,
    refuse_out,
)

DEFAULT_OUT = f"{DEFAULT_DIST}/previews"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec_paths(parser)
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"folder for the PNGs; default: {DEFAULT_OUT}/",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")


def run(args: argparse.Namespace) -> int:
    from lks_templates.benchmarking.preview_service import render_service_previews
    from lks_templates.errors import SpecError
    from lks_templates.plancheck import latest_resolved
    from lks_templates.preview import PREVIEW_DPI, LibreOfficeError, find_soffice, render_previews
    from lks_templates.spec import load_specs

    paths = existing_paths(args.paths)
    if paths is None or refuse_out(args.out, folder=True):
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
        specs = load_specs(paths)
        written = render_previews(latest_resolved(specs), Path(args.out))
        # One service's benchmark workbook, from example returns, when its spec is here.
        written += render_service_previews(specs, Path(args.out), dpi=PREVIEW_DPI)
    except SpecError as error:
        print_problems(error.problems, stream=sys.stderr)
        return 1
    except LibreOfficeError as error:
        print(f"lks-templates preview: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # the folder changed since it was checked, or the disk is full
        print(cannot_write(args.out, error), file=sys.stderr)
        return 2
    if not args.quiet:
        for path in written:
            print(f"wrote {path}")
    return 0
