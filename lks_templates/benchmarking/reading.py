"""Reading a benchmark's returns, in this process or in several (``jobs``), exactly as
``collect`` reads them: of each return only what the benchmark compares is kept.

With ``jobs`` > 1 the files are read by worker processes of the project's one pool
(:class:`~lks_templates.collection.workers.Processes`); each worker sends back the
compared part of its returns and their problems.csv rows, never the whole returns. A file
whose reading raises, or whose process dies, is a ``read-crashed`` problem (as in
``collect``) and the others are still compared. The order, and so every output, is the
same for any ``jobs``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.benchmarking.compare import Compared, compared_of
from lks_templates.errors import Problem
from lks_templates.readback.result import Return

if TYPE_CHECKING:
    from lks_templates.benchmarking.versions import Versions
    from lks_templates.readback.context import ReadContext
    from lks_templates.spec.specset import SpecSet


@dataclass(frozen=True)
class Reader:
    """How the run reads each return and what it keeps of it (inherited by forked workers)."""

    specs: SpecSet
    inputs: dict[str, set[str]]
    kpis: list[str]
    keep: set[str]
    versions: Versions | None = None


@dataclass
class Kept:
    """What a benchmark keeps of one return: its problems.csv rows (with, for each,
    whether its ``value`` is a number) and its compared part."""

    problems: list[list[object]]
    numbers: list[bool]
    compared: Compared


_READER: Reader | None = None
"""The run's reader, set in each worker process (and in this one for ``jobs`` 1)."""
_CONTEXT: ReadContext | None = None
"""What the reads of the run share (contracts prepared once), one per process."""


def init(reader: Reader) -> None:
    """Set the run's reader in this process, with a fresh read context."""
    from lks_templates.readback.context import ReadContext

    global _READER, _CONTEXT
    _READER, _CONTEXT = reader, ReadContext()


def kept_of(result: Return) -> Kept:
    """What the run keeps of a read return."""
    from lks_templates.collection.rows import problem_rows_of

    reader = _READER
    assert reader is not None
    if reader.versions is not None:
        result = reader.versions.align_one(result)
    rows, numbers = problem_rows_of(result)
    compared = compared_of(result, reader.inputs, reader.kpis, reader.keep)
    return Kept([list(row) for row in rows], numbers, compared)


def read_file(path: Path) -> Kept:
    """Read one file with the run's specs and keep what the benchmark compares."""
    from lks_templates.readback import read_return

    assert _READER is not None
    result = read_return(path, specs=_READER.specs, file=path.as_posix(), context=_CONTEXT)
    return kept_of(result)


def read_one(path: Path) -> Kept:
    """:func:`read_file`, any failure of the reader a ``read-crashed`` problem."""
    try:
        return read_file(path)
    except Exception as error:  # a reader's bug must not end the run
        return crashed(path, type(error).__name__)


def crashed(path: Path, reason: str) -> Kept:
    """What is kept of a file whose reading failed: the ``read-crashed`` problem of
    ``collect`` (the same words), the file refused."""
    from lks_templates.collection.workers import STOPPED, crash_message

    why = "its reading process stopped" if reason == STOPPED else reason
    problem = Problem("read-crashed", crash_message(why, "compared"), file=path.as_posix())
    return kept_of(Return(file=path.as_posix(), problems=[problem]))


def read_files(
    files: list[Path],
    reader: Reader,
    *,
    jobs: int = 1,
    progress: Callable[[], object] | None = None,
) -> list[Kept]:
    """What is kept of each of ``files``, in order; ``jobs`` > 1 uses processes."""
    init(reader)  # here too: returns given read, and crashed files, are kept with it
    kept: list[Kept] = []
    if jobs <= 1 or len(files) < 2:
        for path in files:
            kept.append(read_one(path))
            if progress is not None:
                progress()
        return kept
    from lks_templates.collection.workers import Processes

    for item in Processes(jobs, read_one, crashed, init, (reader,)).map(files):
        kept.append(item)
        if progress is not None:
            progress()
    return kept
