"""The rows one read return contributes to values.csv and problems.csv, as plain text.

:func:`rows_of` turns a :class:`~lks_templates.readback.result.Return` into
:class:`FileRows` (raw text, not yet escaped for CSV); :func:`rows_of_problem` does the
same for a problem that is not about a read return (a folder that could not be searched,
a file whose reading crashed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lks_templates.errors import Problem

if TYPE_CHECKING:
    from lks_templates.collection.returns import ReturnRecord
    from lks_templates.collection.versions import VersionNote
    from lks_templates.readback.duplicates import ReturnKey
    from lks_templates.readback.result import Return

VALUE_COLUMNS = (
    "file",
    "template_id",
    "template_version",
    "org_ods_code",
    "kind",
    "field",
    "period",
    "period_start",
    "value",
    "type",
    "problem",
    "duplicate_of",
)
PROBLEM_COLUMNS = (
    "file",
    "template_id",
    "template_version",
    "org_ods_code",
    "severity",
    "code",
    "sheet",
    "cell",
    "field",
    "period",
    "period_start",
    "value",
    "message",
)
CELL_PROBLEMS = frozenset(
    {
        "type-error",
        "formula-in-input",
        "error-value",
        "number-as-text",
        "date-as-text",
        "date-as-number",
        "boolean-as-text",
        "constraint-error",
    }
)
UNUSABLE = frozenset({"type-error", "formula-in-input", "error-value"})
"""Codes of a cell whose content could not be used: ``Return.raw_errors`` holds it."""
SHEET_INDEX = PROBLEM_COLUMNS.index("sheet")
CODE_INDEX = PROBLEM_COLUMNS.index("code")
MESSAGE_INDEX = PROBLEM_COLUMNS.index("message")


@dataclass
class FileRows:
    """Everything one file contributes to the output, as plain text rows."""

    file: str
    readable: bool
    values: list[list[str]]
    problems: list[list[str]]
    duplicate_key: ReturnKey | None
    numbers: list[bool] = field(default_factory=list)
    """For each row of ``problems``: True when its ``value`` is a number, never escaped."""
    severities: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    record: ReturnRecord | None = None
    """The file's row of returns.csv; None for a path that is not a file read."""
    version: VersionNote | None = None
    """How the return's version maps onto its template's current version (None when not
    known: a file not read, or rows made without the specs)."""


def rows_of(result: Return, version: VersionNote | None = None) -> FileRows:
    """The ``values.csv``, ``problems.csv`` and ``returns.csv`` rows of one read return
    (unescaped).

    With ``version`` (see :mod:`~lks_templates.collection.versions`), a field renamed
    since the return's version is written under its current name, in values.csv and
    problems.csv alike (so the two still join on ``field``).
    """
    from lks_templates.collection.returns import record_of
    from lks_templates.readback.duplicates import return_key
    from lks_templates.readback.values import format_number, format_value

    head = [result.file, result.template_id, result.template_version, result.org_ods_code]
    starts = {p.key: p.start.isoformat() if p.start else "" for p in result.periods}
    cell_codes: dict[tuple[str, str], list[str]] = {}
    for problem in result.problems:
        if problem.code in CELL_PROBLEMS:
            cell_codes.setdefault((problem.field, problem.period), []).append(problem.code)
    codes_of = {cell: ";".join(sorted(set(codes))) for cell, codes in cell_codes.items()}
    values: list[list[str]] = []

    def add(kind: str, name: str, key: str, value: Any, kind_of_value: str) -> None:
        values.append(
            [
                *head,
                kind,
                name,
                key,
                starts.get(key, ""),
                value,
                kind_of_value,
                codes_of.get((name, key), ""),
                "",
            ]
        )

    if result.reporting_year is not None:
        add("profile", "reporting_year", "", str(result.reporting_year), "integer")
    elif ("reporting_year", "") in result.raw_errors:
        _add_input(add, "profile", "reporting_year", "", None, result)
    for name, value in result.profile.items():
        _add_input(add, "profile", name, "", value, result)
    # The loops below are the commonest cases of _add_input and add, written out: a return
    # has hundreds of values.
    keys = [(period.key, starts.get(period.key, "")) for period in result.periods]
    for name, series in result.measures.items():
        for (key, start), value in zip(keys, series, strict=False):
            if type(value) is int:
                values.append(
                    [
                        *head,
                        "measure",
                        name,
                        key,
                        start,
                        str(value),
                        "integer",
                        codes_of.get((name, key), ""),
                        "",
                    ]
                )
            elif value is not None or (name, key) in result.raw_errors:
                _add_input(add, "measure", name, key, value, result)
    for name, figures in result.derived.items():
        for (key, start), figure in zip(keys, figures, strict=False):
            if type(figure) is float:
                values.append(
                    [
                        *head,
                        "derived",
                        name,
                        key,
                        start,
                        format_number(figure),
                        "number",
                        codes_of.get((name, key), ""),
                        "",
                    ]
                )
            elif figure is not None and figure != "":
                add("derived", name, key, format_value(figure), _figure_type(figure))
    for name, figure in result.kpis.items():
        if figure is not None and figure != "":
            add("kpi", name, "", format_value(figure), _figure_type(figure))
    problems, numbers = problem_rows_of(result)
    if version is not None:
        from lks_templates.collection.versions import rename_rows

        rename_rows(values, problems, version)
    return FileRows(
        file=result.file,
        readable=result.readable,
        values=values,
        problems=problems,
        duplicate_key=return_key(result),
        numbers=numbers,
        severities=Counter(p.severity for p in result.problems),
        codes=Counter(p.code for p in result.problems),
        record=record_of(result),
        version=version,
    )


