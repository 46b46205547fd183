"""What the audit reads from a workbook: sheets, cell styles, merges, conditional formats,
validations, views, drawings and charts, straight from the zip parts.

Everything goes through :mod:`lks_templates.readback.safety` (size limits, XML without
entities): an audited workbook may come from anywhere.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from xml.etree import ElementTree

from lks_templates.audit.colours import A_NS, cell_colour, number, theme_colours
from lks_templates.cells import column_letters, split_cell
from lks_templates.readback.safety import MAX_SHEET_CELLS, Package, refuse
from lks_templates.readback.workbook import (
    DOC_REL_NS,
    MAIN_NS,
    _relationship_targets,
    read_structure,
)

XDR_NS = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
C_NS = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
DC_NS = "{http://purl.org/dc/elements/1.1/}"
DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
CORE_PART = "docProps/core.xml"
DEFAULT_FONT_SIZE = 11.0

Box = tuple[int, int, int, int]
"""First row, first column, last row, last column (1-based, inclusive)."""


@dataclass(frozen=True)
class CellStyle:
    """What a cell format means for contrast: text colour on fill, size and weight."""

    font: str | None
    """``#RRGGBB``; None for automatic (black)."""
    fill: str | None
    """``#RRGGBB``; None for no fill (the white window)."""
    size: float
    bold: bool
    readable: bool = True
    """False when the fill cannot be measured (a gradient)."""
    locked: bool = True
    """False for cells people may type in on a protected sheet."""


@dataclass(frozen=True)
class Dxf:
    """A conditional format's differences: each None where it leaves the cell's own."""

    font: str | None
    fill: str | None
    bold: bool | None


@dataclass
class Drawn:
    """A chart, picture or shape on a sheet's drawing."""

    kind: str
    """``chart``, ``picture`` or ``shape``."""
    name: str
    description: str
    decorative: bool
    anchor: str
    """``A1`` of the cell its top-left corner sits on."""
    chart_part: str = ""
    text: str = ""
    """A shape's own text (a text box)."""


@dataclass
class Sheet:
    """One worksheet as the audit sees it."""

    name: str
    part: str
    styles: dict[tuple[int, int], int] = field(default_factory=dict)
    """(row, column), 1-based -> cell format index, for every cell the sheet stores."""
    content: bool = False
    """Any value or formula in any cell."""
    filled: set[tuple[int, int]] = field(default_factory=set)
    """(row, column), 1-based, of every cell holding a value or a formula."""
    merges: list[Box] = field(default_factory=list)
    conditional: list[tuple[str, list[Box], list[int]]] = field(default_factory=list)
    """(sqref, its boxes, the dxf index of each rule)."""
    validations: list[tuple[str, list[Box], dict[str, str]]] = field(default_factory=list)
    """(sqref, its boxes, the validation's attributes)."""
    tab_selected: bool = False
    top_left: str = "A1"
    active_cell: str = "A1"
    drawn: list[Drawn] = field(default_factory=list)


@dataclass
class Book:
    """A workbook read for the audit."""

    file: str
    sheets: list[Sheet]
    names: dict[str, str]
    styles: list[CellStyle]
    dxfs: list[Dxf]
    title: str
    language: str
    active_tab: int
    theme: dict[str, str]
    charts: dict[str, ElementTree.Element]
    """Chart part -> its XML."""


def boxes(sqref: str) -> list[Box]:
    """``D6 D8:E9`` -> boxes; parts that are not cell references are left out."""
    found = []
    for area in sqref.split():
        ends = [split_cell(end) for end in area.split(":")]
        if not ends or len(ends) > 2 or any(end is None for end in ends):
            continue
        (r1, c1), (r2, c2) = ends[0], ends[-1]  # type: ignore[misc]
        found.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return found


def a1(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}"


def read_book(package: Package) -> Book:
    """Read everything the checklist looks at."""
    structure = read_structure(package)
    theme_part = posixpath.join(posixpath.dirname(package.workbook_part), "theme/theme1.xml")
    theme = theme_colours(package.xml(theme_part) if package.has(theme_part) else None)
    styles, dxfs = _styles(package, theme)
    workbook = package.xml(package.workbook_part)
    view = workbook.find(f"{MAIN_NS}bookViews/{MAIN_NS}workbookView")
    active_tab = int(number(view.get("activeTab"))) if view is not None else 0
    title = language = ""
    if package.has(CORE_PART):
        core = package.xml(CORE_PART)
        title = (core.findtext(f"{DC_NS}title") or "").strip()
        language = (core.findtext(f"{DC_NS}language") or "").strip()
    charts: dict[str, ElementTree.Element] = {}
    sheets = [_sheet(package, name, part, charts) for name, part in structure.sheets.items()]
    return Book(
        file=package.file,
        sheets=sheets,
        names=structure.names,
        styles=styles,
        dxfs=dxfs,
        title=title,
        language=language,
        active_tab=active_tab,
        theme=theme,
        charts=charts,
    )


