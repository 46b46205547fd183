"""``lks-templates read FILE``: read one filled workbook and print its values and problems.

Exit codes: 0 the file was read (problems may exist); 1 it could not be read; 2 usage
error (no such file, specs that do not load).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a filled workbook (.xlsx)")
    parser.add_argument("--specs", action="append", metavar="DIR",
                        help="spec files or folders to check against (default: the shipped "
                             "specs); may be repeated")
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def run(args: argparse.Namespace) -> int:
    from lks_templates.errors import SpecError
    from lks_templates.readback import read_return
    from lks_templates.readback.read import load_spec_set

    path = Path(args.file)
    if not path.is_file():
        print(f"{args.file}: no such file; check the path.", file=sys.stderr)
        return 2
    try:
        specs = load_spec_set(args.specs)
    except SpecError as exc:
        for problem in exc.problems:
            print(problem.format(), file=sys.stderr)
        return 2
    result = read_return(path, specs=specs)
    if args.json:
        print(json.dumps(_as_json(result), indent=2, default=str))
    else:
        _print_text(result)
    return 0 if result.readable else 1


def _as_json(result: Any) -> dict[str, Any]:
    return {
        "file": result.file,
        "readable": result.readable,
        "template_id": result.template_id,
        "template_version": result.template_version,
        "reporting_year": result.reporting_year,
        "profile": result.profile,
        "periods": [{"period": p.key, "period_start": p.start} for p in result.periods],
        "measures": result.measures,
        "derived": result.derived,
        "kpis": result.kpis,
        "problems": [p.as_dict() for p in result.problems],
    }


def _print_text(result: Any) -> None:
    from lks_templates.readback.values import format_value

    if not result.readable:
        for problem in result.problems:
            print(problem.format())
        return
    year = f", reporting year {result.reporting_year}" if result.reporting_year else ""
    print(f"{result.file}: {result.template_id} {result.template_version}{year}")
    if result.profile:
        print("Profile:")
        for name, value in result.profile.items():
            print(f"  {name}: {'' if value is None else format_value(value)}")
    if result.measures:
        import pandas as pd

        with pd.option_context("display.max_columns", None, "display.width", 200):
            print("Values by period:")
            print(result.values.T.to_string(na_rep=""))
    if result.kpis:
        print("KPIs:")
        for name, value in result.kpis.items():
            print(f"  {name}: {'' if value is None else format_value(value)}")
    counts = f"{len(result.errors)} errors, {len(result.warnings)} warnings"
    print(f"Problems: {counts}" + (":" if result.problems else "."))
    for problem in result.problems:
        print(f"  {problem.format()}")
