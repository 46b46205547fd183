"""Finding the returns to collect: files as given, folders searched recursively.

Nothing found is dropped in silence. A path that does not exist, a folder that cannot be
listed, a link that points nowhere and a link that leads back into a folder already being
searched each become a located :class:`~lks_templates.errors.Problem` (codes in
:mod:`lks_templates.readback.codes`), written to problems.csv beside the files' own.

Links are followed, to files and to folders, so that a folder of returns linked into
another is collected; a link back to a folder on the way down is reported and not
followed, so the search always ends.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lks_templates.errors import Problem, missing_path

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls", ".ods"})
"""Files picked up when a folder is collected (anything given by name is always read)."""


@dataclass
class Found:
    """What a search found: the files to read and what could not be searched."""

    files: list[Path] = field(default_factory=list)
    """Workbook files, sorted by path and without repeats."""
    missing: list[str] = field(default_factory=list)
    """Paths given that do not exist (each also has a ``missing-path`` problem)."""
    problems: list[Problem] = field(default_factory=list)
    """One per path given that does not exist, folder that could not be listed, broken
    link or link loop, sorted by path."""


def search_returns(paths: Iterable[str | Path]) -> Found:
    """The workbook files under ``paths`` (files as given; folders searched recursively),
    and a problem for each place that could not be searched.

    Hidden files and folders and Excel's ``~$`` lock files are skipped inside folders.
    """
    files: dict[str, Path] = {}
    found = Found()
    for item in paths:
        path = Path(item)
        kind = _kind(path, found.problems)
        if kind == "folder":
            _search_folder(path, files, found.problems)
        elif kind == "file":
            files[path.as_posix()] = path
        elif kind == "missing":
            found.missing.append(str(item))
            found.problems.append(missing_path(path.as_posix()))
    found.files = [files[key] for key in sorted(files)]
    found.problems.sort(key=lambda problem: problem.file)
    return found


def find_returns(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """The files and the missing paths of :func:`search_returns` (without its problems)."""
    found = search_returns(paths)
    return found.files, found.missing


def _kind(path: Path, problems: list[Problem]) -> str:
    """``file``, ``folder``, ``missing``, or ``other`` (a problem was recorded) for a path
    given or met in a folder; links are followed."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            problems.append(_broken_link(path))
            return "other"
        return "missing"
    except OSError as error:
        problems.append(_unstatable(path, error))
        return "other"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    problems.append(_not_regular(path))
    return "other"


def _not_regular(path: Path) -> Problem:
    return Problem(
        code="unreadable-file",
        message="Not a regular file (a named pipe, a device or a socket); it was not "
        "read. Collect the workbook file itself.",
        file=path.as_posix(),
    )


def _search_folder(top: Path, files: dict[str, Path], problems: list[Problem]) -> None:
    """Add the workbooks under ``top`` to ``files``, depth first, without recursion (so any
    depth of folders is searched)."""
    # Each folder waiting to be listed carries the identities of the folders above it, to
    # recognise a link that leads back up.
    waiting: list[tuple[Path, frozenset[tuple[int, int]]]] = [(top, frozenset())]
    while waiting:
        folder, above = waiting.pop()
        try:
            identity = _identity(folder)
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            problems.append(_unlistable(folder, error))
            continue
        above = above | {identity}
        for entry in reversed(entries):  # popped in name order
            if entry.name.startswith((".", "~$")):
                continue
            path = folder / entry.name
            if not entry.is_symlink():
                try:
                    is_folder = entry.is_dir(follow_symlinks=False)
                except OSError:  # vanished while listing: nothing to report
                    continue
                if is_folder:
                    waiting.append((path, above))
                elif _is_workbook_name(entry.name):
                    if entry.is_file(follow_symlinks=False):
                        files[path.as_posix()] = path
                    else:
                        problems.append(_not_regular(path))
                continue
            kind = _kind(path, problems)
            if kind == "folder":
                if _identity(path) in above:
                    problems.append(_loop(path))
                else:
                    waiting.append((path, above))
            elif kind == "file" and _is_workbook_name(entry.name):
                files[path.as_posix()] = path


def _is_workbook_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in WORKBOOK_SUFFIXES


def _identity(path: Path) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_dev, status.st_ino


def _broken_link(path: Path) -> Problem:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return Problem(
        code="broken-symlink",
        message=f"This link points to {target}, which does not exist, so nothing was read "
        "from it; fix or remove the link.",
        file=path.as_posix(),
    )


def _loop(path: Path) -> Problem:
    return Problem(
        code="symlink-loop",
        message="This link leads back to a folder already being searched, so it was not "
        "followed (its returns are collected once, by the other path).",
        file=path.as_posix(),
    )


def _unstatable(path: Path, error: OSError) -> Problem:
    if error.errno == errno.ELOOP:
        return Problem(
            code="symlink-loop",
            message="This link leads round a loop of links and never reaches a file or "
            "folder, so nothing was read from it; fix or remove the link.",
            file=path.as_posix(),
        )
    from lks_templates.atomic import reason_of

    return Problem(
        code="unreadable-file",
        message=f"This path could not be examined ({reason_of(error)}), so nothing was "
        "read from it; check that you may read it.",
        file=path.as_posix(),
    )


def _unlistable(path: Path, error: OSError) -> Problem:
    from lks_templates.atomic import reason_of

    return Problem(
        code="unreadable-folder",
        message=f"This folder could not be searched ({reason_of(error)}), so no return in "
        "it was collected; check that you may read it.",
        file=path.as_posix(),
    )