def _styles(package: Package, theme: dict[str, str]) -> tuple[list[CellStyle], list[Dxf]]:
    folder = posixpath.dirname(package.workbook_part)
    part = posixpath.join(folder, "styles.xml")
    if not package.has(part):
        return [CellStyle(None, None, DEFAULT_FONT_SIZE, False)], []
    root = package.xml(part)
    fonts = [
        (
            cell_colour(font.find(f"{MAIN_NS}color"), theme),
            number(font.find(f"{MAIN_NS}sz").get("val"), DEFAULT_FONT_SIZE)  # type: ignore[union-attr]
            if font.find(f"{MAIN_NS}sz") is not None
            else DEFAULT_FONT_SIZE,
            _flag(font.find(f"{MAIN_NS}b")),
        )
        for font in root.findall(f"{MAIN_NS}fonts/{MAIN_NS}font")
    ]
    fills = [
        _fill(fill, theme, dxf=False) for fill in root.findall(f"{MAIN_NS}fills/{MAIN_NS}fill")
    ]
    styles = []
    for xf in root.findall(f"{MAIN_NS}cellXfs/{MAIN_NS}xf"):
        colour, size, bold = _at(fonts, xf.get("fontId"), (None, DEFAULT_FONT_SIZE, False))
        fill, readable = _at(fills, xf.get("fillId"), (None, True))
        protection = xf.find(f"{MAIN_NS}protection")
        locked = protection is None or protection.get("locked", "1") not in ("0", "false")
        styles.append(CellStyle(colour, fill, size, bold, readable, locked))
    dxfs = []
    for dxf in root.findall(f"{MAIN_NS}dxfs/{MAIN_NS}dxf"):
        font = dxf.find(f"{MAIN_NS}font")
        fill = dxf.find(f"{MAIN_NS}fill")
        bold = (
            None
            if font is None or font.find(f"{MAIN_NS}b") is None
            else _flag(font.find(f"{MAIN_NS}b"))
        )
        dxfs.append(
            Dxf(
                font=None if font is None else cell_colour(font.find(f"{MAIN_NS}color"), theme),
                fill=None if fill is None else _fill(fill, theme, dxf=True)[0],
                bold=bold,
            )
        )
    return styles or [CellStyle(None, None, DEFAULT_FONT_SIZE, False)], dxfs


def _at(items: list, index: str | None, default: tuple) -> tuple:  # type: ignore[type-arg]
    try:
        return items[int(number(index))]  # type: ignore[no-any-return]
    except IndexError:
        return default


def _flag(element: ElementTree.Element | None) -> bool:
    return element is not None and element.get("val", "1") not in ("0", "false")


def _fill(
    fill: ElementTree.Element, theme: dict[str, str], *, dxf: bool
) -> tuple[str | None, bool]:
    """(colour or None for none, measurable) of a ``<fill>``. A conditional format's solid
    fill is its ``bgColor``; a cell format's is its ``fgColor``."""
    if fill.find(f"{MAIN_NS}gradientFill") is not None:
        return None, False
    pattern = fill.find(f"{MAIN_NS}patternFill")
    if pattern is None:
        return None, True
    kind = pattern.get("patternType", "solid" if dxf else "none")
    if kind == "none":
        return None, True
    fg = cell_colour(pattern.find(f"{MAIN_NS}fgColor"), theme)
    bg = cell_colour(pattern.find(f"{MAIN_NS}bgColor"), theme)
    if dxf:
        return (bg or fg), True
    return (fg if kind == "solid" else fg or bg), True


