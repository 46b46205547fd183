"""Percentages show a % sign, money does not say GBP beside a £, and annual money is in
whole pounds (issue 9, item 8). Read from the shipped workbooks with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from lks_templates.rules.numbers import format_number

DIST = Path(__file__).resolve().parents[1] / "dist"
WORKBOOKS = sorted(p.name for p in DIST.glob("*.xlsx"))


def _row_of(sheet: Worksheet, label: str) -> int:
    rows = [int(c.row) for c in sheet["B"] if c.value == label]
    assert len(rows) == 1, (label, rows)
    return rows[0]


def test_a_share_on_the_data_sheet_shows_a_percent_sign_and_keeps_its_value() -> None:
    book = openpyxl.load_workbook(DIST / "staffing-and-finance.xlsx")
    data = book["Data"]
    # "Staff costs" twice: the money entered, then its share under "Calculated figures".
    money, share = [c.row for c in data["B"] if c.value == "Staff costs"]
    assert data.cell(money, 4).number_format == "£#,##0"
    assert data.cell(share, 3).value == "of expenditure"
    assert data.cell(share, 4).number_format == '0.0"%"'
    # The cell holds 85.4 (what read and collect give); the format adds the sign only.
    assert format_number(85.44, '0.0"%"') == "85.4%"
    assert format_number(0.854, "0.0%") == "85.4%"


def test_a_percentage_tile_shows_the_sign() -> None:
    book = openpyxl.load_workbook(DIST / "reach-and-registration.xlsx")
    tile = book["Dashboard"]["B6"]
    assert tile.value.startswith("=IF(")
    assert "registered_users" in tile.value
    assert tile.number_format == '0.0"%"'
    assert book["Infographic"]["B6"].number_format == '0.0"%"'


def test_pounds_per_wte_say_per_wte_not_gbp() -> None:
    dashboard = openpyxl.load_workbook(DIST / "staffing-and-finance.xlsx")["Dashboard"]
    assert dashboard["D6"].number_format == "£#,##0.00"
    assert dashboard["D7"].value == "per WTE"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_no_figure_repeats_its_unit_in_words(name: str) -> None:
    """No unit label says GBP or % beside a figure whose format shows £ or %: the Data
    sheet's unit column (C, left of the first period's value in D) and the line under a
    Dashboard tile's value."""
    book = openpyxl.load_workbook(DIST / name)
    pairs = []
    if "Data" in book.sheetnames:
        data = book["Data"]
        pairs += [(data.cell(r, 3), data.cell(r, 4)) for r in range(1, data.max_row + 1)]
    if "Dashboard" in book.sheetnames:
        board = book["Dashboard"]
        pairs += [
            (board.cell(r, c), board.cell(r - 1, c))
            for r in range(2, board.max_row + 1)
            for c in range(1, board.max_column + 1)
        ]
    wrong = [
        f"{unit.parent.title}!{unit.coordinate} {unit.value}"
        for unit, figure in pairs
        if isinstance(unit.value, str)
        and (unit.value.startswith(("GBP", "%")))
        and ("£" in figure.number_format or "%" in figure.number_format)
    ]
    assert wrong == []


def test_annual_money_is_in_whole_pounds() -> None:
    data = openpyxl.load_workbook(DIST / "staffing-and-finance.xlsx")["Data"]
    row = _row_of(data, "Total expenditure (required)")
    assert data.cell(row, 4).number_format == "£#,##0"
    assert format_number(410000, "£#,##0") == "£410,000"
