"""Nothing under the paths given is skipped in silence: a folder that cannot be listed, a
link to nothing and a link loop each get a located problem, and a path that does not
exist is a problem for the library (a usage error for the command line)."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_readback_support import good_return_path, specs

import lks_templates
from lks_templates.cli import main
from lks_templates.collection import search_returns


def records(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


@pytest.fixture
def folder(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """in/a.xlsx, a good return, beside whatever a test adds."""
    good = good_return_path(tmp_path_factory)
    (tmp_path / "in").mkdir()
    shutil.copy(good, tmp_path / "in" / "a.xlsx")
    return tmp_path / "in"


def test_an_unreadable_folder_is_reported_and_the_rest_collected(
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (folder / "locked").mkdir()
    shutil.copy(folder / "a.xlsx", folder / "locked" / "b.xlsx")
    real_scandir = os.scandir

    # The refusal is simulated, so the test holds as root too (chmod 000 does not stop
    # root), and CI, where no test may skip, runs it whoever runs it.
    def scandir(path: Any) -> Iterator[os.DirEntry[str]]:
        if Path(path) == folder / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "out"
    assert main(["collect", str(folder), "--out", str(out)]) == 1
    locked = (folder / "locked").as_posix()
    message = (
        "This folder could not be searched (permission denied), so no return in it was "
        "collected; check that you may read it."
    )
    assert records(out / "problems.csv")[1:] == [
        [locked, "", "", "", "error", "unreadable-folder", "", "", "", "", "", "", message]
    ]
    values = records(out / "values.csv")[1:]
    assert {row[0] for row in values} == {(folder / "a.xlsx").as_posix()}
    assert len(values) == 243  # the whole good return (counted in test_collect.py)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "Collected 1 file: 1 read, 0 rejected."
    assert printed[2:4] == ["Not searched:", f"  {locked}: unreadable-folder {message}"]


def test_broken_links_and_link_loops_are_reported_and_links_followed(
    folder: Path, tmp_path: Path
) -> None:
    (folder / "gone.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    (folder / "self.xlsx").symlink_to(folder / "self.xlsx")  # a link to itself
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder)  # back to a folder being searched
    (tmp_path / "elsewhere").mkdir()
    shutil.copy(folder / "a.xlsx", tmp_path / "elsewhere" / "c.xlsx")
    (folder / "linked").symlink_to(tmp_path / "elsewhere")  # a folder linked in: followed
    found = search_returns([folder])
    assert found.files == [folder / "a.xlsx", folder / "linked" / "c.xlsx"]
    assert [(p.code, p.file, p.message) for p in found.problems] == [
        (
            "broken-symlink",
            (folder / "gone.xlsx").as_posix(),
            f"This link points to {tmp_path / 'nowhere.xlsx'}, which does not exist, so "
            "nothing was read from it; fix or remove the link.",
        ),
        (
            "symlink-loop",
            (folder / "self.xlsx").as_posix(),
            "This link leads round a loop of links and never reaches a file or folder, so "
            "nothing was read from it; fix or remove the link.",
        ),
        (
            "symlink-loop",
            (folder / "sub" / "up").as_posix(),
            "This link leads back to a folder already being searched, so it was not "
            "followed (its returns are collected once, by the other path).",
        ),
    ]
    summary = lks_templates.collection.write_collection(
        [folder], tmp_path / "out", specs=specs(), jobs=2
    )
    assert (summary.files, summary.read, len(summary.not_searched)) == (2, 2, 3)
    rows = records(tmp_path / "out" / "problems.csv")[1:]
    assert [(row[0], row[5]) for row in rows] == [
        ((folder / "gone.xlsx").as_posix(), "broken-symlink"),
        ((folder / "self.xlsx").as_posix(), "symlink-loop"),
        ((folder / "sub" / "up").as_posix(), "symlink-loop"),
        ((folder / "linked" / "c.xlsx").as_posix(), "duplicate-return"),
    ]


def test_a_path_that_does_not_exist_is_a_problem_for_the_library(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    collection = lks_templates.collect([missing], specs=specs())
    assert collection.values.empty
    assert collection.problems[["file", "severity", "code", "message"]].values.tolist() == [
        [missing.as_posix(), "error", "missing-path", "No such file or folder; check the path."]
    ]
    assert collection.summary.not_searched == [
        (missing.as_posix(), "missing-path", "No such file or folder; check the path.")
    ]
    assert (collection.summary.files, collection.summary.read) == (0, 0)


def test_a_path_that_does_not_exist_is_a_usage_error_on_the_command_line(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nonexistent"
    assert main(["collect", str(folder), str(missing), "--out", str(tmp_path / "out")]) == 2
    assert (
        capsys.readouterr().err
        == f"{missing}: missing-path No such file or folder; check the path.\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_named_pipe_is_reported_not_read(folder: Path, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.xlsx")  # given by name
    os.mkfifo(folder / "pipe.xlsx")  # met in a folder
    found = search_returns([folder, tmp_path / "pipe.xlsx"])
    assert found.files == [folder / "a.xlsx"]
    assert [(p.code, p.file) for p in found.problems] == [
        ("unreadable-file", (folder / "pipe.xlsx").as_posix()),
        ("unreadable-file", (tmp_path / "pipe.xlsx").as_posix()),
    ]


def test_lks_templates_collect_stays_the_function_after_importing_the_package() -> None:
    import lks_templates.collection.run
    from lks_templates import collect
    from lks_templates.collection import Collection

    assert lks_templates.collect is collect is lks_templates.collection.run.collect
    assert callable(lks_templates.collect)
    assert collect.__annotations__["return"] in ("Collection", Collection)


def test_a_folder_holding_only_a_broken_link_is_reported_not_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "gone.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    out = tmp_path / "out"
    assert main(["collect", str(tmp_path / "in"), "--out", str(out)]) == 1
    assert capsys.readouterr().out.splitlines()[:3] == [
        "Collected 0 files: 0 read, 0 rejected.",
        "Values: 0. Problems: 1 error, 0 warnings (broken-symlink 1).",
        "Not searched:",
    ]
    assert [row[:6] for row in records(out / "problems.csv")] == [
        ["file", "template_id", "template_version", "org_ods_code", "severity", "code"],
        [(tmp_path / "in" / "gone.xlsx").as_posix(), "", "", "", "error", "broken-symlink"],
    ]
    assert len(records(out / "values.csv")) == 1
