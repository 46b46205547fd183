"""Workbook structure straight from the zip: sheets, defined names, properties, formulas.

Reading the few small XML parts directly is far cheaper than loading the workbook with
openpyxl, and it sees exactly what is stored (including formulas, which value readers
hide). Everything here works on a :class:`~lks_templates.readback.safety.Package`, so every
part has passed the size limits and is parsed without entities.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from xml.etree import ElementTree

from lks_templates.readback.safety import (
    MAX_SHEET_CELLS,
    RELS_NS,
    Package,
    PartsKey,
    parts_key,
    refuse,
    remember,
)

MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DOC_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
CUSTOM_PROPERTIES_PART = "docProps/custom.xml"

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_FULL_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(.+)$")


@dataclass
class Structure:
    """What the workbook says about itself, before any value is read."""

    sheets: dict[str, str]
    """Sheet name -> zip part of its XML, in workbook order."""
    names: dict[str, str]
    """Workbook-scope defined name -> its reference text (``Data!$C$9:$N$9``)."""
    properties: dict[str, str]
    """Custom document properties as text."""
    shared_formula_sheets: set[str] = field(default_factory=set)


def read_structure(package: Package) -> Structure:
    """Sheets, workbook-scope defined names and custom properties of ``package``."""
    part = package.workbook_part
    key = parts_key(package, (part, _rels_part(part), CUSTOM_PROPERTIES_PART))
    if key is not None:
        key = (part.encode(), *key)
    known = _STRUCTURES.get(key) if key is not None else None
    if known is None:
        known = _parse_structure(package)
        if key is not None:
            remember(_STRUCTURES, key, known)
    return Structure(
        sheets=dict(known.sheets),
        names=dict(known.names),
        properties=dict(known.properties),
        shared_formula_sheets=set(known.shared_formula_sheets),
    )


# Workbook part name and the bytes of the workbook part, its relationships and the custom
# properties -> what they say (see safety.parts_key).
_STRUCTURES: dict[PartsKey, Structure] = {}


def _parse_structure(package: Package) -> Structure:
    root = package.xml(package.workbook_part)
    targets = _relationship_targets(package, package.workbook_part)
    sheets: dict[str, str] = {}
    for sheet in root.iter(f"{MAIN_NS}sheet"):
        name = sheet.get("name", "")
        rel_id = sheet.get(f"{DOC_REL_NS}id", "")
        if name and rel_id in targets:
            sheets[name] = targets[rel_id]
    names: dict[str, str] = {}
    for defined in root.iter(f"{MAIN_NS}definedName"):
        name = defined.get("name", "")
        if defined.get("localSheetId") is None and name and not name.startswith("_xlnm."):
            names[name] = (defined.text or "").strip()
    return Structure(sheets=sheets, names=names, properties=read_custom_properties(package))


def read_custom_properties(package: Package) -> dict[str, str]:
    """``docProps/custom.xml`` as ``{name: text}``; empty when the part is absent."""
    if not package.has(CUSTOM_PROPERTIES_PART):
        return {}
    found: dict[str, str] = {}
    for prop in package.xml(CUSTOM_PROPERTIES_PART).iter(f"{CUSTOM_NS}property"):
        name = prop.get("name")
        if name and len(prop):
            found[name] = (prop[0].text or "").strip()
    return found


def _rels_part(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _relationship_targets(package: Package, part: str) -> dict[str, str]:
    folder = posixpath.dirname(part)
    rels_part = _rels_part(part)
    if not package.has(rels_part):
        return {}
    targets: dict[str, str] = {}
    for rel in package.xml(rels_part).iter(f"{RELS_NS}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        full = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        targets[rel.get("Id", "")] = posixpath.normpath(full)
    return targets


# -- references -------------------------------------------------------------------------


def column_number(letters: str) -> int:
    """``A`` -> 1, ``AA`` -> 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """1 -> ``A``, 27 -> ``AA``."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def split_cell(ref: str) -> tuple[int, int] | None:
    """``C9`` or ``$C$9`` -> (row 9, column 3), 1-based; None if not a cell."""
    match = _CELL.match(ref)
    if not match:
        return None
    return int(match.group(2)), column_number(match.group(1).upper())


@dataclass(frozen=True)
class Reference:
    """A reference to one rectangular area of one sheet."""

    sheet: str
    cells: tuple[str, ...]
    """``A1`` names of the cells, row by row."""
    rows: int
    columns: int
    positions: tuple[tuple[int, int], ...] = ()
    """0-based (row, column) of each cell, in the order of ``cells``."""

    @property
    def text(self) -> str:
        area = self.cells[0] if len(self.cells) == 1 else f"{self.cells[0]}:{self.cells[-1]}"
        return f"{self.sheet}!{area}"


@lru_cache(maxsize=4096)
def parse_reference(text: str) -> Reference | None:
    """``Data!$C$9:$N$9`` -> :class:`Reference`; None for ``#REF!``, several areas, etc."""
    match = _FULL_REF.match(text.strip().lstrip("="))
    if not match:
        return None
    sheet = match.group(1).replace("''", "'") if match.group(1) is not None else match.group(2)
    ends = match.group(3).split(":")
    if len(ends) > 2:
        return None
    corners = [split_cell(end) for end in ends]
    if any(corner is None for corner in corners):
        return None
    (row1, col1), (row2, col2) = corners[0], corners[-1]  # type: ignore[misc]
    top, bottom = min(row1, row2), max(row1, row2)
    left, right = min(col1, col2), max(col1, col2)
    if (bottom - top + 1) * (right - left + 1) > MAX_SHEET_CELLS:
        return None
    spots = tuple((row, col) for row in range(top, bottom + 1) for col in range(left, right + 1))
    cells = tuple(f"{column_letters(col)}{row}" for row, col in spots)
    return Reference(
        sheet=sheet,
        cells=cells,
        rows=bottom - top + 1,
        columns=right - left + 1,
        positions=tuple((row - 1, col - 1) for row, col in spots),
    )


