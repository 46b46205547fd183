"""Writing a benchmark's workbooks (each service's, the lead's summary), in this process or
in several, so that one that fails costs only its own file.

Each workbook is planned and written by itself from the run's figures: with ``jobs`` > 1
by worker processes of the project's one pool (:class:`~lks_templates.collection.workers.
Processes`, which also survives a worker that dies). A workbook whose writing raises, or
whose process dies, is reported with why and the others are still written. The bytes of
every file are the same for any ``jobs``: each file depends on its own figures only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.atomic import reason_of, write_atomically
from lks_templates.benchmarking.compare import Outcome, Row
from lks_templates.spec.models import BenchmarkSpec, TemplateSpec

if TYPE_CHECKING:
    from lks_templates.benchmarking.summary import Context

SUMMARY = -1
"""The task of the lead's summary; a service's task is its index in ``outcome.services``."""


@dataclass(frozen=True)
class Job:
    """What every workbook of a run is made from (inherited by forked workers, not sent)."""

    out: Path
    outcome: Outcome
    spec: BenchmarkSpec
    template: TemplateSpec
    date: dt.date
    titles: Mapping[str, str]
    summary: Context | None = None
    """What the lead's summary is made from (None: no summary)."""


@dataclass(frozen=True)
class Written:
    """One workbook's outcome: its path under ``out``, and why it failed (None: written)."""

    file: str
    error: str | None = None


_JOB: Job | None = None
"""The run's job, set in each worker process (and in this one for ``jobs`` 1)."""
_ROWS: dict[str, list[Row]] = {}
"""Each service's own rows of positions.csv, by ODS code (one index per process)."""
_NAMES: list[str] = []
"""Each service's workbook file name, in service order, unique (one list per process)."""


def _init(job: Job) -> None:
    global _JOB, _ROWS, _NAMES
    from lks_templates.benchmarking.workbook import file_names

    _JOB = job
    _NAMES = file_names([s.code for s in job.outcome.services])
    _ROWS = {}
    for row in job.outcome.positions:
        _ROWS.setdefault(str(row["org_ods_code"]), []).append(row)


def _file_of(task: int) -> str:
    from lks_templates.benchmarking.summary import FILE

    assert _JOB is not None
    if task == SUMMARY:
        return FILE
    return "services/" + _NAMES[task]


def _write(task: int) -> Written:
    """Plan and write one workbook; any failure becomes its :class:`Written` error."""
    try:
        return Written(write_one(task))
    except Exception as error:  # one workbook's failure must not cost the others
        reason = reason_of(error) if isinstance(error, OSError) else type(error).__name__
        return _failed(task, reason)


def write_one(task: int) -> str:
    """Plan and write the workbook of ``task``; its path under ``out``."""
    from lks_templates.benchmarking.workbook import plan_service
    from lks_templates.render.workbook import render_workbook

    job, file = _JOB, _file_of(task)
    assert job is not None
    if task == SUMMARY:
        from lks_templates.benchmarking.summary import plan_summary

        assert job.summary is not None
        plan = plan_summary(job.summary)
    else:
        service, outcome = job.outcome.services[task], job.outcome
        plan = plan_service(service, _ROWS.get(service.code, []), outcome.sizes, job.spec,
                            job.template, returns=outcome.returns, date=job.date,
                            titles=job.titles)  # fmt: skip
    write_atomically(job.out / file, partial(render_workbook, plan), suffix=".xlsx")
    return file


def _failed(task: int, reason: str) -> Written:
    from lks_templates.collection.workers import STOPPED

    return Written(_file_of(task), "its writing process stopped" if reason == STOPPED else reason)


def write_workbooks(job: Job, *, jobs: int = 1) -> list[Written]:
    """Write every service's workbook and (when ``job.summary`` is given) the summary;
    ``jobs`` > 1 uses processes. Each result in order: the summary first, then the
    services in the order of ``outcome.services``."""
    tasks: Sequence[int] = [*([SUMMARY] if job.summary is not None else []),
                            *range(len(job.outcome.services))]  # fmt: skip
    _init(job)  # here too: the names of files whose process died come from it
    if jobs <= 1 or len(tasks) < 2:
        return [_write(task) for task in tasks]
    from lks_templates.collection.workers import Processes

    # The summary goes first: the longest single workbook, done while services follow.
    written = list(Processes(jobs, _write, _failed, _init, (job,)).map(tasks))
    # A worker stopped mid-write (the pool stops them all when one dies) leaves its
    # temporary file behind; every workbook was then written again or reported.
    for folder in (job.out, job.out / "services"):
        for temp in folder.glob(".*-????????.xlsx"):
            temp.unlink(missing_ok=True)
    return written
