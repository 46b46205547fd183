"""``lks-templates read FILE``: read one filled workbook and print its values and problems.

Exit codes: see :data:`EXIT_CODES` (shown at the end of ``--help``).

Everything printed that came from the workbook or the file system (cell values, sheet and
file names, problem messages) goes through :func:`lks_templates.words.printable`, so a
crafted cell cannot move the cursor, clear the screen or overwrite a line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lks_templates.commands._common import (
    SHIPPED_SPECS,
    add_specs_option,
    existing_paths,
    print_problems,
    report_missing,
)
from lks_templates.words import printable

if TYPE_CHECKING:
    from lks_templates.readback.result import Return
    from lks_templates.spec import SpecSet
    from lks_templates.spec.models import ResolvedTemplate


EXIT_CODES = (
    "Exit codes: 0 the file was read, even when it has problems (errors included: they are "
    "printed, not counted in the exit code); 1 the file could not be read (not a workbook, "
    "damaged, or not one of these templates); 2 usage error (no such file, a folder, specs "
    "that do not load)."
)
"""What each exit code means; the epilog of ``--help`` and the README say the same."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a filled workbook (.xlsx)")
    add_specs_option(parser, default=SHIPPED_SPECS)
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def run(args: argparse.Namespace) -> int:
    from lks_templates.readback import read_return

    path = Path(args.file)
    if path.is_dir():
        import shlex

        print(
            printable(
                f"{args.file}: is a folder; read takes one workbook. To read every workbook "
                f"in it, run: lks-templates collect {shlex.quote(args.file)} --out DIR"
            ),
            file=sys.stderr,
        )
        return 2
    if not path.is_file():
        report_missing(args.file)
        return 2
    specs = load_specs_or_report(args.specs)
    if specs is None:
        return 2
    result = read_return(path, specs=specs)
    if args.json:
        print(json.dumps(_as_json(result), indent=2, default=str))
    else:
        _print_text(result, specs)
    return 0 if result.readable else 1


def load_specs_or_report(paths: list[str] | None) -> SpecSet | None:
    """The specs of ``--specs`` (the shipped ones when None); None, with every problem
    printed to standard error, when they do not load."""
    from lks_templates.errors import SpecError
    from lks_templates.readback.read import load_spec_set

    if paths is not None and existing_paths(paths) is None:
        return None
    try:
        return load_spec_set(paths)
    except SpecError as exc:
        print_problems(
            exc.problems,
            "The specs did not load; fix them or choose another --specs folder.",
            stream=sys.stderr,
        )
        return None


def _as_json(result: Return) -> dict[str, Any]:
    return {
        "file": result.file,
        "readable": result.readable,
        "template_id": result.template_id,
        "template_version": result.template_version,
        "reporting_year": result.reporting_year,
        "profile": result.profile,
        "periods": [{"period": p.key, "period_start": p.start} for p in result.periods],
        "measures": result.measures,
        "last_year": result.last_year,
        "year_on_year": {
            name: {
                "this_year": row.this_year,
                "last_year": row.last_year,
                "change": row.change,
                "change_percent": row.change_percent,
            }
            for name, row in result.year_on_year.items()
        },
        "derived": result.derived,
        "kpis": result.kpis,
        "kpi_needs": result.kpi_needs,
        "kpi_notes": result.kpi_notes,
        "coverage": result.coverage,
        "periods_entered": result.periods_entered,
        "problems": [p.as_dict() for p in result.problems],
    }


TABLE_WIDTH = 100
"""Widest line of the values table; wider years are printed in blocks of periods."""


def _out(line: str = "") -> None:
    """Print one line, escaping any control character in it (see the module docstring)."""
    print(printable(line))


def _print_text(result: Return, specs: SpecSet) -> None:
    if not result.readable:
        for problem in result.problems:
            _out(problem.format())
        return
    resolved = specs.resolve(result.template_id, result.template_version)
    template = resolved.template if resolved is not None else None
    # A form has no derived figures or KPIs.
    from lks_templates.rules.numbers import shown_format

    formats = {
        item.name: shown_format(item.format, item.unit)
        for item in [*getattr(template, "derived", []), *getattr(template, "kpis", [])]
    }
    year = f", reporting year {result.reporting_year}" if result.reporting_year else ""
    _out(f"{result.file}: {result.template_id} {result.template_version}{year}")
    if result.coverage:
        _out(f"Covers {result.coverage}")
    if result.profile:
        _out()
        _out("Fields:" if result.kind == "form" else "Profile (entered once):")
        _print_pairs(
            [
                (name, _entered(result, name, "", value, limit=60))
                for name, value in result.profile.items()
            ]
        )
    if result.measures:
        _out()
        _out("Values by period (figures below the line are recomputed from those above):")
        for line in _period_table(result, _period_labels(result, resolved), formats):
            _out(line)
    if result.year_on_year:
        _out()
        _out(
            "Year on year (Year to date beside last year's figures for the same periods, "
            "recomputed):"
        )
        for line in _year_on_year_table(result, resolved):
            _out(line)
    if result.raw_errors:
        _out()
        _out(
            f"  {NOT_READ} not read: a value of the wrong type or a formula, counted as blank "
            "(see Problems)."
        )
    if result.kpis:
        _out()
        _out("KPIs (recomputed from the values entered):")
        _print_pairs(
            [
                (name, _kpi_text(result, name, value, formats.get(name)))
                for name, value in result.kpis.items()
            ]
        )
    from lks_templates.words import counted

    counts = f"{counted(len(result.errors), 'error')}, {counted(len(result.warnings), 'warning')}"
    _out()
    _out(f"Problems: {counts}" + (":" if result.problems else "."))
    for problem in result.problems:
        _out(f"  {problem.format()}")


