"""Workbook structure straight from the zip: sheets, defined names and properties.

Reading the few small XML parts directly is far cheaper than loading the workbook with
openpyxl, and it sees exactly what is stored. Everything here works on a
:class:`~lks_templates.readback.safety.Package`, so every part has passed the size limits
and is parsed without entities. The workbook part is parsed as a stream, with caps on
how many sheets and names it may list, so a huge one costs time, not memory.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from xml.etree import ElementTree

from lks_templates.cells import cell_text, split_area
from lks_templates.readback.safety import (
    MAX_DEFINED_NAMES,
    MAX_SHEETS,
    RELS_NS,
    Package,
    PartsKey,
    drop_ended,
    parts_key,
    refuse,
    remember,
    xml_events,
)

MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DOC_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
CUSTOM_PROPERTIES_PART = "docProps/custom.xml"
SHARED_STRINGS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)
STYLES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"

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
    shared_strings: str = ""
    """Zip part of the shared strings ("" when there is none)."""
    styles: str = ""
    """Zip part of the styles ("" when there is none)."""
    date1904: bool = False
    """Dates count from 1904 (old Mac Excel), not 1900."""

    def copy(self) -> Structure:
        return Structure(
            sheets=dict(self.sheets),
            names=dict(self.names),
            properties=dict(self.properties),
            shared_strings=self.shared_strings,
            styles=self.styles,
            date1904=self.date1904,
        )


def read_structure(package: Package, known: dict[PartsKey, Structure] | None = None) -> Structure:
    """Sheets, workbook-scope defined names and custom properties of ``package``.

    ``known``: structures already worked out in this run, by the bytes of their parts.
    """
    part = package.workbook_part
    key = parts_key(package, (part, _rels_part(part), CUSTOM_PROPERTIES_PART))
    if key is not None:
        key = (part.encode(), *key)
    seen = known.get(key) if key is not None and known is not None else None
    if seen is None:
        seen = _parse_structure(package)
        if key is not None and known is not None:
            remember(known, key, seen)
    return seen.copy()


def _parse_structure(package: Package) -> Structure:
    targets, types = _relationship_targets(package, package.workbook_part)
    listed, names, date1904 = _read_workbook_part(package)
    sheets: dict[str, str] = {}
    folded: dict[str, str] = {}
    for name, rel_id in listed:
        # Excel compares sheet names case-insensitively and never saves two alike; a file
        # that lists one twice could show one part to the checks and another to a reader.
        first = folded.setdefault(name.casefold(), name)
        if first != name or name in sheets:
            raise refuse(
                "corrupt-file",
                package.file,
                f'The workbook lists two sheets named "{first}"'
                + ("" if first == name else f' and "{name}"')
                + ", which no spreadsheet program saves. Ask the sender to save the workbook "
                "again from Excel and resend it.",
            )
        if rel_id in targets:
            sheets[name] = targets[rel_id]
    return Structure(
        sheets=sheets,
        names=names,
        properties=read_custom_properties(package),
        shared_strings=_part_of_type(package, types, SHARED_STRINGS_REL, "xl/sharedStrings.xml"),
        styles=_part_of_type(package, types, STYLES_REL, "xl/styles.xml"),
        date1904=date1904,
    )


def _part_of_type(package: Package, types: dict[str, str], rel_type: str, usual: str) -> str:
    for target, kind in types.items():
        if kind == rel_type and package.has(target):
            return target
    return usual if package.has(usual) else ""


def _read_workbook_part(
    package: Package,
) -> tuple[list[tuple[str, str]], dict[str, str], bool]:
    """(sheet name, relationship id) of each sheet, the workbook-scope names, date1904."""
    part = package.workbook_part
    file = package.file
    listed: list[tuple[str, str]] = []
    names: dict[str, str] = {}
    count = 0
    date1904 = False
    stack: list[ElementTree.Element] = []
    for event, element in xml_events(package.read(part), file, part):
        if event == "start":
            stack.append(element)
            if element.tag == f"{MAIN_NS}sheet":
                listed.append((element.get("name", ""), element.get(f"{DOC_REL_NS}id", "")))
                if len(listed) > MAX_SHEETS:
                    raise _too_many(file, part, f"more than {MAX_SHEETS:,} sheets")
            elif element.tag == f"{MAIN_NS}workbookPr":
                date1904 = element.get("date1904", "").strip().lower() in ("1", "true")
            continue
        if element.tag == f"{MAIN_NS}definedName":
            count += 1
            if count > MAX_DEFINED_NAMES:
                raise _too_many(file, part, f"more than {MAX_DEFINED_NAMES:,} defined names")
            name = element.get("name", "")
            if element.get("localSheetId") is None and name and not name.startswith("_xlnm."):
                names[name] = (element.text or "").strip()
        drop_ended(stack, element)
    return [(name, rel_id) for name, rel_id in listed if name], names, date1904


def _too_many(file: str, part: str, what: str) -> Exception:
    return refuse("zip-bomb", file, f"The part {part} lists {what}; refused as possibly hostile.")


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


def _relationship_targets(package: Package, part: str) -> tuple[dict[str, str], dict[str, str]]:
    """Relationship id -> target part, and target part -> relationship type."""
    folder = posixpath.dirname(part)
    rels_part = _rels_part(part)
    if not package.has(rels_part):
        return {}, {}
    targets: dict[str, str] = {}
    types: dict[str, str] = {}
    for rel in package.xml(rels_part).iter(f"{RELS_NS}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        full = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        targets[rel.get("Id", "")] = posixpath.normpath(full)
        types.setdefault(targets[rel.get("Id", "")], rel.get("Type", ""))
    return targets, types


# -- references -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A reference to one rectangular area of one sheet.

    Only the corners are kept: a defined name may be repointed at millions of cells, and
    read-back compares shapes before it ever lists the cells of an area (only areas of the
    template's own shape are listed).
    """

    sheet: str
    top: int
    left: int
    bottom: int
    right: int
    """1-based corners, inclusive."""

    @property
    def rows(self) -> int:
        return self.bottom - self.top + 1

    @property
    def columns(self) -> int:
        return self.right - self.left + 1

    @property
    def size(self) -> int:
        """How many cells the area holds."""
        return self.rows * self.columns

    @property
    def first_cell(self) -> str:
        """``A1`` name of the top-left cell."""
        return cell_text(self.top, self.left)

    @property
    def last_cell(self) -> str:
        return cell_text(self.bottom, self.right)

    @property
    def corners(self) -> tuple[int, int, int, int]:
        return (self.top, self.left, self.bottom, self.right)

    @cached_property
    def positions(self) -> tuple[tuple[int, int], ...]:
        """0-based (row, column) of each cell, row by row (lists the area: small areas only)."""
        if self.size > MAX_LISTED_CELLS:  # a guard for read-back's own code, never for a file
            raise ValueError(f"{self.text} is too large to list cell by cell")
        return tuple(
            (row - 1, col - 1)
            for row in range(self.top, self.bottom + 1)
            for col in range(self.left, self.right + 1)
        )

    @cached_property
    def cells(self) -> tuple[str, ...]:
        """``A1`` names of the cells, row by row (lists the area: small areas only)."""
        return tuple(cell_text(row + 1, col + 1) for row, col in self.positions)

    @property
    def text(self) -> str:
        area = self.first_cell if self.size == 1 else f"{self.first_cell}:{self.last_cell}"
        return f"{self.sheet}!{area}"


def parse_reference(
    text: str, known: dict[str, Reference | None] | None = None
) -> Reference | None:
    """``Data!$C$9:$N$9`` -> :class:`Reference`; None for ``#REF!``, several areas, etc.

    ``known``: references already parsed in this run (filled in here), so that the returns
    of one template share one object per name.
    """
    if known is not None and text in known:
        return known[text]
    match = _FULL_REF.match(text.strip().lstrip("="))
    ref = None
    if match:
        sheet = match.group(1).replace("''", "'") if match.group(1) is not None else match.group(2)
        area = split_area(match.group(3))
        if area is not None:
            ref = Reference(sheet, *area)
    if known is not None and len(text) <= 1024:
        if len(known) >= MAX_REMEMBERED_REFERENCES:
            known.clear()
        known[text] = ref
    return ref


MAX_REMEMBERED_REFERENCES = 4096
MAX_LISTED_CELLS = 100_000
"""Largest area listed cell by cell; read-back lists only areas of the template's shape."""
