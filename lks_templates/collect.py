"""Collect many returned workbooks into tidy tables: values, problems and a data package.

Files are read one at a time (optionally by several processes) and their rows streamed
to the output files, so memory stays flat however many returns there are. Input paths are
sorted first, so the same files always give the same output, whatever ``jobs`` is.

Duplicates: two returns for the same organisation, template and reporting year are the
same return sent twice (see :mod:`lks_templates.readback.duplicates`). The first file, in
path order, is kept as is; every later one gets a ``duplicate-return`` problem and its rows
in ``values.csv`` carry the first file's path in ``duplicate_of``. Nothing is summed and
nothing is dropped: filter on an empty ``duplicate_of`` to count each return once.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import sys
import tempfile
import types
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from lks_templates.errors import Problem

if TYPE_CHECKING:
    import pandas as pd

    from lks_templates.readback.context import ReadContext
    from lks_templates.readback.duplicates import ReturnKey
    from lks_templates.readback.result import Return
    from lks_templates.spec.specset import SpecSource

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
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls", ".ods"})
"""Files picked up when a folder is collected (anything given by name is always read)."""
INJECTION_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
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
_VALUE_INDEX = VALUE_COLUMNS.index("value")
_TYPE_INDEX = VALUE_COLUMNS.index("type")
_SHEET_INDEX = PROBLEM_COLUMNS.index("sheet")
_PROBLEM_VALUE_INDEX = PROBLEM_COLUMNS.index("value")


def escape_text(text: str) -> str:
    """Guard a CSV text cell against formula injection, reversibly.

    Text starting with ``= + - @``, a tab, a carriage return or a single quote gets one
    more single quote in front; to recover the raw text remove exactly one leading quote
    from any text cell that starts with one. Numbers are never escaped.
    """
    return "'" + text if text.startswith(INJECTION_STARTS) else text


def unescape_text(text: str) -> str:
    """The raw text of a cell written by :func:`escape_text`."""
    return text[1:] if text.startswith("'") else text


# -- finding files ------------------------------------------------------------------------


def find_returns(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Workbook files under ``paths`` (files as given; folders searched recursively).

    Returns the files, sorted by path and without repeats, and the paths that do not exist.
    Hidden files and folders and Excel's ``~$`` lock files are skipped inside folders.
    """
    found: dict[str, Path] = {}
    missing: list[str] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            for candidate in path.rglob("*"):
                parts = candidate.relative_to(path).parts
                if (
                    candidate.suffix.lower() in WORKBOOK_SUFFIXES
                    and candidate.is_file()
                    and not any(p.startswith((".", "~$")) for p in parts)
                ):
                    found[candidate.as_posix()] = candidate
        elif path.is_file():
            found[path.as_posix()] = path
        else:
            missing.append(str(item))
    return [found[key] for key in sorted(found)], missing


# -- one file -> rows ---------------------------------------------------------------------


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