def _kpi_text(result: Return, name: str, value: Any, number_format: str | None) -> str:
    """A KPI as its tile shows it: the number and any part-year note (``£1.20  (Annual
    figure over 3 of 12 months)``), or what it needs while blank."""
    shown = _figure(value, number_format)
    if not shown:
        return result.kpi_needs.get(name, "")
    note = result.kpi_notes.get(name, "")
    return f"{shown}  ({note})" if note else shown


def _print_pairs(pairs: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in pairs)
    for name, text in pairs:
        _out(f"  {name:<{width}}  {text}".rstrip())


NOT_READ = "*"
"""Marks a cell shown as typed but not read (a ``type-error`` or ``formula-in-input``)."""


def _entered(result: Return, name: str, key: str, value: Any, limit: int = 12) -> str:
    """An entered value as read; what was typed, marked, when it could not be read."""
    if value is None and (name, key) in result.raw_errors:
        text = " ".join(_shown(result.raw_errors[(name, key)]).split())
        return (text if len(text) <= limit else text[: limit - 1] + "…") + NOT_READ
    return _shown(value)


def _shown(value: Any) -> str:
    """An entered value as read: blank when None, Yes/No, numbers without a spurious .0;
    control characters escaped (before the table measures its columns)."""
    from lks_templates.readback.values import format_value

    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str | int | float | dt.date):
        return printable(format_value(value))
    return printable(str(value))


def _figure(value: Any, number_format: str | None) -> str:
    """A recomputed figure as the workbook shows it (its spec's number format)."""
    if number_format and isinstance(value, int | float) and not isinstance(value, bool):
        from lks_templates.rules.numbers import format_number

        return format_number(value, number_format)
    return _shown(value)


def _period_labels(result: Return, resolved: ResolvedTemplate | None) -> list[str]:
    """``Apr 2026`` (``Apr`` while the year is blank), ``Q1 2026-27``, ``2026-27``."""
    period = getattr(resolved.template, "period", None) if resolved is not None else None
    if period is None:
        return [p.key for p in result.periods]
    from lks_templates.rules.periods import period_slots

    return [
        slot.label(result.reporting_year, period.year_start_month) for slot in period_slots(period)
    ]


def _period_table(result: Return, labels: list[str], formats: dict[str, str]) -> list[str]:
    """The values by period as lines of text: one row per measure, then the derived
    figures; a column per period, headed by its label and key, in blocks that fit
    :data:`TABLE_WIDTH`."""
    keys = [p.key for p in result.periods]
    rows = [
        (name, [_entered(result, name, key, v) for key, v in zip(keys, series, strict=True)])
        for name, series in result.measures.items()
    ]
    rows.append(("", []))  # the line between entered and recomputed figures
    rows += [
        (name, [_figure(v, formats.get(name)) for v in series])
        for name, series in result.derived.items()
    ]
    name_width = max(len(name) for name, _ in rows)
    width = max(len(text) for text in [*labels, *keys, *(t for _, row in rows for t in row)])
    count = len(keys)
    per_block = next(
        size
        for size in range(count, 0, -1)
        if count % size == 0 and (size == 1 or 2 + name_width + size * (width + 2) <= TABLE_WIDTH)
    )
    lines: list[str] = []
    for first in range(0, count, per_block):
        part = slice(first, first + per_block)
        if lines:
            lines.append("")
        lines.append(_table_line("", labels[part], name_width, width))
        lines.append(_table_line("", keys[part], name_width, width))
        for name, texts in rows:
            lines.append(
                _table_line(name, texts[part], name_width, width)
                if name
                else "  " + "-" * (name_width + len(keys[part]) * (width + 2))
            )
    return lines


def _year_on_year_table(result: Return, resolved: ResolvedTemplate | None) -> list[str]:
    """One line per measure: Year to date, Last year, Change and Change %, as the Data
    sheet shows them (each measure's number format; blank where the sheet is blank)."""
    from lks_templates.rules.numbers import format_number

    fields = {f.name: f for f in resolved.measure_fields} if resolved is not None else {}

    def shown(value: float | None, name: str) -> str:
        if value is None:
            return ""
        field = fields.get(name)
        whole = field is not None and field.type == "integer" and field.aggregate != "mean"
        places = 0 if whole else 2
        return format_number(value, "#,##0" if places == 0 else "#,##0.00")

    def percent(value: float | None) -> str:
        # Rounded as the workbook rounds (half away from zero), signed as it shows it.
        return "" if value is None else ("+" if value > 0 else "") + format_number(value, "0.0%")

    several = len(result.periods) > 1
    head = ["Year to date" if several else "This year", "Last year", "Change", "Change %"]
    rows = [
        [
            shown(row.this_year, name),
            shown(row.last_year, name),
            ("+" if (row.change or 0) > 0 else "") + shown(row.change, name),
            percent(row.change_percent),
        ]
        for name, row in result.year_on_year.items()
    ]
    names = list(result.year_on_year)
    name_width = max(len(name) for name in names)
    width = max(len(text) for text in [*head, *(t for row in rows for t in row)])
    lines = [_table_line("", head, name_width, width)]
    lines += [_table_line(n, row, name_width, width) for n, row in zip(names, rows, strict=True)]
    return lines


def _table_line(name: str, texts: list[str], name_width: int, width: int) -> str:
    return (f"  {name:<{name_width}}" + "".join(f"  {text:>{width}}" for text in texts)).rstrip()
