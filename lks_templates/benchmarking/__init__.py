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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.benchmarking.compare import (
    BENCHMARK_COLUMNS,
    POSITION_COLUMNS,
    Outcome,
    compare,
)
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
    """The latest version of the template the benchmark compares."""
    found = specs.get(spec.template)
    if not isinstance(found, TemplateSpec):
        raise SpecError([Problem("unknown-template", f"No template spec has the id "
                                 f"`{spec.template}`.", file=spec.id)])  # fmt: skip
    return found


def read_all(
    returns: Iterable[Return | str | os.PathLike[str]], specs: SpecSet
) -> tuple[list[Return], list[str]]:
    """Returns as given, and every workbook under the paths given, read as ``collect`` does;
    with the paths that do not exist."""
    from lks_templates.collection import find_returns
    from lks_templates.readback import read_return
    from lks_templates.readback.context import ReadContext

    context = ReadContext()  # one per run: each template's contract is prepared once
    results: list[Return] = []
    missing: list[str] = []
    for item in returns:
        if isinstance(item, Return):
            results.append(item)
            continue
        files, gone = find_returns([os.fspath(item)])
        missing += gone
        results += [read_return(f, specs=specs, file=f.as_posix(), context=context) for f in files]
    return results, missing


def problem_rows(
    results: Sequence[Return], outcome: Outcome
) -> tuple[list[list[object]], list[bool]]:
    """problems.csv rows: each return's own problems (as ``collect`` writes them), then the
    benchmark's (returns left out, services without a peer group); and for each row
    whether its ``value`` is a number (never escaped)."""
    from lks_templates.collection import rows_of

    rows: list[list[object]] = []
    numbers: list[bool] = []
    for result in results:
        own = rows_of(result)
        rows += [list(row) for row in own.problems]
        numbers += own.numbers
    by_file = {r.file: r for r in results}
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


def benchmark(
    returns: Iterable[Return | str | os.PathLike[str]],
    spec: str | os.PathLike[str] | BenchmarkSpec,
    *,
    specs: SpecSource = None,
    out: str | os.PathLike[str] | None = None,
    date: dt.date | None = None,
) -> Benchmark:
    """Compare ``returns`` (read returns, or workbook files and folders) under ``spec`` (a
    benchmark spec, its id or its file); with ``out``, also write the CSV files there,
    each service's workbook under ``out/services/`` and the lead's ``summary.xlsx``, dated
    ``date`` (default today: give one for the same bytes on any day)."""
    import pandas as pd

    from lks_templates.collection import PROBLEM_COLUMNS
    from lks_templates.readback.read import load_spec_set

    spec_set = load_spec_set(specs)
    chosen = find_benchmark(spec, spec_set)
    results, _missing = read_all(returns, spec_set)
    template = template_of(chosen, spec_set)
    outcome = compare(results, chosen, template)
    problems, numbers = problem_rows(results, outcome)
    if out is not None:
        from lks_templates.benchmarking.output import write_tables
        from lks_templates.benchmarking.summary import Context, left_out, write_summary
        from lks_templates.benchmarking.workbook import write_services

        write_tables(Path(out), outcome, problems, numbers)
        resolved = spec_set.resolve(template.id, template.version)
        fields = [*resolved.profile_fields, *resolved.measure_fields] if resolved else []
        titles = {f.name: f.title for f in fields}
        day = date or dt.date.today()
        write_services(Path(out), outcome, chosen, template, date=day, titles=titles)
        write_summary(Path(out), Context(outcome, chosen, template, day, titles,
                                         left_out(results, outcome, chosen)))  # fmt: skip
    return Benchmark(
        spec=chosen,
        benchmark=pd.DataFrame(outcome.benchmark, columns=list(BENCHMARK_COLUMNS)),
        positions=pd.DataFrame(outcome.positions, columns=list(POSITION_COLUMNS)),
        problems=pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS), dtype="object"),
        returns=outcome.returns,
    )


def write_benchmark(
    returns: Iterable[Return | str | os.PathLike[str]],
    spec: str | os.PathLike[str] | BenchmarkSpec,
    out: str | os.PathLike[str],
    *,
    specs: SpecSource = None,
    date: dt.date | None = None,
) -> Benchmark:
    """:func:`benchmark` with the CSV files and workbooks written to ``out``."""
    return benchmark(returns, spec, specs=specs, out=out, date=date)
