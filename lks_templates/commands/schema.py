"""``lks-templates schema [--out FILE]``: write the JSON Schema of the spec language.

Without ``--out`` the schema goes to standard output. The repository keeps a copy at
``schema/lks-spec.schema.json`` for editors (``# yaml-language-server: $schema=...``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lks_templates.atomic import write_text_atomically


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", metavar="FILE", help="write the schema to FILE instead of standard output"
    )


def run(args: argparse.Namespace) -> int:
    from lks_templates.spec.schema import schema_text

    text = schema_text()
    if args.out is None:
        sys.stdout.write(text)
        return 0
    target = Path(args.out)
    try:
        write_text_atomically(target, text)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        print(f"lks-templates schema: cannot write {target}: {reason}", file=sys.stderr)
        return 1
    return 0
