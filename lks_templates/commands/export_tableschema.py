"""``lks-templates export-tableschema DATASET_ID_OR_FILE [--out FILE] [--specs PATH]``.

Writes a dataset spec as a Frictionless Table Schema (JSON), with the project's own field
keys as ``lks:`` custom properties (``--no-extensions`` leaves them out). The dataset is a
spec file, or the id of a dataset among ``--specs`` (a spec file or folder, repeatable;
default ``template_specs/``). Without
``--out`` the schema goes to standard output. Exit 0 on success, 1 when the dataset cannot
be loaded (its problems are printed), 2 for a usage error (an unknown dataset, a missing
``--specs`` path, an ``--out`` that cannot be written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lks_templates.atomic import cannot_write, write_text_atomically
from lks_templates.commands._common import (
    add_specs_option,
    existing_paths,
    print_problems,
    refuse_out,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", metavar="DATASET_ID_OR_FILE", help="a dataset id or spec file")
    parser.add_argument("--out", metavar="FILE", help="file to write; default: standard output")
    add_specs_option(parser)
    parser.add_argument(
        "--no-extensions",
        dest="extensions",
        action="store_false",
        help="leave out the lks: custom properties (unit, section, frequency, guidance, ...)",
    )


def run(args: argparse.Namespace) -> int:
    from lks_templates.errors import SpecError
    from lks_templates.spec import AnySpec, DatasetSpec, load_spec, load_specs
    from lks_templates.tableschema import export_tableschema

    if args.out is not None and refuse_out(args.out, folder=False):
        return 2
    spec: AnySpec | None
    try:
        if Path(args.dataset).is_file():
            spec = load_spec(args.dataset)
        else:
            specs = existing_paths(args.specs)
            if specs is None:
                return 2
            spec = load_specs(specs).get(args.dataset)
    except SpecError as error:
        print_problems(error.problems)
        return 1
    if not isinstance(spec, DatasetSpec):
        what = "is not a dataset spec" if spec is not None else "is neither a file nor a dataset id"
        print(f"lks-templates export-tableschema: {args.dataset} {what}", file=sys.stderr)
        return 2
    text = json.dumps(
        export_tableschema(spec, extensions=args.extensions), indent=2, ensure_ascii=False
    )
    if not args.extensions:
        print(
            "Left out the lks: properties (unit, section, frequency, guidance, standard).",
            file=sys.stderr,
        )
    if args.out is not None:
        try:
            write_text_atomically(Path(args.out), text + "\n")
        except OSError as error:  # the folder changed since it was checked, or the disk is full
            print(cannot_write(args.out, error), file=sys.stderr)
            return 2
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text)
    return 0
