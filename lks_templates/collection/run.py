"""A collection run: find the files, read them in order, mark duplicates, send each file's
rows to the outputs, count what happened. :func:`write_collection` streams to CSV files;
:func:`collect` also keeps the rows, as DataFrames.

Files are read one at a time (optionally by several processes) and their rows streamed
to the output files, so memory stays flat however many returns there are. Input paths are
sorted first, so the same files always give the same output, whatever ``jobs`` is.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.collection.dedupe import Deduplicator
from lks_templates.collection.find import Found, search_returns
from lks_templates.collection.output import CsvOutput
from lks_templates.collection.returns import ReturnsTable
from lks_templates.collection.rows import (
    CODE_INDEX,
    MESSAGE_INDEX,
    PROBLEM_COLUMNS,
    VALUE_COLUMNS,
    FileRows,
    rows_of_problem,
)
from lks_templates.collection.workers import iter_file_rows

if TYPE_CHECKING:
    import pandas as pd

    from lks_templates.spec.specset import SpecSource


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
    not_searched: list[tuple[str, str, str]] = field(default_factory=list)
    """(path, code, message) of each path that could not be searched: one that does not
    exist, a folder that could not be listed, a broken link or a link loop."""


def _run(
    found: Found,
    sinks: Sequence[Callable[[FileRows], None]],
    *,
    specs: SpecSource,
    jobs: int,
    progress: Callable[[int], object] | None,
) -> Summary:
    summary = Summary(files=len(found.files))
    # What could not be searched comes first, in path order: it concerns no file read.
    for problem in found.problems:
        rows = rows_of_problem(problem)
        summary.not_searched.append((problem.file, problem.code, problem.message))
        _count(summary, rows, sinks)
    dedupe = Deduplicator()
    for rows in iter_file_rows(found.files, specs=specs, jobs=jobs):
        if dedupe.apply(rows):
            summary.duplicates += 1
        if rows.readable:
            summary.read += 1
        elif rows.problems:
            first = rows.problems[0]
            summary.rejected.append((rows.file, first[CODE_INDEX], first[MESSAGE_INDEX]))
        summary.values += len(rows.values)
        _count(summary, rows, sinks)
        if progress is not None:
            progress(1)
    return summary


def _count(summary: Summary, rows: FileRows, sinks: Sequence[Callable[[FileRows], None]]) -> None:
    summary.severities.update(rows.severities)
    summary.codes.update(rows.codes)
    for sink in sinks:
        sink(rows)


def _found(paths: Iterable[str | Path], files: Sequence[Path] | None, found: Found | None) -> Found:
    if found is not None:
        return found
    if files is not None:
        return Found(files=list(files))
    return search_returns(paths)


def write_collection(
    paths: Iterable[str | Path],
    out: str | Path,
    *,
    specs: SpecSource = None,
    jobs: int = 1,
    progress: Callable[[int], object] | None = None,
    files: Sequence[Path] | None = None,
    found: Found | None = None,
) -> Summary:
    """Collect the workbooks under ``paths`` into ``out``: values.csv, problems.csv,
    returns.csv and datapackage.json, each written atomically. Returns the counts for a report.

    A path that does not exist, or a folder, link or file that cannot be searched, is a
    problem in problems.csv (see :func:`~lks_templates.collection.find.search_returns`);
    nothing is raised for it. ``found`` (from :func:`search_returns`) or ``files`` skips
    the search when already done. Raises :class:`OutputError` when ``out`` cannot be
    written, leaving nothing in it.
    """
    output = CsvOutput(Path(out))
    try:
        summary = _run(
            _found(paths, files, found), [output], specs=specs, jobs=jobs, progress=progress
        )
    except BaseException:
        output.abort()
        raise
    output.finish()
    return summary


@dataclass
class Collection:
    """Collected returns as DataFrames (same columns as the CSV files, text unescaped)."""

    values: pd.DataFrame
    """One row per value (the columns of values.csv)."""
    problems: pd.DataFrame
    """One row per problem (the columns of problems.csv)."""
    returns: pd.DataFrame
    """One row per file read (the columns of returns.csv, its KPI columns included)."""
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

    Like :func:`~lks_templates.read_return`, never raises for a problem with a return or a
    path: a path that does not exist is a ``missing-path`` problem (in
    ``Collection.problems`` and ``summary.not_searched``), an unreadable folder an
    ``unreadable-folder`` one, and so on. With ``out``, also write values.csv,
    problems.csv, returns.csv and datapackage.json there. The DataFrames hold every row
    in memory; for very many returns use the command line (or :func:`write_collection`),
    which streams.
    """
    import pandas as pd

    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    value_rows: list[list[str]] = []
    problem_rows: list[list[str]] = []

    def keep(rows: FileRows) -> None:
        value_rows.extend(rows.values)
        problem_rows.extend(rows.problems)

    table = ReturnsTable()
    sinks: list[Callable[[FileRows], None]] = [keep, table]
    output = CsvOutput(Path(out)) if out is not None else None
    if output is not None:
        sinks.append(output)
    try:
        summary = _run(
            search_returns(os.fspath(item) for item in items),
            sinks,
            specs=specs,
            jobs=jobs,
            progress=None,
        )
    except BaseException:
        if output is not None:
            output.abort()
        raise
    if output is not None:
        output.finish()
    return Collection(
        values=pd.DataFrame(value_rows, columns=list(VALUE_COLUMNS), dtype="object"),
        problems=pd.DataFrame(problem_rows, columns=list(PROBLEM_COLUMNS), dtype="object"),
        returns=pd.DataFrame(
            list(table.records(escape=False)), columns=table.columns, dtype="object"
        ),
        summary=summary,
    )
