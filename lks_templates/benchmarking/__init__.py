"""Sensitive benchmarking: each service's KPIs beside the spread of its peers.

``lks_templates.benchmark(returns, spec)`` (:func:`benchmark`) compares read returns (or
workbook files and folders, read exactly as ``collect`` reads them) under a
``kind: benchmark`` spec and gives a :class:`Benchmark` of DataFrames; with ``out`` it
also writes benchmark.csv, positions.csv, problems.csv, datapackage.json,
services/<ODS code>.xlsx and the lead's summary.xlsx there, each atomically. The method is
stated in docs/benchmarking.md and in :mod:`lks_templates.benchmarking.stats`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.benchmarking.compare import (
    BENCHMARK_COLUMNS,
    POSITION_COLUMNS,
    Compared,
    Outcome,
    compare,
    compare_kpis,
    kept_names,
    kpi_inputs,
)
from lks_templates.benchmarking.versions import Versions
from lks_templates.benchmarking.writing import Written
from lks_templates.errors import Problem, SpecError
from lks_templates.readback.result import Return
from lks_templates.spec.models import BenchmarkSpec, TemplateSpec
from lks_templates.spec.specset import SpecSet, SpecSource

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Benchmark", "benchmark", "find_benchmark", "write_benchmark"]


@dataclass
class Benchmark:
    """A benchmark's tables as DataFrames (the columns of the CSV files, text unescaped)."""

    spec: BenchmarkSpec
    """The benchmark spec used."""
    benchmark: pd.DataFrame
    """One row per peer group, group and KPI (benchmark.csv)."""
    positions: pd.DataFrame
    """One row per service, peer group and KPI (positions.csv)."""
    problems: pd.DataFrame
    """Problems reading the returns, and the returns left out with why (problems.csv)."""
    returns: int
    """How many returns were compared."""


def find_benchmark(spec: str | os.PathLike[str] | BenchmarkSpec, specs: SpecSet) -> BenchmarkSpec:
    """``spec`` as a benchmark spec: given, its id in ``specs``, or a spec file.

    Raises :class:`SpecError` with one located problem when it is none of these.
    """
    if isinstance(spec, BenchmarkSpec):
        return spec
    found = specs.get(str(spec)) if isinstance(spec, str) else None
    if isinstance(found, BenchmarkSpec):
        return found
    path = Path(spec)
    if path.is_file():
        from lks_templates.spec import validate_paths

        loaded, problems = validate_paths([path, *_template_sources(specs)])
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise SpecError(errors)
        if loaded.benchmarks:
            return loaded.benchmarks[-1]
    known = ", ".join(sorted({b.id for b in specs.benchmarks})) or "none"
    raise SpecError([Problem("missing-path", f"No benchmark spec has the id or file `{spec}`; "
                             f"benchmark specs found: {known}.", file=str(spec))])  # fmt: skip


def _template_sources(specs: SpecSet) -> list[str]:
    """Every spec file of ``specs`` but the benchmarks (a benchmark file is checked with the
    templates, datasets and FAQs it may refer to)."""
    sources = {specs.source_of(s) for s in specs.all() if not isinstance(s, BenchmarkSpec)}
    return sorted(sources - {""})


def template_of(spec: BenchmarkSpec, specs: SpecSet) -> TemplateSpec:
    """The current version of the template the benchmark compares: the newest the specs
    know, a current spec or a released snapshot."""
    from lks_templates.collection.versions import newest

    resolved = newest(specs, spec.template)
    found = resolved.template if resolved is not None else None
    if not isinstance(found, TemplateSpec):
        raise SpecError([Problem("unknown-template", f"No template spec has the id "
                                 f"`{spec.template}`.", file=spec.id)])  # fmt: skip
    return found


@dataclass
class Read:
    """What a run keeps of the returns it read: the compared part of each
    (:class:`Compared`) and their problems.csv rows, never the whole returns."""

    compared: list[Compared] = field(default_factory=list)
    problems: list[list[object]] = field(default_factory=list)
    numbers: list[bool] = field(default_factory=list)
    """For each problem row, whether its ``value`` is a number (never escaped)."""
    missing: list[str] = field(default_factory=list)
    """Paths given that do not exist."""


def read_all(
    returns: Iterable[Return | str | os.PathLike[str]],
    specs: SpecSet,
    spec: BenchmarkSpec,
    template: TemplateSpec,
    *,
    progress: Callable[[], object] | None = None,
    versions: Versions | None = None,
    jobs: int = 1,
) -> Read:
    """Returns as given, and every workbook under the paths given, read as ``collect``
    does (with ``jobs`` processes; the same result for any): of each only what the
    benchmark compares is kept. ``progress`` is called after each workbook read.
    ``versions``: returns of older versions of the template are compared under its
    current names, without the KPIs that changed."""
    from lks_templates.benchmarking.reading import Kept, Reader, kept_of, read_files
    from lks_templates.collection import find_returns

    reader = Reader(specs, kpi_inputs(template), list(compare_kpis(spec, template)),
                    kept_names(spec), versions)  # fmt: skip
    read = Read()
    slots: list[Return | Path] = []
    for item in returns:
        if isinstance(item, Return):
            slots.append(item)
            continue
        files, gone = find_returns([os.fspath(item)])
        read.missing += gone
        slots += files
    paths = [slot for slot in slots if isinstance(slot, Path)]
    done = iter(read_files(paths, reader, jobs=jobs, progress=progress))
    for slot in slots:  # in the order given, each return's compared part only
        kept: Kept = kept_of(slot) if isinstance(slot, Return) else next(done)
        read.problems += kept.problems
        read.numbers += kept.numbers
        read.compared.append(kept.compared)
    return read


