"""Bad-spec cases as data files (black's style), run through the CLI.

Each case is a file or a folder under ``tests/data/cases/``. Every YAML file of a case
declares the problems expected in it, one per comment line::

    # expect: LINE:COL CODE

The test runs ``lks-templates validate`` on the case together with ``_shared/`` (a valid
dataset and FAQ that cases may refer to) and asserts exactly those problems, and exit 1.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from lks_templates.cli import main

CASES = Path(__file__).parent / "data" / "cases"
SHARED = CASES / "_shared"
EXPECT = re.compile(r"^#\s*expect:\s*(\d+):(\d+)\s+([a-z0-9-]+)\s*$")
OUTPUT = re.compile(r"^(.+):(\d+):(\d+): ([a-z0-9-]+) (.+)$")

Expected = Counter[tuple[str, int, int, str]]


def _case_files(case: Path) -> list[Path]:
    if case.is_dir():
        return sorted(p for p in case.rglob("*") if p.suffix in (".yaml", ".yml"))
    return [case]


def _expected(case: Path) -> Expected:
    expected: Expected = Counter()
    for file in _case_files(case):
        for line in file.read_text(encoding="utf-8").splitlines():
            match = EXPECT.match(line)
            if match:
                row, column, code = match.groups()
                expected[(file.name, int(row), int(column), code)] += 1
    return expected


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if not p.name.startswith("_"))


def test_there_are_enough_cases() -> None:
    assert len(_cases()) >= 30
    assert all(_expected(case) for case in _cases()), "every case declares what it expects"


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_bad_spec_case(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(case), str(SHARED)])
    out = capsys.readouterr().out
    found: Expected = Counter()
    for line in out.splitlines():
        match = OUTPUT.match(line)
        assert match, f"not FILE:LINE:COL: CODE message: {line!r}"
        file, row, column, problem, message = match.groups()
        assert Path(file).resolve().is_relative_to(case.resolve()), line
        assert message.endswith((".", "?")), f"a message is a sentence: {line!r}"
        found[(Path(file).name, int(row), int(column), problem)] += 1
    assert sorted(found.elements()) == sorted(_expected(case).elements()), out
    assert code == 1


def test_every_spec_code_has_a_case() -> None:
    from lks_templates.spec.codes import SPEC_CODES

    covered = {code for case in _cases() for (_, _, _, code) in _expected(case)}
    assert sorted(set(SPEC_CODES) - covered) == []
    assert sorted(covered - set(SPEC_CODES)) == [], "every code a case expects is registered"
