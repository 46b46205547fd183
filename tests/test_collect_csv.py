"""Every CSV file collect writes is one record per row to any reader, and reads back
exactly (line breaks in values and in file names), with every text cell guarded against
formula injection, also after leading whitespace and in full-width forms."""

from __future__ import annotations

import csv
import importlib.util
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_readback_support import build, cell_of, good_return_path, monthly_values, rewrite, specs

from lks_templates.cli import main
from lks_templates.collection import escape_text, unescape_text, write_collection


def records(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def frictionless_validate(package: Path) -> None:
    if importlib.util.find_spec("frictionless") is None:
        # It is in the test extra: in continuous integration its absence is a failure.
        if os.environ.get("CI"):
            pytest.fail("frictionless is not installed: pip install -e '.[test]'")
        pytest.skip("frictionless is not installed (pip install frictionless)")
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", str(package)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# A lone carriage return typed in Excel is stored as _x000D_ and read as CR; the text
# "_x000D_" typed as such is stored escaped (_x005F_x000D_) and read as typed.
NAMES = {
    "lone CR": "Ashby\rInfirmary",
    "CRLF": "Ashby\r\nInfirmary",
    "LF": "Ashby\nInfirmary",
    "literal _x000D_": "Ashby_x000D_Infirmary",
    "quote and comma": 'Ashby "Infirmary", Trust',
    "line separator": "Ashby\u2028Infirmary\x85Trust",
}


def test_line_breaks_in_values_and_file_names_read_back_exactly(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    files = {}
    for index, (case, name) in enumerate(NAMES.items()):
        # Linux allows any character but / and NUL in a file name, line breaks too.
        file = folder / f"{index}{name.replace('Ashby', '')}.xlsx"
        code = "RX" + "ABCDEF"[index]  # distinct organisations, not duplicates
        region = f"Mid\rlands {index}"
        build(file, values=monthly_values(org_name=name, org_ods_code=code, nhs_region=region))
        files[file.as_posix()] = (case, name)
    assert main(["collect", str(folder), "--out", str(tmp_path / "out")]) == 0
    values = records(tmp_path / "out" / "values.csv")
    # 243 values a return (counted in test_collect.py), each one record, whatever it holds.
    assert len(values) == 1 + 243 * len(NAMES)
    org_names = {row[0]: row[8] for row in values[1:] if row[5] == "org_name"}
    assert org_names == {file: name for file, (_case, name) in files.items()}
    problems = records(tmp_path / "out" / "problems.csv")
    # nhs_region is a choice: each return has exactly one problem, the CR kept in its value.
    assert sorted((row[0], row[5], row[11]) for row in problems[1:]) == sorted(
        (file, "constraint-error", f"Mid\rlands {index}") for index, file in enumerate(files)
    )
    # No record is split: every line break inside a field is inside double quotes.
    text = (tmp_path / "out" / "values.csv").read_text(encoding="utf-8")
    outside_quotes = re.sub(r'"(?:[^"]|"")*"', "", text)
    assert re.findall(r"[\r\x85\u2028]", outside_quotes) == []
    assert outside_quotes.count("\n") == len(values)
    frictionless_validate(tmp_path / "out" / "datapackage.json")


def test_a_rejected_file_named_with_a_line_break_has_one_problem_record(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken\rreturn.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    summary = write_collection([folder], tmp_path / "out", specs=specs())
    assert summary.rejected[0][:2] == ((folder / "broken\rreturn.xlsx").as_posix(), "corrupt-file")
    problems = records(tmp_path / "out" / "problems.csv")
    assert [(row[0], row[5]) for row in problems[1:]] == [
        ((folder / "broken\rreturn.xlsx").as_posix(), "corrupt-file")
    ]
    frictionless_validate(tmp_path / "out" / "datapackage.json")


FORMULA_LIKE = [
    " =cmd|' /C calc'!A0",
    "   =1+1",
    "\t=1+1",
    "\n=1+1",
    "\r\n@SUM(A1)",
    "\u00a0=1+1",  # non-breaking space
    "\u3000+1",  # ideographic space
    "\u2003-1",  # em space
    "\u200b=1",  # zero-width space
    "\ufeff=1",  # byte-order mark
    "\x0b=1",
    " \uff1d1+1",  # full-width equals
    "\uff1d1+1",
    "\ufe66x",  # small equals
    "\uff0b1",  # full-width plus
    "\uff0d1",  # full-width minus
    "\uff20x",  # full-width at
    "\t x",  # a tab first is always escaped
    "\rx",
    "'quoted",
]
PLAIN = ["plain", " plain", "a=b", "\u00e9=1", " 'x", "1=1", "", "   ", "\u2212 1"]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_is_escaped_after_any_leading_whitespace(text: str) -> None:
    assert escape_text(text) == "'" + text
    assert unescape_text(escape_text(text)) == text


@pytest.mark.parametrize("text", PLAIN)
def test_other_text_is_written_as_it_is(text: str) -> None:
    assert escape_text(text) == text
    assert unescape_text(text) == text


def test_unescape_is_the_exact_inverse_of_escape() -> None:
    rng = random.Random(11)
    alphabet = [" ", "\t", "\r", "\n", "'", "=", "+", "-", "@", "a", "1", "\u00a0", "\uff1d"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 5)))
        escaped = escape_text(text)
        assert escaped in (text, "'" + text)
        assert unescape_text(escaped) == text
        # Nothing written starts (after whitespace) with a formula sign unguarded.
        visible = escaped.lstrip(" \t\r\n\u00a0")
        assert escaped.startswith("'") or not visible.startswith(("=", "+", "-", "@", "\uff1d"))


def test_file_and_sheet_names_are_escaped_in_every_column(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = " =cmd|' /C calc'!A0"
    named = hostile.replace("/", "-") + ".xlsx"  # a file name cannot hold a slash
    folder = tmp_path / "in"
    folder.mkdir()

    def rename_data(data: bytes) -> bytes:
        # The sheet Data renamed to the hostile text, its defined names following it.
        quoted = "'" + hostile.replace("'", "''") + "'"
        text = data.decode().replace('name="Data"', f'name="{hostile}"'.replace("'", "&apos;"))
        text = re.sub(r"(?<![A-Za-z_])Data!", quoted.replace("'", "&apos;") + "!", text)
        return text.encode()

    rewrite(
        good_return_path(tmp_path_factory),
        folder / named,
        {"xl/workbook.xml": rename_data},
    )
    shutil.copy(folder / named, folder / "\uff1dcopy.xlsx")  # the same return again
    monkeypatch.chdir(folder)  # so that the file column starts with the file name
    out = tmp_path / "out"
    assert main(["collect", named, "\uff1dcopy.xlsx", "--out", str(out)]) == 0
    values = records(out / "values.csv")
    assert {(row[0], row[11]) for row in values[1:]} == {
        ("'" + named, ""),
        ("'\uff1dcopy.xlsx", "'" + named),
    }
    problems = records(out / "problems.csv")
    assert [(row[0], row[5], row[6]) for row in problems[1:]] == [
        ("'" + named, "missing-sheet", "'" + hostile),
        ("'\uff1dcopy.xlsx", "duplicate-return", ""),
        ("'\uff1dcopy.xlsx", "missing-sheet", "'" + hostile),
    ]
    # The message names the sheet inside the text, so it is not escaped; a sentence is.
    assert problems[1][12].startswith('The sheet "Data" was renamed to " =cmd')
    # And the raw text comes back exactly.
    assert unescape_text(problems[1][6]) == hostile
    frictionless_validate(out / "datapackage.json")
    assert cell_of("org_name")[0] == "Data"


def test_the_counter_sources_table_quotes_line_breaks_and_escapes_text(tmp_path: Path) -> None:
    from lks_templates.counter.importer import SOURCE_COLUMNS, SourceRow, write_sources

    # A COUNTER report is a sender's file too: its platform, Report_ID and name are text
    # from outside, with whatever they hold.
    row = SourceRow(
        field="eresource_searches",
        month="2026-04",
        platform="Ovid\rPlatform",
        report=" =cmd|' /C calc'!A0",
        file="tr\r\nreport.csv",
        value=-3,
    )
    write_sources([row], tmp_path / "sources.csv")
    assert records(tmp_path / "sources.csv") == [
        list(SOURCE_COLUMNS),
        [
            "eresource_searches",
            "2026-04",
            "Ovid\rPlatform",
            "' =cmd|' /C calc'!A0",
            "tr\r\nreport.csv",
            "-3",
        ],
    ]
