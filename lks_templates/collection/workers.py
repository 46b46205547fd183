"""Reading the files, in this process or in several, so that one bad file never costs the
good ones beside it.

A file whose reading raises (a bug, a ``MemoryError``) becomes a ``read-crashed`` problem
in either mode. With ``jobs`` > 1 the files are read by worker processes, which also
survive a reader that takes its whole process down (an abort in native code, the kernel's
out-of-memory killer): the pool notices the dead worker, every file it may have been
reading is read again alone in a fresh process, and the one that kills its process again
is reported as ``read-crashed``. Nothing hangs and the output is the same for any
``jobs``.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.collection.rows import FileRows, rows_of, rows_of_problem
from lks_templates.errors import Problem

if TYPE_CHECKING:
    from lks_templates.collection.versions import CurrentNames
    from lks_templates.readback.context import ReadContext
    from lks_templates.spec import SpecSet
    from lks_templates.spec.specset import SpecSource

_WORKER_SPECS: SpecSource = None
"""The specs of the run, set in each worker process (and in this one for ``jobs`` 1)."""
_WORKER_CONTEXT: ReadContext | None = None
"""What the reads of the run share (contracts prepared once), one per process."""
_WORKER_NAMES: CurrentNames | None = None
"""How each template version's names map onto its current version, one per process."""


def _init_worker(specs: SpecSet) -> None:
    from lks_templates.collection.versions import CurrentNames
    from lks_templates.readback.context import ReadContext

    global _WORKER_SPECS, _WORKER_CONTEXT, _WORKER_NAMES
    _WORKER_SPECS = specs
    _WORKER_CONTEXT = ReadContext()  # a fresh one each run: nothing outlives it
    _WORKER_NAMES = CurrentNames(specs)


def read_file(path: Path) -> FileRows:
    """The rows of one file, read with the run's specs."""
    from lks_templates.readback import read_return

    result = read_return(path, specs=_WORKER_SPECS, file=path.as_posix(), context=_WORKER_CONTEXT)
    return rows_of(result, _WORKER_NAMES.note(result) if _WORKER_NAMES is not None else None)


def _read_one(path: Path) -> FileRows:
    """:func:`read_file`, with any failure of the reader turned into a problem."""
    try:
        return read_file(path)
    except Exception as error:  # a reader's bug must not end the batch
        return crashed(path, type(error).__name__)


def _read_batch(paths: Sequence[Path]) -> list[FileRows]:
    return [_read_one(path) for path in paths]


def crashed(path: Path, reason: str) -> FileRows:
    """The ``read-crashed`` row of a file whose reading failed for ``reason`` (and its
    row of returns.csv, the error counted)."""
    from lks_templates.collection.returns import record_of_file

    rows = rows_of_problem(
        Problem(
            code="read-crashed",
            message=f"Reading this file failed ({reason}); the other files were still "
            "collected. Check that it opens in Excel, and report it to the maintainers "
            "with the file.",
            file=path.as_posix(),
        )
    )
    rows.record = record_of_file(path.as_posix())
    return rows


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
    yield from _Processes(spec_set, jobs).read(files)


class _Processes:
    """A pool of worker processes, started again whenever one of them dies."""

    def __init__(self, specs: SpecSet, jobs: int) -> None:
        import multiprocessing

        self.specs = specs
        self.jobs = jobs
        # Forked workers inherit the loaded specs and prepared contracts (start-up in
        # milliseconds); elsewhere they are spawned and load them again.
        self.context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            workers, mp_context=self.context, initializer=_init_worker, initargs=(self.specs,)
        )

    def read(self, files: Sequence[Path]) -> Iterator[FileRows]:
        """Each file's rows, in order, a few batches read ahead (memory stays bounded)."""
        size = max(1, min(64, len(files) // (self.jobs * 8)))
        batches = deque(list(files[i : i + size]) for i in range(0, len(files), size))
        ahead: deque[tuple[list[Path], Future[list[FileRows]]]] = deque()
        pool = self._pool(self.jobs)
        try:
            while batches or ahead:
                while batches and len(ahead) < 2 * self.jobs:
                    try:
                        future = pool.submit(_read_batch, batches[0])
                    except BrokenProcessPool:  # a worker died: the next result says so
                        break
                    ahead.append((batches.popleft(), future))
                batch, future = ahead.popleft()
                rows = _result(future)
                if rows is not None:
                    yield from rows
                    continue
                # A worker died: any batch not finished may have been the cause. Batches
                # that finished keep their rows; the others are read again, file by file.
                pool.shutdown(wait=True, cancel_futures=True)
                settled = [(batch, future), *ahead]
                ahead.clear()
                for batch, future in settled:
                    rows = _result(future) if future.done() else None
                    if rows is not None:
                        yield from rows
                    else:
                        yield from self._alone(batch)
                pool = self._pool(self.jobs)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _alone(self, paths: Sequence[Path]) -> Iterator[FileRows]:
        """Read each of ``paths`` by itself in one worker, so a crash names its file."""
        pool = self._pool(1)
        try:
            for path in paths:
                try:
                    rows = pool.submit(_read_one, path).result()
                except BrokenProcessPool:
                    pool.shutdown(wait=True)
                    rows = crashed(path, "its reading process stopped")
                    pool = self._pool(1)
                except Exception as error:  # e.g. rows that cannot be sent back
                    rows = crashed(path, type(error).__name__)
                yield rows
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[list[FileRows]]) -> list[FileRows] | None:
    """The rows of a finished batch, or None when its worker failed to deliver them."""
    try:
        return future.result()
    except Exception:  # a dead worker; rows that could not be sent back
        return None
