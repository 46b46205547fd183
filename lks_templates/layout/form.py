"""The Form sheet of a one-record form (``kind: form``): fields down the page."""

from __future__ import annotations

from lks_templates.layout import fields as fieldkit
from lks_templates.layout.model import (
    ConditionalFormat,
    SheetPlan,
    Validation,
    cell_name,
    sheet_ref,
)
from lks_templates.spec.models import FieldSpec, ResolvedTemplate

FORM = "Form"
LABEL_COL = 1
INPUT_COL = 2
HINT_COL = 3
LONG_TEXT = 255
"""Text fields allowed more characters than this get a tall, wrapped answer cell."""


def form_sheet(
    resolved: ResolvedTemplate, names: dict[str, str], inputs: dict[str, list[tuple[str, str]]]
) -> SheetPlan:
    """Lay out the Form sheet; add each field's defined name and input cell."""
    spec = resolved.template
    sheet = SheetPlan(FORM, tab_color="#005EB8")
    sheet.put(0, LABEL_COL, spec.title, style="title")
    sheet.row_heights[0] = 28
    sheet.put(1, LABEL_COL, f"Form {spec.id} version {spec.version}", style="subtitle")
    sheet.put(
        2,
        LABEL_COL,
        "Fill in the white cells, one per question; questions marked (required) "
        "must be answered (they are yellow while blank). Select a cell to see what it "
        "should hold.",
        style="note",
    )
    header = 4
    for col, text in ((LABEL_COL, "Question"), (INPUT_COL, "Your answer"), (HINT_COL, "Notes")):
        sheet.put(header, col, text, style="header")
    row = header + 1
    for f in resolved.profile_fields:
        _field_row(sheet, row, f)
        names[f.name] = sheet_ref(FORM, row, INPUT_COL)
        inputs[f.name] = [(FORM, cell_name(row, INPUT_COL))]
        row += 1
    sheet.column_widths.update({0: 1.5, LABEL_COL: 36, INPUT_COL: 64, HINT_COL: 30})
    sheet.freeze = (header + 1, 0)
    sheet.page.fit_width = 1
    sheet.page.repeat_rows = (header, header)
    return sheet


def _field_row(sheet: SheetPlan, row: int, f: FieldSpec) -> None:
    # Top-aligned: a long answer's cell is tall, and its question should sit at its top.
    sheet.put(row, LABEL_COL, fieldkit.entry_label(f), style="label_top")
    numeric = f.type in ("integer", "number", "date")
    sheet.put(
        row,
        INPUT_COL,
        None,
        style="input_top" if numeric else "input_text",
        number_format=fieldkit.number_format(f),
    )
    sheet.validations.append(
        Validation(row, INPUT_COL, row, INPUT_COL, fieldkit.validation_options(f))
    )
    hint = fieldkit.unit_label(f)
    if f.constraints.maxLength:
        hint = f"up to {f.constraints.maxLength:,} characters"
    if f.constraints.required:
        hint = f"{hint}; required" if hint else "required"
        sheet.conditional_formats.append(
            ConditionalFormat(row, INPUT_COL, row, INPUT_COL, "blanks", "required")
        )
    sheet.put(row, HINT_COL, hint, style="unit_top")
    long_text = f.type == "string" and (f.constraints.maxLength or 0) > LONG_TEXT
    sheet.row_heights[row] = 150 if long_text else (30 if len(fieldkit.entry_label(f)) > 36 else 18)
