"""The ``lks-templates`` command line.

Thin by design: each subcommand lives in ``lks_templates/commands/<name>.py`` with
``add_arguments(parser)`` and ``run(args) -> int``; it calls one library function, prints
the report and returns the exit code. Subcommand modules are imported only when used, so
start-up stays fast.

Exit codes: 0 success; 1 the work ran and found problems (invalid specs, stale dist/,
unreadable returns); 2 usage error; 130 interrupted; 141 the output pipe was closed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from lks_templates import __version__

# name -> (module, one-line help). Order is the order shown in --help.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("validate", "check spec files and print every problem, located"),
    "schema": ("schema", "write the JSON Schema of the spec language"),
    "build": ("build", "build template workbooks from specs into dist/"),
    "check": ("check", "rebuild into a temporary folder and compare with dist/"),
    "release": ("release", "record each template and form version as released (a snapshot)"),
    "diff": (
        "diff",
        "list what changed since the last release and whether the version bump is enough",
    ),
    "audit": ("audit", "check workbooks against the accessibility checklist (WCAG 2.2 AA)"),
    "preview": ("preview", "render dashboard and infographic previews (needs LibreOffice)"),
    "docs": ("docs", "write the data dictionary and FAQ pages under docs/"),
    "import-tableschema": (
        "import_tableschema",
        "turn a Frictionless Table Schema into a dataset spec",
    ),
    "export-tableschema": (
        "export_tableschema",
        "write a dataset spec as a Frictionless Table Schema",
    ),
    "read": ("read", "read one filled workbook and print its values and problems"),
    "collect": ("collect", "collect many filled workbooks into tidy CSV files"),
    "migrate": ("migrate", "carry a filled return into a newer version of its template"),
    "rollover": (
        "rollover",
        "start next year's workbook from a return, last year's figures beside",
    ),
    "import-counter": (
        "import_counter",
        "fill an e-resources return from COUNTER R5 / R5.1 usage reports",
    ),
    "benchmark": ("benchmark", "compare each service's KPIs with its peers (quartiles, funnels)"),
    "example-returns": (
        "example_returns",
        "write clearly synthetic filled returns to try collect and benchmark with",
    ),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lks-templates",
        description="Build NHS LKS statistics templates from YAML specs, and read them back.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, description=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # pydantic looks for plugins (observability hooks) by reading the metadata of every
    # installed package as it builds the first model: milliseconds per hundred packages, for
    # hooks a command line has no use for. Set the variable to anything to choose otherwise.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    parser = _parser()
    if not args_list:
        # No command is a usage error like any other; --help lists the commands.
        parser.print_usage(sys.stderr)
        print("lks-templates: name a command; `lks-templates --help` lists them.", file=sys.stderr)
        return 2
    if args_list[0] not in COMMANDS:
        # Top-level --help or --version (exit 0), or an unknown command (argparse says which,
        # exit 2).
        parser.parse_args(args_list)
        return 2
    name = args_list[0]
    module = importlib.import_module(f"lks_templates.commands.{COMMANDS[name][0]}")
    # A command that defines EXIT_CODES ends its --help with them, from the one wording.
    sub = argparse.ArgumentParser(
        prog=f"lks-templates {name}",
        description=COMMANDS[name][1],
        epilog=getattr(module, "EXIT_CODES", None),
    )
    module.add_arguments(sub)
    args = sub.parse_args(args_list[1:])
    try:
        code = int(module.run(args))
        sys.stdout.flush()  # inside the try: a closed pipe shows up here
        return code
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`lks-templates read FILE | head`): stop quietly, as Unix
        # tools do, and point stdout at devnull so the interpreter's last flush is silent.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