def problem_rows(read: Read, outcome: Outcome) -> tuple[list[list[object]], list[bool]]:
    """problems.csv rows: each return's own problems (as ``collect`` writes them), then the
    benchmark's (returns left out, services without a peer group); and for each row
    whether its ``value`` is a number (never escaped)."""
    rows = list(read.problems)
    numbers = list(read.numbers)
    by_file = {r.file: r for r in read.compared}
    by_code = {s.code: s for s in outcome.services}
    for problem in outcome.problems:
        found = by_file.get(problem.file)
        service = by_code.get(problem.file)
        head = (
            [found.file, found.template_id, found.template_version, found.org_ods_code]
            if found is not None
            else ["", "", "", service.code if service else problem.file]
        )
        rows.append([*head, problem.severity, problem.code, "", "", problem.field, "", "", "",
                     problem.message])  # fmt: skip
        numbers.append(False)
    return rows, numbers


@dataclass
class Run:
    """A benchmark run as plain rows, without DataFrames (what the command line needs)."""

    spec: BenchmarkSpec
    read: Read
    outcome: Outcome
    problems: list[list[object]]
    """problems.csv rows (unescaped)."""
    numbers: list[bool]
    unwritten: list[Written] = field(default_factory=list)
    """The workbooks that could not be written, with why (the others were)."""


def run_benchmark(
    returns: Iterable[Return | str | os.PathLike[str]],
    spec: str | os.PathLike[str] | BenchmarkSpec,
    *,
    specs: SpecSource = None,
    out: str | os.PathLike[str] | None = None,
    date: dt.date | None = None,
    progress: Callable[[], object] | None = None,
    jobs: int = 1,
) -> Run:
    """:func:`benchmark` as plain rows: the same reading, comparing and writing, without
    pandas; ``progress`` is called once per workbook read; ``jobs`` > 1 writes the
    workbooks with that many processes (the same bytes). A workbook that cannot be
    written is listed in ``unwritten`` and the others are still written."""
    from lks_templates.readback.read import load_spec_set

    spec_set = load_spec_set(specs)
    chosen = find_benchmark(spec, spec_set)
    template = template_of(chosen, spec_set)
    # Returns of older versions under the current names, without the KPIs that changed.
    versions = Versions(spec_set, template.id)
    read = read_all(
        returns, spec_set, chosen, template, progress=progress, versions=versions, jobs=jobs
    )
    outcome = compare(read.compared, chosen, template)
    compared = {s.file for s in outcome.services}
    kpis = chosen.kpis if chosen.kpis is not None else [k.name for k in template.kpis]
    outcome.problems += versions.problems(compared.__contains__, kpis)
    problems, numbers = problem_rows(read, outcome)
    unwritten: list[Written] = []
    if out is not None:
        from lks_templates.benchmarking.output import write_tables
        from lks_templates.benchmarking.summary import Context, left_out
        from lks_templates.benchmarking.writing import Job, write_workbooks

        write_tables(Path(out), outcome, problems, numbers)
        resolved = spec_set.resolve(template.id, template.version)
        fields = [*resolved.profile_fields, *resolved.measure_fields] if resolved else []
        titles = {f.name: f.title for f in fields}
        day = date or dt.date.today()
        summary = Context(outcome, chosen, template, day, titles,
                          left_out(read.compared, outcome, chosen))  # fmt: skip
        job = Job(Path(out), outcome, chosen, template, day, titles, summary)
        unwritten = [w for w in write_workbooks(job, jobs=jobs) if w.error is not None]
    return Run(chosen, read, outcome, problems, numbers, unwritten)


def benchmark(
    returns: Iterable[Return | str | os.PathLike[str]],
    spec: str | os.PathLike[str] | BenchmarkSpec,
    *,
    specs: SpecSource = None,
    out: str | os.PathLike[str] | None = None,
    date: dt.date | None = None,
    jobs: int = 1,
) -> Benchmark:
    """Compare ``returns`` (read returns, or workbook files and folders) under ``spec`` (a
    benchmark spec, its id or its file); with ``out``, also write the CSV files there,
    each service's workbook under ``out/services/`` and the lead's ``summary.xlsx``, dated
    ``date`` (default today: give one for the same bytes on any day), with ``jobs``
    processes (the same bytes for any). Raises ``OSError`` naming the workbooks that
    could not be written, once every other one is written."""
    import pandas as pd

    from lks_templates.collection import PROBLEM_COLUMNS

    run = run_benchmark(returns, spec, specs=specs, out=out, date=date, jobs=jobs)
    if run.unwritten:
        raise OSError("Could not write " + "; ".join(f"{w.file} ({w.error})"
                                                     for w in run.unwritten))  # fmt: skip
    outcome = run.outcome
    return Benchmark(
        spec=run.spec,
        benchmark=pd.DataFrame(outcome.benchmark, columns=list(BENCHMARK_COLUMNS)),
        positions=pd.DataFrame(outcome.positions, columns=list(POSITION_COLUMNS)),
        problems=pd.DataFrame(run.problems, columns=list(PROBLEM_COLUMNS), dtype="object"),
        returns=outcome.returns,
    )


def write_benchmark(
    returns: Iterable[Return | str | os.PathLike[str]],
    spec: str | os.PathLike[str] | BenchmarkSpec,
    out: str | os.PathLike[str],
    *,
    specs: SpecSource = None,
    date: dt.date | None = None,
    jobs: int = 1,
) -> Benchmark:
    """:func:`benchmark` with the CSV files and workbooks written to ``out``."""
    return benchmark(returns, spec, specs=specs, out=out, date=date, jobs=jobs)