def _sheet(package: Package, name: str, part: str, charts: dict[str, ElementTree.Element]) -> Sheet:
    root = package.xml(part)
    sheet = Sheet(name=name, part=part)
    count = 0
    for row in root.iter(f"{MAIN_NS}row"):
        row_number = int(number(row.get("r")))
        column = 0
        for cell in row.iter(f"{MAIN_NS}c"):
            spot = split_cell(cell.get("r", "")) if cell.get("r") else None
            if spot is None:
                column += 1
                spot = (row_number, column)
            else:
                row_number, column = spot
            count += 1
            if count > MAX_SHEET_CELLS:
                raise refuse(
                    "zip-bomb",
                    package.file,
                    f"The sheet part {part} stores more than {MAX_SHEET_CELLS:,} cells; "
                    "refused as possibly hostile.",
                )
            sheet.styles[spot] = int(number(cell.get("s")))
            if (
                cell.find(f"{MAIN_NS}v") is not None
                or cell.find(f"{MAIN_NS}f") is not None
                or cell.find(f"{MAIN_NS}is") is not None
            ):
                sheet.content = True
                sheet.filled.add(spot)
    for merge in root.iter(f"{MAIN_NS}mergeCell"):
        sheet.merges.extend(boxes(merge.get("ref", "")))
    for block in root.iter(f"{MAIN_NS}conditionalFormatting"):
        sqref = block.get("sqref", "")
        dxf_ids = [int(number(rule.get("dxfId"), -1)) for rule in block.iter(f"{MAIN_NS}cfRule")]
        sheet.conditional.append((sqref, boxes(sqref), [i for i in dxf_ids if i >= 0]))
    for validation in root.iter(f"{MAIN_NS}dataValidation"):
        sqref = validation.get("sqref", "")
        sheet.validations.append((sqref, boxes(sqref), dict(validation.attrib)))
    view = root.find(f"{MAIN_NS}sheetViews/{MAIN_NS}sheetView")
    if view is not None:
        sheet.tab_selected = view.get("tabSelected") in ("1", "true")
        sheet.top_left = view.get("topLeftCell", "A1")
        pane = view.find(f"{MAIN_NS}pane")
        active = pane.get("activePane", "topLeft") if pane is not None else "topLeft"
        for selection in view.findall(f"{MAIN_NS}selection"):
            if selection.get("pane", "topLeft") == active:
                sheet.active_cell = selection.get("activeCell", "A1")
    targets, _types = _relationship_targets(package, part)
    drawing = root.find(f"{MAIN_NS}drawing")
    if drawing is not None:
        drawing_part = targets.get(drawing.get(f"{DOC_REL_NS}id", ""), "")
        if drawing_part and package.has(drawing_part):
            sheet.drawn = _drawing(package, drawing_part, charts)
    return sheet


def _drawing(package: Package, part: str, charts: dict[str, ElementTree.Element]) -> list[Drawn]:
    root = package.xml(part)
    targets, _types = _relationship_targets(package, part)
    found = []
    for anchor in list(root):
        start = anchor.find(f"{XDR_NS}from")
        where = "A1"
        if start is not None:
            col = max(int(number(start.findtext(f"{XDR_NS}col"))), 0)
            row = max(int(number(start.findtext(f"{XDR_NS}row"))), 0)
            where = a1(row + 1, col + 1)
        for frame in anchor.iter(f"{XDR_NS}graphicFrame"):
            chart = frame.find(f".//{C_NS}chart")
            chart_part = (
                targets.get(chart.get(f"{DOC_REL_NS}id", ""), "") if chart is not None else ""
            )
            if chart_part and package.has(chart_part):
                charts[chart_part] = package.xml(chart_part)
            found.append(
                _drawn(
                    "chart",
                    frame.find(f"{XDR_NS}nvGraphicFramePr/{XDR_NS}cNvPr"),
                    where,
                    chart_part,
                )
            )
        for pic in anchor.iter(f"{XDR_NS}pic"):
            found.append(_drawn("picture", pic.find(f"{XDR_NS}nvPicPr/{XDR_NS}cNvPr"), where))
        for shape in anchor.iter(f"{XDR_NS}sp"):
            item = _drawn("shape", shape.find(f"{XDR_NS}nvSpPr/{XDR_NS}cNvPr"), where)
            item.text = " ".join(t.text or "" for t in shape.iter(f"{A_NS}t")).strip()
            found.append(item)
    return found


def _drawn(kind: str, props: ElementTree.Element | None, where: str, chart_part: str = "") -> Drawn:
    if props is None:
        return Drawn(kind, "", "", False, where, chart_part)
    mark = props.find(f".//{DECORATIVE}")
    return Drawn(
        kind=kind,
        name=props.get("name", ""),
        description=(props.get("descr") or "").strip(),
        decorative=mark is not None and mark.get("val", "1") in ("1", "true"),
        anchor=where,
        chart_part=chart_part,
    )
