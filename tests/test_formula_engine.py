"""The independent proof: LibreOffice recalculates every case and must agree.

Every AGREED formula of test_formula_evaluate.py is written with ``to_excel`` into one
workbook, next to cells holding the named values; LibreOffice recalculates it and each
result must equal both the hand-worked value and the Python evaluator's. DIVERGENT
formulas must give LibreOffice's documented value, so docs/formula-language.md stays true.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from engine import recalculate
from test_formula_evaluate import AGREED, CELLS, DIVERGENT, ENV

from lks_templates.formula import BLANK, ExcelError, Value, evaluate, parse, to_excel

pytestmark = pytest.mark.engine


def _ref(name: str) -> str:
    return f"Data!{CELLS[name]}"


def _write_value(sheet: Any, row: int, col: int, value: Value) -> None:
    if value is BLANK:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, float):
        sheet.write_number(row, col, value)
    elif value == "":
        sheet.write_formula(row, col, '=""', None, "")  # a cell holding empty text
    else:
        sheet.write_string(row, col, str(value))


def _write_workbook(path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    formulas = workbook.add_worksheet("F")
    data = workbook.add_worksheet("Data")
    for name, cells in CELLS.items():
        first = cells.split(":")[0].replace("$", "")
        col = ord(first[0]) - ord("A")
        row = int(first[1:]) - 1
        values = ENV[name]
        for offset, value in enumerate(values if isinstance(values, list) else [values]):
            _write_value(data, row + offset, col, value)
    cases = [formula for _, formula, _ in AGREED] + [formula for _, formula, *_ in DIVERGENT]
    for row, formula in enumerate(cases):
        formulas.write_formula(row, 0, "=" + to_excel(parse(formula), _ref))
    workbook.close()


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    folder = tmp_path_factory.mktemp("formula-engine")
    source = folder / "formulas.xlsx"
    _write_workbook(source)
    (result,) = recalculate([source], folder / "out")
    workbook = openpyxl.load_workbook(result, data_only=True)
    try:
        sheet = workbook["F"]
        count = len(AGREED) + len(DIVERGENT)
        return [sheet.cell(row + 1, 1).value for row in range(count)]
    finally:
        workbook.close()


def _as_cell(value: Value) -> Any:
    """What openpyxl reads back for a value: errors as text, a lone blank as 0."""
    if isinstance(value, ExcelError):
        return value.code
    if value is BLANK:
        return 0  # a cell showing a reference to an empty cell displays 0
    return value


def _agrees(cell: Any, value: Value) -> bool:
    expected = _as_cell(value)
    if isinstance(expected, float) and not isinstance(expected, bool):
        if isinstance(cell, bool) or not isinstance(cell, int | float):
            return False
        return abs(cell - expected) <= 1e-12 * max(1.0, abs(expected))
    if expected == "" and cell is None:
        return True
    return type(cell) is type(expected) and cell == expected


def test_libreoffice_agrees_with_the_evaluator(computed: list[Any]) -> None:
    disagreements = []
    for (rule, formula, expected), cell in zip(AGREED, computed, strict=False):
        mine = evaluate(parse(formula), ENV)
        if not (_agrees(cell, expected) and _agrees(cell, mine)):
            disagreements.append(f"{rule}: {formula} LibreOffice {cell!r}, evaluator {mine!r}")
    assert disagreements == []
    assert len(AGREED) >= 60


def test_documented_differences_still_hold(computed: list[Any]) -> None:
    changed = []
    for (rule, formula, _excel, libreoffice), cell in zip(
        DIVERGENT, computed[len(AGREED) :], strict=True
    ):
        if not _agrees(cell, libreoffice):
            changed.append(f"{rule}: {formula} LibreOffice now gives {cell!r}")
    assert changed == []