def _add_input(
    add: Callable[..., None], kind: str, name: str, key: str, value: Any, result: Return
) -> None:
    from lks_templates.readback.values import format_value

    if type(value) is int:
        add(kind, name, key, str(value), "integer")
    elif value is not None:
        add(kind, name, key, format_value(value), _value_type(value))
    elif (name, key) in result.raw_errors:
        raw = result.raw_errors[(name, key)]
        add(kind, name, key, _raw_text(raw), _raw_type(raw))


def _value_type(value: Any) -> str:
    import datetime as dt

    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return "string"


def _figure_type(figure: Any) -> str:
    kind = _value_type(figure)
    return "number" if kind == "integer" else kind


def _raw_type(raw: object) -> str:
    """The type of an unusable cell content: a number (a decimal in a whole-number field)
    stays a number; anything else is recorded as text."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _value_type(raw)
    return "string"


def _raw_text(raw: object) -> str:
    from lks_templates.readback.values import format_value

    if isinstance(raw, str | int | float | bool):
        return format_value(raw)
    return str(raw)


def _problem_value(result: Return, problem: Problem) -> tuple[str, str]:
    """The offending value of ``problem`` as text, and its type as in values.csv."""
    if problem.code in UNUSABLE and (problem.field, problem.period) in result.raw_errors:
        raw = result.raw_errors[(problem.field, problem.period)]
        return _raw_text(raw), _raw_type(raw)
    if problem.code in CELL_PROBLEMS:
        value: Any = None
        if problem.period:
            series = result.measures.get(problem.field, [])
            keys = [p.key for p in result.periods]
            if problem.period in keys and keys.index(problem.period) < len(series):
                value = series[keys.index(problem.period)]
        else:
            value = result.profile.get(problem.field)
        if value is not None:
            from lks_templates.readback.values import format_value

            return format_value(value), _value_type(value)
    return "", "string"


def problem_rows_of(result: Return) -> tuple[list[list[str]], list[bool]]:
    """The ``problems.csv`` rows of one read return (unescaped), and for each whether its
    ``value`` is a number."""
    head = [result.file, result.template_id, result.template_version, result.org_ods_code]
    starts = {p.key: p.start.isoformat() if p.start else "" for p in result.periods}
    problems: list[list[str]] = []
    numbers: list[bool] = []
    for p in result.problems:
        text, kind = _problem_value(result, p)
        problems.append(
            [
                *head,
                p.severity,
                p.code,
                p.sheet,
                p.cell,
                p.field,
                p.period,
                starts.get(p.period, ""),
                text,
                p.message,
            ]
        )
        numbers.append(kind in ("integer", "number"))
    return problems, numbers


def rows_of_problem(problem: Problem, *, readable: bool = False) -> FileRows:
    """The problems.csv row of a problem that concerns a whole path, not a read return."""
    row = [problem.file, "", "", "", problem.severity, problem.code, problem.sheet]
    row += [problem.cell, problem.field, problem.period, "", "", problem.message]
    return FileRows(
        file=problem.file,
        readable=readable,
        values=[],
        problems=[row],
        duplicate_key=None,
        numbers=[False],
        severities=Counter([problem.severity]),
        codes=Counter([problem.code]),
    )
