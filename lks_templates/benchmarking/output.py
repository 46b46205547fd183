"""Writing a benchmark's CSV files and their Frictionless data package, each atomically."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lks_templates.atomic import write_text_atomically
from lks_templates.benchmarking.compare import (
    BENCHMARK_COLUMNS,
    FUNNEL_COLUMNS,
    POSITION_COLUMNS,
    Outcome,
    Row,
)

_NUMBERS = {"n", "q1", "median", "q3", "min", "max", "value", "quartile",
            *(c for c in FUNNEL_COLUMNS if c != "funnel_position")}  # fmt: skip
_INTEGERS = {"n", "quartile"}

_DESCRIPTIONS = {
    "benchmark_id": "Id of the benchmark spec.",
    "benchmark_version": "Version of the benchmark spec.",
    "peer_group": "Name of the peer group in the benchmark spec.",
    "group": "The group within the peer group: the shared value, the size band, or for "
    "`nearest` the ODS code of the service whose peers they are.",
    "kpi": "KPI name as in the template spec.",
    "n": "Services in the group with a value for the KPI.",
    "q1": "Lower quartile (linear interpolation); empty when suppressed.",
    "median": "Median; empty when suppressed.",
    "q3": "Upper quartile (linear interpolation); empty when suppressed.",
    "min": "Smallest value; empty unless the spec says show_range, or when suppressed.",
    "max": "Largest value; empty unless the spec says show_range, or when suppressed.",
    "suppressed": "true when n is below the spec's min_group_size: no statistic is shown.",
    "org_ods_code": "The service's ODS code.",
    "org_name": "The service's name as entered. Text starting with = + - @ tab CR or ' has "
    "one extra leading '.",
    "value": "The service's KPI value; empty when blank or when its inputs have errors.",
    "quartile": "1 + the number of q1, median, q3 the value is strictly above (1 lowest).",
    "funnel_numerator": "The service's count (the funnel's numerator).",
    "funnel_denominator": "The service's population (the funnel's denominator).",
    "funnel_rate": "numerator / denominator x per.",
    "funnel_group_rate": "The group's pooled rate: sum of numerators / sum of denominators x per.",
    "funnel_lower_95": "Lower 95% control limit for the service's denominator.",
    "funnel_upper_95": "Upper 95% control limit.",
    "funnel_lower_998": "Lower 99.8% control limit.",
    "funnel_upper_998": "Upper 99.8% control limit.",
    "funnel_position": "inside, above_95, above_998, below_95 or below_998.",
}


def cell(name: str, value: object) -> str:
    """The CSV text of one cell: numbers plainly, booleans as true/false, text escaped."""
    from lks_templates.collection import escape_text
    from lks_templates.readback.values import format_number

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    return escape_text(str(value))


def csv_text(columns: Sequence[str], rows: Sequence[Row]) -> str:
    """The CSV file of ``rows`` (dicts keyed by column), in the project's one dialect."""
    from lks_templates.collection.output import format_row

    lines = [format_row(columns)]
    lines += [format_row([cell(c, row.get(c)) for c in columns]) for row in rows]
    return "".join(line + "\n" for line in lines)


def _problems_text(rows: Sequence[Sequence[object]], numbers: Sequence[bool]) -> str:
    from lks_templates.collection import PROBLEM_COLUMNS, escape_text
    from lks_templates.collection.output import format_row

    value_at = PROBLEM_COLUMNS.index("value")
    lines = [format_row(PROBLEM_COLUMNS)]
    for row, number in zip(rows, numbers, strict=True):
        texts = [str(v) if (i == value_at and number) else escape_text(str(v))
                 for i, v in enumerate(row)]  # fmt: skip
        lines.append(format_row(texts))
    return "".join(line + "\n" for line in lines)


def write_tables(
    out: Path, outcome: Outcome, problems: Sequence[Sequence[object]], numbers: Sequence[bool]
) -> list[Path]:
    """Write benchmark.csv, positions.csv, problems.csv and datapackage.json into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_text_atomically(
            out / "benchmark.csv", csv_text(BENCHMARK_COLUMNS, outcome.benchmark)
        ),
        write_text_atomically(out / "positions.csv", csv_text(POSITION_COLUMNS, outcome.positions)),
        write_text_atomically(out / "problems.csv", _problems_text(problems, numbers)),
    ]
    text = json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n"
    written.append(write_text_atomically(out / "datapackage.json", text))
    return written


def _schema(columns: Sequence[str]) -> dict[str, Any]:
    def kind(name: str) -> str:
        if name in _INTEGERS:
            return "integer"
        if name in _NUMBERS:
            return "number"
        return "boolean" if name == "suppressed" else "string"

    return {
        "fields": [{"name": c, "type": kind(c), "description": _DESCRIPTIONS[c]} for c in columns],
        "missingValues": [""],
    }


def datapackage() -> dict[str, Any]:
    """The Frictionless data package of a benchmark's three CSV files."""
    from lks_templates.collection import datapackage as collected

    problems = next(r for r in collected()["resources"] if r["name"] == "problems")
    base = {k: v for k, v in problems.items() if k not in ("name", "path", "schema")}
    return {
        "name": "lks-benchmark",
        "title": "LKS statistics benchmark",
        "profile": "tabular-data-package",
        "resources": [
            {"name": "benchmark", "path": "benchmark.csv", **base,
             "schema": _schema(BENCHMARK_COLUMNS)},
            {"name": "positions", "path": "positions.csv", **base,
             "schema": _schema(POSITION_COLUMNS)},
            problems,
        ],
    }  # fmt: skip
