"""One bad file never costs the good ones: a reader that raises, or that takes its whole
worker process down, costs only its own file; nothing hangs and no temporary file is left
in the output folder."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
from test_readback_support import good_return_path, specs

from lks_templates.collection import FileRows, workers, write_collection

KILLED = "m-kill.xlsx"


def records(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


@pytest.fixture
def folder(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """34 copies of a good return (two a batch with two workers), one of them the killer."""
    good = good_return_path(tmp_path_factory)
    (tmp_path / "in").mkdir()
    for index in range(33):
        shutil.copy(good, tmp_path / "in" / f"{chr(ord('a') + index // 3)}{index % 3}.xlsx")
    shutil.copy(good, tmp_path / "in" / KILLED)
    return tmp_path / "in"


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail, rather than hang the test run, if collecting does not end within a minute."""

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("collect hung")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def reader_that(action: Callable[[], object]) -> Callable[[Path], FileRows]:
    """The real reader, except that reading the killer runs ``action`` in a worker."""
    real = workers.read_file
    parent = os.getpid()

    def read_file(path: Path) -> FileRows:
        if path.name == KILLED:
            assert os.getpid() != parent, "the killer must only ever run in a worker"
            action()
        return real(path)

    return read_file


@pytest.mark.parametrize(
    "death",
    [lambda: os._exit(70), lambda: os.kill(os.getpid(), signal.SIGKILL)],
    ids=["exit", "sigkill"],
)
def test_a_worker_that_dies_costs_only_its_file(
    death: Callable[[], object],
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    deadline: None,
) -> None:
    monkeypatch.setattr(workers, "read_file", reader_that(death))
    out = tmp_path / "out"
    summary = write_collection([folder], out, specs=specs(), jobs=2)
    killed = (folder / KILLED).as_posix()
    message = (
        "Reading this file failed (its reading process stopped); the other files were "
        "still collected. Check that it opens in Excel, and report it to the maintainers "
        "with the file."
    )
    assert (summary.files, summary.read) == (34, 33)
    assert summary.rejected == [(killed, "read-crashed", message)]
    values = records(out / "values.csv")[1:]
    per_file = {path: sum(row[0] == path for row in values) for path in {r[0] for r in values}}
    # Every good file has all its 243 values (counted in test_collect.py).
    assert per_file == {
        path.as_posix(): 243 for path in sorted(folder.iterdir()) if path.name != KILLED
    }
    problems = records(out / "problems.csv")[1:]
    assert [row for row in problems if row[0] == killed] == [
        [killed, "", "", "", "error", "read-crashed", "", "", "", "", "", "", message]
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "datapackage.json",
        "problems.csv",
        "returns.csv",
        "values.csv",
    ]


def test_a_crash_gives_the_same_files_as_a_run_without_it_less_that_file(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deadline: None
) -> None:
    write_collection(
        [p for p in folder.iterdir() if p.name != KILLED], tmp_path / "clean", specs=specs()
    )
    monkeypatch.setattr(workers, "read_file", reader_that(lambda: os._exit(70)))
    write_collection([folder], tmp_path / "crashed", specs=specs(), jobs=2)
    killed = (folder / KILLED).as_posix()
    assert (tmp_path / "crashed" / "values.csv").read_bytes() == (
        tmp_path / "clean" / "values.csv"
    ).read_bytes()
    crashed = [r for r in records(tmp_path / "crashed" / "problems.csv") if r[0] != killed]
    assert crashed == records(tmp_path / "clean" / "problems.csv")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_reader_that_raises_costs_only_its_file(
    jobs: int, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deadline: None
) -> None:
    real = workers.read_file

    def read_file(path: Path) -> FileRows:
        if path.name == KILLED:
            raise MemoryError
        return real(path)

    monkeypatch.setattr(workers, "read_file", read_file)
    summary = write_collection([folder], tmp_path / "out", specs=specs(), jobs=jobs)
    assert summary.read == 33
    assert [(Path(file).name, code, message[:35]) for file, code, message in summary.rejected] == [
        (KILLED, "read-crashed", "Reading this file failed (MemoryErr")
    ]
    assert len(records(tmp_path / "out" / "values.csv")) == 1 + 33 * 243


def test_a_run_killed_outright_leaves_nothing_in_the_output_folder(
    folder: Path, tmp_path: Path
) -> None:
    # The whole collecting process dies (as from the out-of-memory killer) on the second
    # file: files being written have no name until the end, so nothing is left behind.
    out = tmp_path / "out"
    code = (
        "import os\nfrom pathlib import Path\n"
        "from lks_templates.collection import workers, write_collection\n"
        "real = workers.read_file\n"
        "def read_file(path):\n"
        "    if path.name == 'a1.xlsx':\n"
        "        os._exit(70)\n"
        "    return real(path)\n"
        "workers.read_file = read_file\n"
        f"write_collection([Path({str(folder)!r})], Path({str(out)!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert done.returncode == 70, done.stderr
    assert out.is_dir()
    assert list(out.iterdir()) == []