def rows_of(result: Return) -> FileRows:
    """The ``values.csv`` and ``problems.csv`` rows of one read return (unescaped)."""
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
    return FileRows(
        file=result.file,
        readable=result.readable,
        values=values,
        problems=problems,
        duplicate_key=return_key(result),
        numbers=numbers,
        severities=Counter(p.severity for p in result.problems),
        codes=Counter(p.code for p in result.problems),
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


# -- the run ------------------------------------------------------------------------------

_WORKER_SPECS: SpecSource = None
_WORKER_CONTEXT: ReadContext | None = None


def _init_worker(specs: SpecSource) -> None:
    # One ReadContext per run (and per worker process): contracts are prepared once.
    from lks_templates.readback.context import ReadContext

    global _WORKER_SPECS, _WORKER_CONTEXT
    _WORKER_SPECS = specs
    _WORKER_CONTEXT = ReadContext()


def _read_one(path: Path) -> FileRows:
    from lks_templates.readback import read_return

    return rows_of(
        read_return(path, specs=_WORKER_SPECS, file=path.as_posix(), context=_WORKER_CONTEXT)
    )


def iter_file_rows(
    files: Sequence[Path], *, specs: SpecSource = None, jobs: int = 1
) -> Iterator[FileRows]:
    """Read ``files`` in order, yielding each file's rows; ``jobs`` > 1 uses processes.

    The order (and so the output) is the same for any ``jobs``.
    """
    from lks_templates.readback.read import load_spec_set

    spec_set = load_spec_set(specs)
    if jobs <= 1 or len(files) < 2:
        _init_worker(spec_set)
        for path in files:
            yield _read_one(path)
        return
    import multiprocessing

    # Forked workers inherit the loaded specs and prepared contracts (start-up in
    # milliseconds); elsewhere they are spawned and load them again.
    method = "fork" if sys.platform == "linux" else "spawn"
    context = multiprocessing.get_context(method)
    chunk = max(1, min(64, len(files) // (jobs * 8)))
    with context.Pool(jobs, initializer=_init_worker, initargs=(spec_set,)) as pool:
        yield from pool.imap(_read_one, files, chunksize=chunk)


@dataclass
class Summary:
    """Counts for the terminal report."""

    files: int = 0
    read: int = 0
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    """(file, code, message) of each file that could not be read."""
    values: int = 0
    severities: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0


class _Deduplicator:
    """Marks the later copies of the same return (see the module docstring)."""

    def __init__(self) -> None:
        from lks_templates.readback.duplicates import FirstCopies

        self.first = FirstCopies()

    def apply(self, rows: FileRows) -> bool:
        key = rows.duplicate_key
        if key is None:
            return False
        first = self.first.repeated(key, rows.file)
        if first is None:
            return False
        for row in rows.values:
            row[-1] = first
        head = rows.values[0][:4] if rows.values else [rows.file, "", "", key.code]
        message = (
            f"This return repeats {first} ({key.shown}). Its values are kept, marked "
            "with duplicate_of; remove one copy or ask the service which is right."
        )
        # A problem about the whole file: after the others of its kind, before located ones.
        at = next(
            (i for i, row in enumerate(rows.problems) if row[_SHEET_INDEX]), len(rows.problems)
        )
        rows.problems.insert(
            at, [*head, "error", "duplicate-return", "", "", "", "", "", "", message]
        )
        rows.numbers.insert(at, False)
        rows.severities["error"] += 1
        rows.codes["duplicate-return"] += 1
        return True


def _run(
    files: Sequence[Path],
    sinks: Sequence[Callable[[FileRows], None]],
    *,
    specs: SpecSource,
    jobs: int,
    progress: Callable[[int], object] | None,
) -> Summary:
    summary = Summary(files=len(files))
    dedupe = _Deduplicator()
    for rows in iter_file_rows(files, specs=specs, jobs=jobs):
        if dedupe.apply(rows):
            summary.duplicates += 1
        if rows.readable:
            summary.read += 1
        elif rows.problems:
            first = rows.problems[0]
            summary.rejected.append((rows.file, first[5], first[-1]))
        summary.values += len(rows.values)
        summary.severities.update(rows.severities)
        summary.codes.update(rows.codes)
        for sink in sinks:
            sink(rows)
        if progress is not None:
            progress(1)
    return summary


# -- writing ------------------------------------------------------------------------------


def _write_rows(
    stream: TextIO, writer: Any, rows: Sequence[Sequence[Any]], head: Sequence[str] = ()
) -> None:
    """``writer.writerows([*head, *row] for row in rows)``, the commonest rows joined directly.

    A row of two or more texts none of which holds a comma, a double quote or a line
    break is written by the csv module as the texts joined by commas, so it is joined
    here, several times faster; any other row goes through the csv module itself.
    """
    if _write_plainly(stream, rows, head):
        return
    width = len(head)
    plain_head = all(
        isinstance(cell, str) and "," not in cell and _NEEDS_QUOTING.search(cell) is None
        for cell in head
    )
    prefix = ",".join(head) + "," if head and plain_head else ""
    lines: list[str] = []
    for row in rows:
        try:
            line: str | None = ",".join(row)
        except TypeError:  # not all text: let the csv module format it
            line = None
        if (
            line is not None
            and plain_head
            and width + len(row) > 1
            and line.count(",") == len(row) - 1
            and _NEEDS_QUOTING.search(line) is None
        ):
            lines.append(prefix + line)
            continue
        if lines:
            stream.write("\n".join(lines) + "\n")
            lines.clear()
        writer.writerow([*head, *row])
    if lines:
        stream.write("\n".join(lines) + "\n")


def _write_plainly(stream: TextIO, rows: Sequence[Sequence[Any]], head: Sequence[str]) -> bool:
    """Write every row at once when none needs the csv module; False, writing nothing, if not.

    The usual case for a whole file's rows, checked on the joined text in one go: exactly
    the commas and line breaks that join them, and no double quote or carriage return.
    """
    if not rows:
        return True
    width = len(head)
    prefix = ",".join(head) + "," if head else ""
    try:
        block = "\n".join([prefix + ",".join(row) for row in rows])
    except TypeError:  # not all text
        return False
    if (
        min(map(len, rows)) + width <= 1
        or block.count(",") != len(rows) * (width - 1) + sum(map(len, rows))
        or block.count("\n") != len(rows) - 1
        or '"' in block
        or "\r" in block
    ):
        return False
    stream.write(block + "\n")
    return True


_NEEDS_QUOTING = re.compile('["\r\n]')


class OutputError(Exception):
    """The output folder cannot be written; nothing was left half-written in it."""

    def __init__(self, out: Path, reason: str | OSError) -> None:
        from lks_templates.atomic import cannot_write, reason_of

        super().__init__(cannot_write(out, reason))
        self.out = out
        self.reason = reason_of(reason)


class _CsvOutput:
    """values.csv and problems.csv written to temporary files, renamed into place at the end."""

    def __init__(self, out: Path) -> None:
        if out.exists() and not out.is_dir():
            raise OutputError(out, "it is a file, not a folder")
        self.out = out
        self.temps: dict[str, Path] = {}
        self.streams: dict[str, TextIO] = {}
        self.writers: dict[str, Any] = {}
        with self._writing():
            out.mkdir(parents=True, exist_ok=True)
            for name, columns in (("values.csv", VALUE_COLUMNS), ("problems.csv", PROBLEM_COLUMNS)):
                handle, temp = tempfile.mkstemp(prefix=f".{name}.", dir=out)
                stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
                self.temps[name] = Path(temp)
                self.streams[name] = stream
                self.writers[name] = csv.writer(stream, lineterminator="\n")
                self.writers[name].writerow(columns)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Any failure to write becomes an :class:`OutputError`, the temporary files gone."""
        try:
            yield
        except OSError as exc:
            self.abort()
            raise OutputError(self.out, exc) from None

    def __call__(self, rows: FileRows) -> None:
        with self._writing():
            self._write(rows)

    def _write(self, rows: FileRows) -> None:
        safe_head = [escape_text(cell) for cell in rows.values[0][:4]] if rows.values else []
        tails = []
        for row in rows.values:
            tail = row[4:]
            if tail[_TYPE_INDEX - 4] == "string":
                tail[_VALUE_INDEX - 4] = escape_text(tail[_VALUE_INDEX - 4])
            if tail[-1]:
                tail[-1] = escape_text(tail[-1])
            tails.append(tail)
        _write_rows(self.streams["values.csv"], self.writers["values.csv"], tails, safe_head)
        _write_rows(
            self.streams["problems.csv"],
            self.writers["problems.csv"],
            [
                [
                    cell if number and index == _PROBLEM_VALUE_INDEX else escape_text(cell)
                    for index, cell in enumerate(row)
                ]
                for row, number in zip(rows.problems, rows.numbers, strict=True)
            ],
        )

    def finish(self) -> list[Path]:
        from lks_templates.atomic import new_file_mode, write_text_atomically

        written = []
        with self._writing():
            for stream in self.streams.values():
                stream.close()
            for temp in self.temps.values():
                os.chmod(temp, new_file_mode())  # mkstemp made it private to its owner
            written.append(
                write_text_atomically(
                    self.out / "datapackage.json", json.dumps(datapackage(), indent=2) + "\n"
                )
            )
            for name, temp in self.temps.items():
                os.replace(temp, self.out / name)
                written.insert(-1, self.out / name)
        return written

    def abort(self) -> None:
        for stream in self.streams.values():
            with contextlib.suppress(OSError):
                stream.close()
        for temp in self.temps.values():
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)


def write_collection(
    paths: Iterable[str | Path],
    out: str | Path,
    *,
    specs: SpecSource = None,
    jobs: int = 1,
    progress: Callable[[int], object] | None = None,
    files: Sequence[Path] | None = None,
) -> Summary:
    """Collect the workbooks under ``paths`` into ``out``: values.csv, problems.csv and
    datapackage.json, each written atomically. Returns the counts for a report.

    ``files`` (as from :func:`find_returns`) skips the search when already done.
    """
    if files is None:
        files, _missing = find_returns(paths)
    output = _CsvOutput(Path(out))
    try:
        summary = _run(files, [output], specs=specs, jobs=jobs, progress=progress)
    except BaseException:
        output.abort()
        raise
    output.finish()
    return summary


# -- the Python API -----------------------------------------------------------------------


@dataclass
class Collection:
    """Collected returns as DataFrames (same columns as the CSV files, text unescaped)."""

    values: pd.DataFrame
    """One row per value (the columns of values.csv)."""
    problems: pd.DataFrame
    """One row per problem (the columns of problems.csv)."""
    summary: Summary
    """The counts the command line reports: files read and rejected, problems by code."""


def collect(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    specs: SpecSource = None,
    jobs: int = 1,
    out: str | Path | None = None,
) -> Collection:
    """Read every workbook under ``paths`` into a :class:`Collection`.

    With ``out``, also write values.csv, problems.csv and datapackage.json there. The
    DataFrames hold every row in memory; for very many returns use the command line (or
    :func:`write_collection`), which streams.
    """
    import pandas as pd

    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    files, _missing = find_returns(os.fspath(item) for item in items)
    value_rows: list[list[str]] = []
    problem_rows: list[list[str]] = []

    def keep(rows: FileRows) -> None:
        value_rows.extend(rows.values)
        problem_rows.extend(rows.problems)

    sinks: list[Callable[[FileRows], None]] = [keep]
    output = _CsvOutput(Path(out)) if out is not None else None
    if output is not None:
        sinks.append(output)
    try:
        summary = _run(files, sinks, specs=specs, jobs=jobs, progress=None)
    except BaseException:
        if output is not None:
            output.abort()
        raise
    if output is not None:
        output.finish()
    return Collection(
        values=pd.DataFrame(value_rows, columns=list(VALUE_COLUMNS), dtype="object"),
        problems=pd.DataFrame(problem_rows, columns=list(PROBLEM_COLUMNS), dtype="object"),
        summary=summary,
    )


# -- the data package ---------------------------------------------------------------------

_DESCRIPTIONS = {
    "file": "Path of the returned workbook, as collected.",
    "template_id": "Template id from the workbook's lks_template_id property.",
    "template_version": "Template version from the workbook's lks_template_version property.",
    "org_ods_code": "Organisation ODS code entered in the return (upper case).",
    "kind": "profile, measure (entered values), derived or kpi (recomputed in Python).",
    "field": "Field, derived figure or KPI name as in the spec.",
    "period": "Period key: m01-m12, q1-q4 or year; empty for values entered once.",
    "period_start": "First day of the period (ISO date); empty for values entered once.",
    "value": "The value as text. Text starting with = + - @ tab CR or ' has one extra "
    "leading ' (remove it to get the raw text); numbers are never changed.",
    "type": "Type of the value: integer, number, string, boolean or date.",
    "problem": "Codes of problems with this very cell, separated by ';' (see problems.csv).",
    "duplicate_of": "For a later copy of the same return, the file it repeats; else empty.",
    "severity": "error or warning.",
    "code": "Stable problem code (see docs/reading-returns.md).",
    "sheet": "Sheet of the cell concerned, if any.",
    "cell": "Cell concerned (A1 style), if any.",
    "message": "What is wrong and what to do.",
}


def _schema(columns: Sequence[str], **types: str) -> dict[str, Any]:
    return {
        "fields": [
            {"name": name, "type": types.get(name, "string"), "description": _DESCRIPTIONS[name]}
            for name in columns
        ],
        "missingValues": [""],
    }


def datapackage() -> dict[str, Any]:
    """The Frictionless data package descriptor of a collection's two CSV files."""
    dialect = {
        "delimiter": ",",
        "lineTerminator": "\n",
        "quoteChar": '"',
        "doubleQuote": True,
        "header": True,
    }
    return {
        "name": "lks-returns",
        "title": "Collected LKS statistics returns",
        "profile": "tabular-data-package",
        "resources": [
            {
                "name": "values",
                "path": "values.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": dialect,
                "schema": _schema(VALUE_COLUMNS, period_start="date"),
            },
            {
                "name": "problems",
                "path": "problems.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": dialect,
                "schema": _schema(PROBLEM_COLUMNS, period_start="date"),
            },
        ],
    }


class _CallableModule(types.ModuleType):
    """Lets ``lks_templates.collect(paths)`` work after this module has been imported.

    Importing ``lks_templates.collect`` binds the package attribute ``collect`` to this
    module, hiding the function of the same name that the public API promises.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Collection:
        return collect(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
