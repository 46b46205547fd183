"""``read`` and ``collect`` print text from workbooks with control characters escaped.

A crafted cell or file name could otherwise clear the screen (``ESC [2J``), send the
cursor back to overwrite a line (``CR``) or print a fake summary on a line of its own
(``LF``). Every workbook is the shipped monthly-activity template built with the
crafted values.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_readback_support import build, cell_of, monthly_values, shipped_version

from lks_templates.cli import main
from lks_templates.words import printable

CLEAR = "\x1b[2J"
FAKE = "\r\nProblems: 0 errors, 0 warnings."
NAME = f"Valley{CLEAR}{FAKE}"
SHOWN = "Valley\\x1b[2J\\r\\nProblems: 0 errors, 0 warnings."
"""NAME as ``read`` must print it, worked by hand."""


def only_printable(text: str) -> bool:
    """No character a terminal would act on, line ends apart."""
    return all(ch == "\n" or ch.isprintable() for ch in text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (NAME, SHOWN),
        ("tab\there", "tab\\there"),
        ("bell\x07 del\x7f nel\x85", "bell\\x07 del\\x7f nel\\x85"),
        ("right-to-left \u202eevil", "right-to-left \\u202eevil"),
        ("line\u2028separator", "line\\u2028separator"),
        ("plain £ é 名 back\\slash", "plain £ é 名 back\\slash"),
    ],
)
def test_printable_escapes_what_a_terminal_acts_on(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_read_prints_a_crafted_cell_and_file_name_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(
        tmp_path / "ret\x1b]0;pwned\x07.xlsx",
        values=monthly_values(org_name=NAME, evidence_searches=[f"lots{CLEAR}"] + [10] * 11),
    )
    assert main(["read", str(path)]) == 0
    out = capsys.readouterr().out
    assert only_printable(out)
    shown_path = str(tmp_path / "ret\\x1b]0;pwned\\x07.xlsx")
    lines = out.splitlines()
    assert lines[0] == f"{shown_path}: monthly-activity {shipped_version()}, reporting year 2026"
    assert f"  org_name                {SHOWN}" in lines
    # The fake summary stays inside its line; the real one counts the real problem.
    assert "Problems: 1 error, 0 warnings:" in lines
    sheet, cell = cell_of("evidence_searches")
    (problem,) = [line for line in lines if "type-error" in line]
    assert problem.startswith(f"  {shown_path} {sheet}!{cell}: type-error ")
    assert '"lots\\x1b[2J"' in problem


def test_read_of_a_missing_file_prints_its_name_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "gone\r.xlsx"
    assert main(["read", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == f"{tmp_path}/gone\\r.xlsx: missing-path No such file or folder; check the path.\n"


def test_collect_prints_a_rejected_file_name_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"bad{CLEAR}.xlsx").write_bytes(b"not a workbook")
    assert main(["collect", str(folder), "--out", str(tmp_path / "out")]) == 1  # a rejected file
    out = capsys.readouterr().out
    assert only_printable(out)
    assert f"  {folder}/bad\\x1b[2J.xlsx: not-a-workbook " in out
