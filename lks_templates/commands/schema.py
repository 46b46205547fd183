"""``lks-templates schema [--out FILE]``: write the JSON Schema of the spec language.

Without ``--out`` the schema goes to standard output. The repository keeps a copy at
``schema/lks-spec.schema.json`` for editors (``# yaml-language-server: $schema=...``).
An ``--out`` that cannot be written is a usage error (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lks_templates.atomic import cannot_write, write_text_atomically
from lks_templates.commands._common import refuse_out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="FILE", help="file to write; default: standard output")


def run(args: argparse.Namespace) -> int:
    from lks_templates.spec.schema import schema_text

    if args.out is not None and refuse_out(args.out, folder=False):
        return 2
    text = schema_text()
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_text_atomically(Path(args.out), text)
    except OSError as error:  # the folder changed since it was checked, or the disk is full
        print(cannot_write(args.out, error), file=sys.stderr)
        return 2
    return 0
