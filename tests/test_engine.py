"""The spreadsheet-engine harness itself: recalculation really happens, errors are clear."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from conftest import in_ci
from engine import (
    LibreOfficeError,
    assert_recalculated,
    error_cells,
    fill_by_names,
    pdf_page_count,
    pdf_page_sizes,
    read_by_names,
    recalculate,
    to_pdf,
    write_canary,
)

from lks_templates.preview import convert, only_sheets_visible


def _workbook(path: Path) -> Path:
    """Formulas whose values xlsxwriter caches as 0; a spreadsheet gives 7, 2.5 and #DIV/0!."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Data")
    sheet.write_number("A1", 3)
    sheet.write_number("A2", 4)
    sheet.write_formula("B1", "=SUM(A1:A2)")
    sheet.write_formula("B2", "=AVERAGE(A1,A3,2)")  # blank A3 is skipped: (3 + 2) / 2
    sheet.write_formula("B3", "=A1/A3")
    portrait = workbook.add_worksheet("Print")
    portrait.set_landscape()
    portrait.set_paper(9)  # A4
    portrait.write_string("A1", "one page")
    wide = workbook.add_worksheet("Wide")
    for column in range(60):  # about five portrait pages across
        wide.write_number(0, column, column)
    workbook.close()
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    src = tmp_path_factory.mktemp("src")
    out = tmp_path_factory.mktemp("out")
    [xlsx] = recalculate([_workbook(src / "sums.xlsx")], out)
    only_print = only_sheets_visible(src / "sums.xlsx", src / "print-only.xlsx", ["Print"])
    pdf, pdf_print_only = to_pdf([src / "sums.xlsx", only_print], out)
    return xlsx, pdf, pdf_print_only


@pytest.mark.engine
def test_recalculated_values(converted: tuple[Path, Path, Path]) -> None:
    xlsx, *_ = converted
    sheet = openpyxl.load_workbook(xlsx, data_only=True)["Data"]
    assert sheet["B1"].value == 7
    assert sheet["B2"].value == 2.5
    assert sheet["B3"].value == "#DIV/0!"
    # The formulas survive the round trip, so structure can still be inspected.
    assert openpyxl.load_workbook(xlsx)["Data"]["B1"].value == "=SUM(A1:A2)"


@pytest.mark.engine
def test_error_cells_are_found_by_address(converted: tuple[Path, Path, Path]) -> None:
    xlsx, *_ = converted
    assert error_cells(xlsx) == ["Data!B3 = #DIV/0!"]


@pytest.mark.engine
def test_fill_and_read_through_defined_names(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(tmp_path / "named.xlsx"))
    sheet = workbook.add_worksheet("Data")
    sheet.write_formula("E1", "=SUM(searches)*staff")
    workbook.define_name("staff", "=Data!$A$1")
    workbook.define_name("searches", "=Data!$B$1:$D$1")
    workbook.define_name("total", "=Data!$E$1")
    workbook.close()
    filled = fill_by_names(
        tmp_path / "named.xlsx", tmp_path / "filled.xlsx", {"staff": 2, "searches": [1, None, 4]}
    )
    [computed] = recalculate([filled], tmp_path / "out")
    assert read_by_names(computed) == {"searches": [1, None, 4], "staff": [2], "total": [10]}


@pytest.mark.engine
def test_pdf_prints_only_visible_sheets(converted: tuple[Path, Path, Path]) -> None:
    _, whole, print_only = converted
    assert pdf_page_count(whole) > 3  # Data, Print, and Wide over several pages
    assert pdf_page_count(print_only) == 1
    [(width, height)] = pdf_page_sizes(print_only)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points


@pytest.mark.engine
def test_canary_catches_a_conversion_without_recalculation(tmp_path: Path) -> None:
    canary = write_canary(tmp_path / "canary.xlsx")
    [stale] = convert([canary], tmp_path / "out", "xlsx", recalc=False)
    with pytest.raises(AssertionError, match="came back as 0"):
        assert_recalculated(stale)


@pytest.mark.engine
def test_missing_output_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LibreOfficeError, match=r"did not write: .*broken\.xlsx"):
        recalculate([broken], tmp_path / "out")


def test_same_stem_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_canary(tmp_path / "a" / "x.xlsx")
    second = write_canary(tmp_path / "b" / "x.xlsx")
    with pytest.raises(LibreOfficeError, match=r"would both be written as x\.\*"):
        convert([first, second], tmp_path / "out")


def test_ci_flag_values(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, expected in [("true", True), ("1", True), ("", False), ("false", False)]:
        monkeypatch.setenv("CI", value)
        assert in_ci() is expected
    monkeypatch.delenv("CI")
    assert in_ci() is False


def _run_marked_test(tmp_path: Path, ci: str) -> str:
    """Run one engine-marked test in a child pytest with soffice made unfindable."""
    here = Path(__file__).parent
    for name in ("conftest.py", "engine.py"):
        shutil.copy(here / name, tmp_path / name)
    (tmp_path / "test_needs_engine.py").write_text(
        "import pytest\n\n@pytest.mark.engine\ndef test_x():\n    pass\n", encoding="utf-8"
    )
    env = {**os.environ, "LKS_SOFFICE": "no-such-soffice-here", "CI": ci}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rsE",
            "-p",
            "no:cacheprovider",
            "-c",
            os.devnull,
            "-W",
            "ignore::pytest.PytestUnknownMarkWarning",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    return done.stdout


def test_missing_soffice_skips_locally(tmp_path: Path) -> None:
    out = _run_marked_test(tmp_path, ci="")
    assert "1 skipped" in out and "LibreOffice (soffice) is not installed" in out


def test_missing_soffice_fails_in_ci(tmp_path: Path) -> None:
    out = _run_marked_test(tmp_path, ci="true")
    assert "1 error" in out and "CI is set, so engine tests must run" in out
