"""The Checks sheet: every rule evaluated live, per period where it names measures.

A flag cell holds 1 (passed), 0 (failed) or is blank ("" : not checked, its inputs are
blank). A number format shows 1 as ``OK`` and 0 as ``Fix`` (errors) or ``Check``
(warnings); conditional formats colour them; ``lks_failures`` counts the zeros.
"""

from __future__ import annotations

from collections.abc import Callable

from lks_templates import formula
from lks_templates.layout.about import LINE_HEIGHT, lines_needed
from lks_templates.layout.data import DATA, FIRST_COL, LABEL_COL, DataPositions
from lks_templates.layout.model import (
    ConditionalFormat,
    SheetPlan,
    cell_name,
    range_name,
    sheet_ref,
)
from lks_templates.rules.semantics import Figure, Semantics

CHECKS = "Checks"
MESSAGE_WIDTH = 54.0
SEVERITY_COL = 2
PASS_FORMAT = {"error": '"OK";"OK";"Fix"', "warning": '"OK";"OK";"Check"'}


def flag_formula(figure: Figure, ref: Callable[[str], str]) -> str:
    """``1`` when the check is TRUE, ``0`` when FALSE or an error, blank when not checked."""
    return "=" + formula.to_excel(figure.flag(), ref)


def checks_sheet(
    semantics: Semantics,
    data: DataPositions,
    period_refs: Callable[[int], Callable[[str], str]],
    names: dict[str, str],
    *,
    sheet_name: str = CHECKS,
    labels_sheet: str = DATA,
) -> SheetPlan:
    """Lay out the Checks sheet; add each rule's flags and ``lks_failures`` to ``names``."""
    sheet = SheetPlan(sheet_name, tab_color="#DA291C")
    sheet.put(0, LABEL_COL, "Checks", style="title")
    sheet.row_heights[0] = 28
    sheet.put(
        1,
        LABEL_COL,
        "Each check runs as you type. Fix every failed check (or explain it "
        "when you send the return). Blank: not checked yet.",
        style="note",
    )
    periods = list(data.period_cols()) if data.header_row is not None else [FIRST_COL]
    failed_col = periods[-1] + 1
    summary_row, header = 3, 5
    sheet.put(summary_row, LABEL_COL, "Checks that need attention", style="label_bold")
    sheet.row_heights[summary_row] = 22
    sheet.put(header, LABEL_COL, "Check", style="header")
    sheet.put(header, SEVERITY_COL, "Severity", style="header")
    for col in periods:
        if data.header_row is not None:
            source = cell_name(data.header_row, col, absolute=True)
            sheet.put(
                header,
                col,
                formula=f"={labels_sheet}!{source}",
                style="period",
                number_format=data.slots[col - FIRST_COL].number_format,
            )
        else:
            sheet.put(header, col, "Result", style="header")
    sheet.put(header, failed_col, "Failed", style="header_total")
    row = header + 1
    for figure in semantics.rules:
        spec = semantics.rule_specs[figure.name]
        sheet.put(row, LABEL_COL, spec.message, style="label")
        sheet.row_heights[row] = max(
            LINE_HEIGHT * lines_needed(spec.message, MESSAGE_WIDTH) + 4, 18
        )
        sheet.put(row, SEVERITY_COL, spec.severity.capitalize(), style="unit")
        flag_cols = periods if semantics.per_period(figure) and data.header_row else periods[:1]
        for col in flag_cols:
            ref = period_refs(col)
            if semantics.per_period(figure):
                ref = _sheet_qualified(ref, labels_sheet)
            sheet.put(
                row,
                col,
                "",
                formula=flag_formula(figure, ref),
                style="flag",
                number_format=PASS_FORMAT[spec.severity],
            )
        cells = range_name(row, flag_cols[0], row, flag_cols[-1])
        sheet.put(row, failed_col, formula=f"=COUNT({cells})-SUM({cells})", style="total")
        fail_style = "flag_fail" if spec.severity == "error" else "flag_warn"
        first = cell_name(row, flag_cols[0])
        sheet.conditional_formats.append(
            ConditionalFormat(
                row, flag_cols[0], row, flag_cols[-1], "formula", fail_style, f"={first}=0"
            )
        )
        sheet.conditional_formats.append(
            ConditionalFormat(
                row, flag_cols[0], row, flag_cols[-1], "formula", "flag_pass", f"={first}=1"
            )
        )
        names[figure.name] = sheet_ref(sheet_name, row, flag_cols[0], row, flag_cols[-1])
        row += 1
    if not semantics.rules:
        sheet.put(row, LABEL_COL, "This template has no checks.", style="note")
        total = "=0"
    else:
        total = f"=SUM({range_name(header + 1, failed_col, row - 1, failed_col)})"
    sheet.put(summary_row, FIRST_COL, formula=total, style="count")
    sheet.conditional_formats.append(
        ConditionalFormat(
            summary_row,
            FIRST_COL,
            summary_row,
            FIRST_COL,
            "formula",
            "flag_fail",
            f"={cell_name(summary_row, FIRST_COL)}>0",
        )
    )
    names["lks_failures"] = sheet_ref(sheet_name, summary_row, FIRST_COL)
    sheet.column_widths.update({0: 1.5, LABEL_COL: MESSAGE_WIDTH, SEVERITY_COL: 10, failed_col: 9})
    width = 10 if len(periods) > 4 else (14 if len(periods) > 1 else 20)
    for col in periods:
        sheet.column_widths[col] = width
    sheet.freeze = (header + 1, FIRST_COL)
    sheet.page.landscape = True
    sheet.page.fit_width, sheet.page.fit_height = 1, 0
    sheet.page.repeat_rows = (header, header)
    return sheet


def _sheet_qualified(ref: Callable[[str], str], sheet: str) -> Callable[[str], str]:
    """Wrap a Data-sheet reference function so that cell references carry the sheet name."""

    def qualified(name: str) -> str:
        text = ref(name)
        return text if text == name else f"{sheet}!{text}"

    return qualified