# -- sheets -----------------------------------------------------------------------------

_PLAIN_FORMULA = re.compile(rb"<f>([^<]*)</f>")
_OTHER_FORMULA = re.compile(rb"<f[\s/]")
# After white space is made plain spaces: an ``r`` attribute (cell or row address) beyond
# column Z or row 999, or written in a form a byte search could misread (spaces around
# "=", single quotes). Such a sheet gets its cells counted exactly.
_SPACES = bytes.maketrans(b"\t\r\n", b"   ")
_FAR_OR_ODD = re.compile(rb" r(?: ?= ?['\"](?:[A-Za-z]{2}|[A-Za-z]{0,3}[0-9]{4})| =|= |=')")


def stored_formulas(data: bytes) -> list[bytes] | None:
    """Every formula of a sheet's XML in document order, when all are plain ``<f>text</f>``.

    None when some formula has attributes (shared, array) or another form: the caller
    then parses the sheet properly with :func:`read_sheet`.
    """
    if _OTHER_FORMULA.search(data):
        return None
    return _PLAIN_FORMULA.findall(data)


def check_extent(package: Package, part: str, data: bytes) -> None:
    """Refuse a sheet whose used area is huge, before a value reader lays it out in memory.

    A byte search clears ordinary sheets (columns up to Z, rows up to 999) at once; any
    other sheet is parsed and its cells counted exactly.
    """
    if b"&#" in data or _FAR_OR_ODD.search(data.translate(_SPACES)):
        read_sheet(package, part, data)


@dataclass
class SheetXml:
    """What read-back needs from one sheet's XML: formulas and the used extent."""

    formulas: dict[str, str]
    """``A1`` -> formula text as stored (no leading ``=``; shared formulas expanded)."""
    max_row: int
    max_column: int


