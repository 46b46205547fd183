"""Figures printed by ``read`` look as a spreadsheet shows them (``format_number``)."""

from __future__ import annotations

import csv
import subprocess
import tempfile
from pathlib import Path

import pytest
import xlsxwriter

from lks_templates.rules.numbers import format_number

# Values whose rounding Python's own formatting gets wrong (half to even, binary floats).
TRICKY = [
    0.05,
    2.675,
    81.25,
    226.5,
    -5,
    1234.5,
    0.125,
    -2.5,
    0.5,
    1.005,
    -0.4,
    -0.001,
    0.1 + 0.2,
    0.1 + 0.2 + 0.3 + 0.35 + 0.6,
    1.0049999999999997,
    580.435,
    1234567.125,
    -1234.565,
    0,
    12,
]
FORMATS = ["0", "0.0", "0.00", "#,##0", "£#,##0.00"]
# Percentages: LibreOffice multiplies by 100 in binary and then rounds values a hair below
# a tie erratically, so these avoid such ties (Excel and format_number round the decimal).
PERCENTS = [
    (0.8125, "0.0%"),
    (0.045, "0%"),
    (-0.001, "0.0%"),
    (0.125, "0%"),
    (0.00125, "0.00%"),
    (1.5, "0%"),
    (-0.25, "0.0%"),
]


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (81.25, "0.0", "81.3"),  # Python's format gives 81.2
        (226.5, "0", "227"),  # Python's format gives 226
        (2.675, "0.00", "2.68"),  # the float is 2.67499999...
        (0.125, "0.00", "0.13"),
        (-5, "£#,##0.00", "-£5.00"),
        (-1234.565, "£#,##0.00", "-£1,234.57"),
        (1234.5, "#,##0", "1,235"),
        (-0.4, "0", "0"),  # no minus sign on a zero
        (0.1 + 0.2 + 0.3 + 0.35 + 0.6, "0.0", "1.6"),  # 1.5499999999999998
        (0.8125, "0.0%", "81.3%"),
        (25, "0.0", "25.0"),
    ],
)
def test_format_number_rounds_half_away_from_zero(
    value: float, number_format: str, shown: str
) -> None:
    assert format_number(value, number_format) == shown


@pytest.mark.engine
def test_format_number_matches_libreoffice() -> None:
    from engine import soffice_path

    soffice = soffice_path()
    assert soffice is not None
    cases = [(v, f) for v in TRICKY for f in FORMATS] + PERCENTS
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = xlsxwriter.Workbook(str(folder / "shown.xlsx"))
        sheet = book.add_worksheet()
        formats = {f: book.add_format({"num_format": f}) for _, f in cases}
        for row, (value, number_format) in enumerate(cases):
            sheet.write_number(row, 0, value, formats[number_format])
        book.close()
        # The CSV filter writes each cell as shown (token 9 "true": formatted text).
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{folder}/profile",
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
                "--outdir",
                str(folder),
                str(folder / "shown.xlsx"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        with open(folder / "shown.csv", encoding="utf-8", newline="") as stream:
            shown = [row[0] for row in csv.reader(stream)]
    assert len(shown) == len(cases)
    mismatches = [
        (value, number_format, text, format_number(value, number_format))
        for (value, number_format), text in zip(cases, shown, strict=True)
        if format_number(value, number_format) != text
    ]
    assert mismatches == []
