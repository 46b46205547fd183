"""Every problem code read-back can report, with its severity and meaning.

``rejects`` codes stop a file from being read at all; the others are reported on a file
whose values were read. docs/reading-returns.md documents the same list (a test keeps
them in step).
"""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    severity: str
    """``error``, ``warning``, ``rule`` (the severity the spec gives the rule), or
    ``warning or error`` (``moved-name``: depending on what could still be read)."""
    rejects: bool
    meaning: str


CODES: dict[str, Code] = {
    # The file cannot be read at all.
    "unreadable-file": Code(
        "error", True, "The file could not be opened (permissions, vanished while collecting)."
    ),
    "too-large": Code("error", True, "The file is larger than any return could be."),
    "not-a-workbook": Code(
        "error",
        True,
        "Not a spreadsheet: empty, a web page, a Word "
        "document, an Excel 2003 XML file, another zip.",
    ),
    "old-excel-format": Code("error", True, "An Excel 97-2003 .xls file."),
    "ods-not-supported": Code("error", True, "An OpenDocument (.ods) spreadsheet."),
    "xlsb-not-supported": Code("error", True, "An Excel binary (.xlsb) workbook."),
    "macro-enabled": Code(
        "error", True, "A macro-enabled workbook (.xlsm, vbaProject.bin); macros are never run."
    ),
    "password-protected": Code("error", True, "Encrypted with a password to open."),
    "corrupt-file": Code(
        "error",
        True,
        "A damaged or truncated zip, a part that fails its checksum, XML that is not well-formed.",
    ),
    "zip-bomb": Code(
        "error",
        True,
        "A part unpacks (or says it unpacks) beyond the limits, "
        "at an extreme compression ratio, or a sheet's used area is huge.",
    ),
    "unsafe-xml": Code(
        "error",
        True,
        "XML with a DTD or entity declarations (for example "
        '"billion laughs"), which spreadsheet programs never write.',
    ),
    "not-an-lks-workbook": Code(
        "error",
        True,
        "A workbook without the lks_template_id property: not made from one of our templates.",
    ),
    "unknown-template": Code("error", True, "The template id is not among the specs."),
    "unknown-version": Code("error", True, "The template id is known but not that version."),
    # Structure: the workbook differs from what the generator wrote.
    "spec-mismatch": Code(
        "warning",
        False,
        "lks_spec_sha256 differs from the spec of that "
        "id and version: the spec text changed without a version bump.",
    ),
    "missing-sheet": Code("error", False, "A sheet of the template was deleted or renamed."),
    "missing-name": Code(
        "error",
        False,
        "A defined name was deleted or refers to deleted cells (#REF!); its values cannot be read.",
    ),
    "moved-name": Code(
        "warning or error",
        False,
        "Rows or columns were inserted or "
        "deleted, so defined names point somewhere other than the template "
        "puts them: one problem per sheet. A warning when every value was "
        "still read by name; an error when a field's cells changed shape (its "
        "values are not read) or formulas were typed over or deleted.",
    ),
    "formula-overwritten": Code(
        "warning",
        False,
        "A formula cell holds a typed value or a "
        "different formula. Collected figures are recomputed, so "
        "they are not affected; the workbook's own dashboard may be.",
    ),
    # Values.
    "type-error": Code(
        "error",
        False,
        "Text in a number cell, a decimal in a whole-number "
        "field, a date that is not a date, a year that is not a year. The "
        "value is kept as text in values.csv and counts as blank in figures.",
    ),
    "formula-in-input": Code(
        "error",
        False,
        "An entry cell holds a formula instead of a "
        "typed value. The formula is kept as text in values.csv; its "
        "stored result is not used, and the cell counts as blank.",
    ),
    "number-as-text": Code("warning", False, "A number stored as text; read as the number."),
    "date-as-text": Code(
        "warning", False, "A date typed as text (2026-04-30 or 30/04/2026); read as the date."
    ),
    "date-as-number": Code(
        "warning", False, "A date field holding a plain number; read as an Excel date serial."
    ),
    "boolean-as-text": Code(
        "warning", False, "A Yes/No field holding TRUE, FALSE, Y or N as text; read as Yes or No."
    ),
    "constraint-error": Code(
        "error", False, "A value outside its field's minimum, maximum, choices, pattern or length."
    ),
    "required-missing": Code(
        "error",
        False,
        "A required value is blank (a required measure "
        "only in periods where some measure was entered).",
    ),
    "rule-failed": Code(
        "rule",
        False,
        "A check from the spec's rules failed, evaluated in "
        "Python on the values read. Not checked where it uses a cell with a "
        "`type-error` or `formula-in-input`.",
    ),
    # Across files.
    "duplicate-return": Code(
        "error",
        False,
        "The same organisation, template and reporting "
        "year as an earlier file (a form: identical values).",
    ),
}
