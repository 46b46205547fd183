"""``lks-templates rollover FILLED --out NEXT.xlsx``: next year's workbook, last year beside.

FILLED is this year's filled return (or a folder of them; ``--out`` is then a folder).
Writes the latest version of its template for the same service: the reporting year plus
one, the profile carried (but fields whose dataset definition says ``rollover: clear``,
counted afresh each year), this year's period cells blank, and this year's period values
as last year's (``lks_last_year_<measure>``, through renames). The input is never changed.

Exit codes: see :data:`EXIT_CODES` (shown at the end of ``--help``); the same checks and
report as ``migrate``.
"""

from __future__ import annotations

import argparse

from lks_templates.commands._common import SHIPPED_SPECS, add_specs_option

EXIT_CODES = (
    "Exit codes: 0 every workbook was written with every value carried (cleared fields "
    "apart); 1 some value was not carried (each is listed, located), or some return could "
    "not be read or rolled over (the others were still written); 2 usage error (no such "
    "file, no workbook in the folder, specs that do not load, an --out that cannot be "
    "written or is the input itself)."
)
"""What each exit code means; the epilog of ``--help`` and the README say the same."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "filled", metavar="FILLED", help="this year's filled return (.xlsx), or a folder of them"
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="NEXT",
        help="next year's workbook (.xlsx); a folder when FILLED is a folder",
    )
    add_specs_option(parser, default=SHIPPED_SPECS)


def run(args: argparse.Namespace) -> int:
    from lks_templates.commands.migrate import run_carry

    return run_carry(args, rollover=True)
