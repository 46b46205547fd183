"""The case-study form says what a person does with its Yes/No drop-downs ("select Yes"),
never a spreadsheet value ("set it to TRUE") or a tick box it does not have (issue 9,
item 8). Read from the shipped workbook with openpyxl."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

FORM = Path(__file__).resolve().parents[1] / "dist" / "impact-case-study.xlsx"


def _texts(book: openpyxl.Workbook) -> list[tuple[str, str, str]]:
    """Every text a person reads: cell text that is not a formula, input prompts."""
    found: list[tuple[str, str, str]] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("="):
                    found.append((sheet.title, cell.coordinate, cell.value))
        for rule in sheet.data_validations.dataValidation:
            for text in (rule.prompt, rule.promptTitle, rule.error):
                if text:
                    found.append((sheet.title, str(rule.sqref), text))
    return found


def test_checks_say_select_yes_for_the_yes_no_drop_downs() -> None:
    book = openpyxl.load_workbook(FORM)
    checks = book["Checks"]
    messages = [checks.cell(row, 2).value for row in (7, 8)]
    assert messages == [
        "No impact is marked. Select Yes for at least one impact, or say in the story why "
        "the case is worth telling without one.",
        'Time saved is given in hours but "Saved time" is not Yes; select Yes for it.',
    ]
    # The impact cells the checks name are drop-downs offering exactly Yes and No.
    form = book["Form"]
    lists = {
        str(rule.sqref): rule.formula1
        for rule in form.data_validations.dataValidation
        if rule.type == "list"
    }
    for row in range(14, 23):
        assert form.cell(row, 2).value, row
        assert lists[f"C{row}"] == '"Yes,No"', row


def test_no_text_the_person_reads_says_true_or_tick() -> None:
    wrong = [
        (sheet, where, text)
        for sheet, where, text in _texts(openpyxl.load_workbook(FORM))
        if re.search(r"\bTRUE\b|\btick", text, re.IGNORECASE)
    ]
    assert wrong == []
