"""``lks-templates example-returns TEMPLATE --services 60 --out DIR``: clearly synthetic
filled returns (names say "Example", ODS codes start EX), to try ``collect`` and
``benchmark`` with. Deterministic for a given ``--seed``.

Exit codes: 0 written; 2 usage error (unknown template, specs that do not load, an --out
folder that cannot be written).
"""

from __future__ import annotations

import argparse
import sys

from lks_templates.commands._common import SHIPPED_SPECS, add_specs_option, refuse_out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("template", metavar="TEMPLATE", help="template id, e.g. monthly-activity")
    parser.add_argument(
        "--services", type=int, default=60, metavar="N", help="how many returns; default 60"
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the returns")
    parser.add_argument("--seed", type=int, default=1, help="random seed; default 1")
    add_specs_option(parser, default=SHIPPED_SPECS)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from lks_templates.benchmarking.examples import write_examples
    from lks_templates.commands.read import load_specs_or_report
    from lks_templates.words import printable

    if args.services < 1:
        print("lks-templates example-returns: --services must be 1 or more.", file=sys.stderr)
        return 2
    specs = load_specs_or_report(args.specs)
    if specs is None:
        return 2
    resolved = specs.resolve(args.template)
    if resolved is None or resolved.is_form:
        ids = ", ".join(t.id for t in specs.templates)
        print(printable(f"lks-templates example-returns: no template has the id "
                        f"`{args.template}`; templates: {ids}."), file=sys.stderr)  # fmt: skip
        return 2
    if refuse_out(args.out, folder=True):
        return 2
    paths = write_examples(resolved, args.services, Path(args.out), seed=args.seed)
    print(printable(f"Wrote {len(paths):,} example returns of {resolved.template.id} "
                    f"into {args.out}."))  # fmt: skip
    return 0
