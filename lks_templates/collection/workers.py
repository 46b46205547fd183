"""Reading the files, in this process or in several, so that one bad file never costs the
good ones beside it.

A file whose reading raises (a bug, a ``MemoryError``) becomes a ``read-crashed`` problem
in either mode. With ``jobs`` > 1 the files are read by worker processes, which also
survive a reader that takes its whole process down (an abort in native code, the kernel's
out-of-memory killer): the pool notices the dead worker, every file it may have been
reading is read again alone in a fresh process, and the one that kills its process again
is reported as ``read-crashed``. Nothing hangs and the output is the same for any
``jobs``. The pool itself, :class:`Processes`, does any work item by item; ``benchmark``
reads its returns and writes its workbooks with it too.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from lks_templates.collection.rows import FileRows, rows_of, rows_of_problem
from lks_templates.errors import Problem

if TYPE_CHECKING:
    from lks_templates.collection.versions import CurrentNames
    from lks_templates.readback.context import ReadContext
    from lks_templates.spec import SpecSet
    from lks_templates.spec.specset import SpecSource

Item = TypeVar("Item")
Result = TypeVar("Result")

STOPPED = "its process stopped"
"""The reason :class:`Processes` gives ``failed`` for an item whose process died."""

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


def _stopped(path: Path, reason: str) -> FileRows:
    """The row of a file whose reading :class:`Processes` could not deliver."""
    return crashed(path, "its reading process stopped" if reason == STOPPED else reason)


def crash_message(reason: str, done: str = "collected") -> str:
    """The message of a ``read-crashed`` problem: the file's reading failed for ``reason``
    and the other files were still ``done``."""
    return (f"Reading this file failed ({reason}); the other files were still {done}. Check "
            "that it opens in Excel, and report it to the maintainers with the file.")  # fmt: skip


def crashed(path: Path, reason: str) -> FileRows:
    """The ``read-crashed`` row of a file whose reading failed for ``reason`` (and its
    row of returns.csv, the error counted)."""
    from lks_templates.collection.returns import record_of_file

    rows = rows_of_problem(
        Problem(code="read-crashed", message=crash_message(reason), file=path.as_posix())
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
    pool = Processes(jobs, _read_one, _stopped, _init_worker, (spec_set,))
    yield from pool.map(files)


class Processes(Generic[Item, Result]):
    """A pool of worker processes doing ``one`` to each item, started again whenever one
    of them dies; the one pool of the project (``collect`` reads with it, ``benchmark``
    writes its workbooks with it).

    ``one`` must turn its own failures into a result; the pool turns the rest (a worker
    that dies, a result that cannot be sent back) into ``failed(item, reason)``.
    ``initializer(*initargs)`` runs in each worker before its first item.
    """

    def __init__(
        self,
        jobs: int,
        one: Callable[[Item], Result],
        failed: Callable[[Item, str], Result],
        initializer: Callable[..., object],
        initargs: tuple[object, ...] = (),
    ) -> None:
        import multiprocessing

        self.jobs = jobs
        self.one = one
        self.failed = failed
        self.initializer = initializer
        self.initargs = initargs
        # Forked workers inherit what the parent loaded and prepared (start-up in
        # milliseconds); elsewhere they are spawned and load it again.
        self.context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            workers, mp_context=self.context, initializer=self.initializer,
            initargs=self.initargs,
        )  # fmt: skip

    def map(self, items: Sequence[Item]) -> Iterator[Result]:
        """Each item's result, in order, a few batches done ahead (memory stays bounded)."""
        size = max(1, min(64, len(items) // (self.jobs * 8)))
        batches = deque(list(items[i : i + size]) for i in range(0, len(items), size))
        ahead: deque[tuple[list[Item], Future[list[Result]]]] = deque()
        pool = self._pool(self.jobs)
        try:
            while batches or ahead:
                while batches and len(ahead) < 2 * self.jobs:
                    try:
                        future = pool.submit(_batch, self.one, batches[0])
                    except BrokenProcessPool:  # a worker died: the next result says so
                        break
                    ahead.append((batches.popleft(), future))
                batch, future = ahead.popleft()
                results = _result(future)
                if results is not None:
                    yield from results
                    continue
                # A worker died: any batch not finished may have been the cause. Batches
                # that finished keep their results; the others are done again, one by one.
                pool.shutdown(wait=True, cancel_futures=True)
                settled = [(batch, future), *ahead]
                ahead.clear()
                for batch, future in settled:
                    results = _result(future) if future.done() else None
                    if results is not None:
                        yield from results
                    else:
                        yield from self._alone(batch)
                pool = self._pool(self.jobs)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _alone(self, items: Sequence[Item]) -> Iterator[Result]:
        """Do each of ``items`` by itself in one worker, so a crash names its item."""
        pool = self._pool(1)
        try:
            for item in items:
                try:
                    result = pool.submit(self.one, item).result()
                except BrokenProcessPool:
                    pool.shutdown(wait=True)
                    result = self.failed(item, STOPPED)
                    pool = self._pool(1)
                except Exception as error:  # e.g. a result that cannot be sent back
                    result = self.failed(item, type(error).__name__)
                yield result
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _batch(one: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    return [one(item) for item in items]


def _result(future: Future[list[Result]]) -> list[Result] | None:
    """The results of a finished batch, or None when its worker failed to deliver them."""
    try:
        return future.result()
    except Exception:  # a dead worker; rows that could not be sent back
        return None
