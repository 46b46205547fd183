"""The exit codes of ``read`` and ``collect``, run on real files, and the words that
promise them: the ``--help`` epilog and the README (issue 9, item 8)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from lks_templates.cli import main

ROOT = Path(__file__).resolve().parents[1]
BLANK = ROOT / "dist" / "staffing-and-finance.xlsx"
"""A shipped template, blank: it reads, with required-missing errors."""


def _not_workbook(folder: Path) -> Path:
    path = folder / "notes.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    return path


def _foreign_workbook(folder: Path) -> Path:
    """A real .xlsx that is none of the templates."""
    path = folder / "other.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "hello"  # type: ignore[index]
    book.save(path)
    return path


def test_read_exits_0_on_a_return_with_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read", str(BLANK)]) == 0
    out = capsys.readouterr().out
    assert "Data!D23: required-missing Total expenditure is blank" in out
    # Errors, not zero of them: the exit code is 0 all the same.
    assert re.search(r"^Problems: [1-9][0-9]* errors,", out, re.MULTILINE), out


@pytest.mark.parametrize("make", [_not_workbook, _foreign_workbook])
def test_read_exits_1_on_a_file_it_cannot_read(
    make: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    assert main(["read", str(path)]) == 1
    assert str(path) in capsys.readouterr().out


def test_read_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read", str(tmp_path / "absent.xlsx")]) == 2
    assert main(["read", str(tmp_path)]) == 2
    assert main(["read", str(BLANK), "--specs", str(tmp_path / "absent")]) == 2
    assert "missing-path" in capsys.readouterr().err


def test_collect_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(BLANK, returns / "a.xlsx")
    # Read, with required-missing errors in problems.csv: still 0.
    assert main(["collect", str(returns), "--out", str(tmp_path / "o0")]) == 0
    problems = (tmp_path / "o0" / "problems.csv").read_text(encoding="utf-8")
    assert "required-missing" in problems
    # One file cannot be read: 1, and the good one is still collected.
    _not_workbook(returns)
    assert main(["collect", str(returns), "--out", str(tmp_path / "o1")]) == 1
    values = (tmp_path / "o1" / "values.csv").read_text(encoding="utf-8")
    assert "a.xlsx" in values
    assert "notes.xlsx" in (tmp_path / "o1" / "problems.csv").read_text(encoding="utf-8")
    # Usage errors: 2, nothing written.
    empty = tmp_path / "empty"
    empty.mkdir()
    for argv in (
        [str(empty)],
        [str(tmp_path / "absent")],
        [str(returns), "--jobs", "0"],
    ):
        out = tmp_path / "o2"
        assert main(["collect", *argv, "--out", str(out)]) == 2, argv
        assert not out.exists()
    capsys.readouterr()


@pytest.mark.parametrize("command", ["read", "collect"])
def test_help_ends_with_the_exit_codes(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Exit codes: 0 " in text
    if command == "read":
        assert "0 the file was read, even when it has problems" in text
        assert "1 the file could not be read" in text
    else:
        assert "0 every file was read, even when returns have problems" in text
        assert "1 some file could not be read" in text


def test_readme_does_not_say_problems_make_read_fail() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "1 the work ran and found problems" not in readme
    assert (
        "| `read FILE` | the file was read, even with problems (errors included: they are "
        "printed) | the file could not be read" in readme
    )
    assert "| `collect PATH ... --out DIR` | every file was read, even when returns" in readme
