"""``lks-templates import-tableschema SCHEMA [--id ID] [--out FILE] [--rename]``.

Turns a Frictionless Table Schema (JSON, or YAML) into a dataset spec (YAML). Every problem
is printed as ``FILE:LINE:COL: CODE message``: errors (a field name that cannot be a spec
name, an unsupported type) stop the import; warnings (keys left out, converted types or
names) do not. ``--rename`` converts invalid field names instead of refusing them (see
``lks_templates.tableschema`` for the rule). Without ``--out`` the spec goes to standard
output. Exit 0 on success, 1 when there are errors, 2 for a usage error (a missing
SCHEMA, a bad ``--id``, an ``--out`` that cannot be written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lks_templates.atomic import cannot_write, write_text_atomically
from lks_templates.commands._common import refuse_out, report_missing
from lks_templates.words import counted


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("schema", metavar="SCHEMA", help="a Table Schema file (.json, .yaml)")
    parser.add_argument(
        "--id",
        dest="dataset_id",
        metavar="ID",
        help="id of the new dataset; default: the schema's lks:id, else the file name",
    )
    parser.add_argument("--out", metavar="FILE", help="file to write; default: standard output")
    parser.add_argument(
        "--rename", action="store_true", help="convert field names that are not valid spec names"
    )


def run(args: argparse.Namespace) -> int:
    import yaml

    from lks_templates.spec.models import ID_PATTERN
    from lks_templates.tableschema import convert_tableschema

    if not Path(args.schema).is_file():
        report_missing(args.schema)
        return 2
    if args.dataset_id is not None and not _valid_id(args.dataset_id, ID_PATTERN):
        print(
            f"lks-templates import-tableschema: --id {args.dataset_id!r} must be lower-case "
            "words joined by hyphens, e.g. my-dataset",
            file=sys.stderr,
        )
        return 2
    if args.out is not None and refuse_out(args.out, folder=False):
        return 2
    result = convert_tableschema(args.schema, dataset_id=args.dataset_id, rename=args.rename)
    for problem in result.problems:
        print(problem.format(), file=sys.stderr)
    if result.errors:
        print(f"{counted(len(result.errors), 'error')}: nothing written.", file=sys.stderr)
        return 1
    text = yaml.safe_dump(result.data, sort_keys=False, allow_unicode=True, width=100)
    if args.out is not None:
        try:
            write_text_atomically(Path(args.out), text)
        except OSError as error:  # the folder changed since it was checked, or the disk is full
            print(cannot_write(args.out, error), file=sys.stderr)
            return 2
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _valid_id(value: str, pattern: str) -> bool:
    import re

    return re.match(pattern, value) is not None
