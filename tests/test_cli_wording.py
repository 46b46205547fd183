"""Command messages count things in good English: 1 problem, 2 problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lks_templates.cli import main
from lks_templates.words import counted as count

SPECS = Path(__file__).parent / "data" / "specs"


def test_count() -> None:
    assert [count(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert count(1, "entry", "entries") == "1 entry"
    assert count(3, "entry", "entries") == "3 entries"
    assert count(1234, "error") == "1,234 errors"


@pytest.fixture
def one_problem(tmp_path: Path) -> Path:
    """The test specs with one version that is not semver: exactly one problem."""
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    spec = specs / "monthly-activity.yaml"
    text = spec.read_text(encoding="utf-8")
    assert text.count("\nversion: 1.0.0\n") == 1
    spec.write_text(text.replace("\nversion: 1.0.0\n", "\nversion: 1.0\n"), encoding="utf-8")
    return specs


def test_one_problem_is_singular(one_problem: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(one_problem), "--out", str(one_problem.parent / "dist")]) == 1
    assert capsys.readouterr().err == "Nothing built: 1 problem to fix first.\n"
    assert main(["check", str(one_problem), "--dist", str(one_problem.parent / "dist")]) == 1
    assert capsys.readouterr().err == "Cannot check: 1 problem in the specs.\n"
    assert main(["validate", str(one_problem)]) == 1
    assert capsys.readouterr().err == "1 error in 1 file.\n"


def test_one_stale_file_is_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dist = tmp_path / "dist"
    assert main(["build", str(SPECS), "--out", str(dist), "--quiet"]) == 0
    (dist / "README.md").write_text("edited\n", encoding="utf-8")
    assert main(["check", str(SPECS), "--dist", str(dist)]) == 1
    assert capsys.readouterr().err == f"{dist} is out of date: 1 file. Run `lks-templates build`.\n"


def test_one_import_error_is_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "s.json"
    schema.write_text('{"fields": [{"name": "Loans", "description": "Loans."}]}', "utf-8")
    assert main(["import-tableschema", str(schema)]) == 1
    assert capsys.readouterr().err.endswith("\n1 error: nothing written.\n")