def read_sheet(package: Package, part: str, data: bytes | None = None) -> SheetXml:
    """Formulas and extent of one sheet part (``data``: its bytes, if already read)."""
    from lks_templates.readback.safety import parse_xml

    root = parse_xml(package.read(part) if data is None else data, package.file, part)
    formulas: dict[str, str] = {}
    shared: dict[str, tuple[str, str]] = {}
    followers: list[tuple[str, str]] = []
    max_row = max_column = 0
    cell_tag, formula_tag = f"{MAIN_NS}c", f"{MAIN_NS}f"
    for row in root.iter(f"{MAIN_NS}row"):
        row_number = _row_number(row.get("r"), max_row + 1, package.file, part)
        column = 0
        for cell in row.iter(cell_tag):
            address = cell.get("r", "")
            position = _cell_position(address)
            if position is None:
                if address:
                    raise _bad_address(address, package.file, part)
                column += 1
                ref = f"{column_letters(column)}{row_number}"
            else:
                row_number, column, ref = position
            max_column = max(max_column, column)
            formula = cell.find(formula_tag)
            if formula is not None:
                _collect_formula(ref, formula, formulas, shared, followers)
        max_row = max(max_row, row_number)
    if max_row * max_column > MAX_SHEET_CELLS:
        raise refuse(
            "zip-bomb",
            package.file,
            f"The sheet part {part} uses {max_row:,} rows "
            f"by {max_column:,} columns, more than {MAX_SHEET_CELLS:,} cells; refused "
            "as possibly hostile.",
        )
    if followers:
        _expand_shared(formulas, shared, followers)
    return SheetXml(formulas=formulas, max_row=max_row, max_column=max_column)


def _row_number(text: str | None, next_row: int, file: str, part: str) -> int:
    if not text:
        return next_row
    try:
        return int(text)
    except ValueError:
        raise refuse(
            "corrupt-file",
            file,
            f"The sheet part {part} has a row numbered "
            f"{text[:20]!r}, which is not a number. Ask the sender to save the "
            "workbook again and resend it.",
        ) from None


_LONG_ADDRESS = re.compile(r"^\$?[A-Za-z]+\$?[0-9]+$")


def _bad_address(address: str, file: str, part: str) -> Exception:
    # A value reader may place such a cell far away (A99999999 asks for 1.6 billion
    # cells and aborts the process), so the sheet cannot be cleared.
    shown = repr(address[:20])
    if _LONG_ADDRESS.match(address):
        return refuse(
            "zip-bomb",
            file,
            f"The sheet part {part} has a cell at {shown}, beyond "
            "the largest sheet; refused as possibly hostile.",
        )
    return refuse(
        "corrupt-file",
        file,
        f"The sheet part {part} has a cell address {shown}, "
        "which is not a cell. Ask the sender to save the workbook again and "
        "resend it.",
    )


@lru_cache(maxsize=16384)
def _cell_position(address: str) -> tuple[int, int, str] | None:
    """Row, column and plain ``A1`` name of a cell address; the same few recur in every sheet."""
    position = split_cell(address)
    if position is None:
        return None
    row, column = position
    return row, column, f"{column_letters(column)}{row}"


def _collect_formula(
    ref: str,
    formula: ElementTree.Element,
    formulas: dict[str, str],
    shared: dict[str, tuple[str, str]],
    followers: list[tuple[str, str]],
) -> None:
    text = formula.text or ""
    if formula.get("t") == "shared":
        index = formula.get("si", "")
        if text:
            shared[index] = (ref, text)
        else:
            followers.append((ref, index))
            return
    formulas[ref] = text


def _expand_shared(
    formulas: dict[str, str], shared: dict[str, tuple[str, str]], followers: list[tuple[str, str]]
) -> None:
    # Excel stores a block of copied formulas once and the other cells as "same as that,
    # moved". openpyxl's translator is imported only for such files.
    from openpyxl.formula.translate import Translator

    for ref, index in followers:
        if index in shared:
            origin, text = shared[index]
            try:
                formulas[ref] = Translator("=" + text, origin=origin).translate_formula(ref)[1:]
            except Exception:  # hostile text can break that parser in any way
                formulas[ref] = ""  # unknown, like a copy of a missing formula
        else:
            formulas[ref] = ""
