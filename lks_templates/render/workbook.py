"""Write a :class:`WorkbookPlan` as an .xlsx file with xlsxwriter.

Reproducible: a fixed creation date, and every collection written in a stable order, so
the same plan gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.packager import Packager
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from lks_templates.layout.model import Cell, SheetPlan, WorkbookPlan
from lks_templates.render.charts import add_chart
from lks_templates.render.icons import SIZE as ICON_SIZE
from lks_templates.render.icons import icon_png
from lks_templates.render.styles import CONDITIONAL_STYLES, FONT, cell_format

CREATED = dt.datetime(2026, 1, 1, 0, 0, 0)
"""Fixed document date: the same spec gives the same bytes on any day."""
DEFAULT_FONT = {"font_name": FONT, "font_size": 10, "font_scheme": "none"}
"""The workbook's Normal style (row height 12.75 points, 7 pixels per width unit)."""
PROTECTION = {
    "format_columns": True,
    "format_rows": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}
"""What staff may do on protected sheets (there is no password: they may unprotect)."""


class _Formats:
    """Formats created once per (style, number format)."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[str, str | None], Format] = {}
        self.conditional: dict[str, Format] = {}

    def get(self, style: str, number_format: str | None) -> Format:
        key = (style, number_format)
        if key not in self.cache:
            self.cache[key] = self.workbook.add_format(cell_format(style, number_format))
        return self.cache[key]

    def conditional_format(self, style: str) -> Format:
        if style not in self.conditional:
            self.conditional[style] = self.workbook.add_format(CONDITIONAL_STYLES[style])
        return self.conditional[style]


def render_workbook(plan: WorkbookPlan, path: str | Path) -> Path:
    """Write ``plan`` to ``path`` (the caller makes the write atomic)."""
    path = Path(path)
    workbook = _Workbook(
        str(path),
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            # The Normal style in Arial 10 (as every cell is), not Calibri: column widths
            # count the Normal font's digit widths, and LibreOffice has a metric twin of
            # Arial everywhere, so columns, charts and pages come out alike in both.
            "default_format_properties": DEFAULT_FONT,
            "default_row_height": 17,
            "default_column_width": 64,
            # Each part is assembled in memory, not in a temporary file written, read back
            # and removed: the same XML, a faster build (most so on a busy disk).
            "in_memory": True,
        },
    )
    workbook.set_properties(
        {
            "title": plan.title,
            "subject": plan.subject,
            "author": "lks-templates",
            "company": "NHS library and knowledge services",
            "comments": plan.comments,
            "keywords": f"{plan.template_id} {plan.template_version}",
            "created": CREATED,
        }
    )
    for name, value in plan.properties.items():
        workbook.set_custom_property(name, value, "text")
    formats = _Formats(workbook)
    for sheet_plan in plan.sheets:
        sheet = workbook.add_worksheet(sheet_plan.name)
        _render_sheet(workbook, sheet, sheet_plan, formats)
    for name, ref in plan.defined_names.items():
        workbook.define_name(name, "=" + ref)
    workbook.close()  # its parts tagged British English as they are zipped (_Packager)
    return path


LANGUAGE = "en-GB"
"""The language of every workbook's text: core.xml ``dc:language`` and chart text."""
_CHART_PART = re.compile(r"xl/charts/chart\d+\.xml")


def tag_language(name: str, xml: str) -> str:
    """The XML of part ``name`` with its text tagged British English: xlsxwriter has no
    option for either, it writes no ``dc:language`` and tags chart text ``en-US``."""
    if name == "docProps/core.xml":
        return xml.replace(
            "</cp:coreProperties>", f"<dc:language>{LANGUAGE}</dc:language></cp:coreProperties>"
        )
    if _CHART_PART.fullmatch(name):
        xml = xml.replace('lang="en-US"', f'lang="{LANGUAGE}"')
        return xml.replace('<c:lang val="en-US"/>', f'<c:lang val="{LANGUAGE}"/>')
    return xml


def set_language(path: Path) -> None:
    """Tag the text of the workbook at ``path`` British English, rewriting it in place.

    :func:`render_workbook` tags its parts before they are zipped (one pass, not a second
    zip); this rewrite of a finished file gives the same bytes (tests compare the two).
    Each part keeps its name, order, date and compression.
    """
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in parts:
            if info.filename == "docProps/core.xml" or _CHART_PART.fullmatch(info.filename):
                data = tag_language(info.filename, data.decode("utf-8")).encode("utf-8")
            archive.writestr(info, data)


class _Packager(Packager):  # type: ignore[misc]
    """xlsxwriter's packager, each XML part tagged British English (:func:`tag_language`)
    once assembled in memory, before the workbook zips it."""

    def _create_package(self) -> list[tuple[Any, str, bool]]:
        files: list[tuple[Any, str, bool]] = super()._create_package()
        for part, name, binary in files:
            if binary or not isinstance(part, io.StringIO):
                continue
            xml = part.getvalue()
            tagged = tag_language(name, xml)
            if tagged != xml:
                part.seek(0)
                part.truncate()
                part.write(tagged)
        return files


_REWRITTEN = re.compile(
    r"\b(?:ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA|"
    r"MAKEARRAY|MAP|RANDARRAY|REDUCE|SCAN|SEQUENCE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT|TOCOL|"
    r"TOROW|UNIQUE|VSTACK|WRAPCOLS|WRAPROWS|XLOOKUP)\(|\SINGLE\("
)
"""Any text that one of xlsxwriter's formula rewrites (``_xlfn.`` prefixes of dynamic
array functions) would change; a test checks it against xlsxwriter's own list."""


class _Worksheet(Worksheet):  # type: ignore[misc]
    """xlsxwriter's worksheet, its formula preparation skipping the rewrites (one regular
    expression each) when none of them can apply (the same formula, without some thirty
    searches per formula cell), and its commonest cells written in one call."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if self.use_future_functions or expand_future_functions or _REWRITTEN.search(formula):
            return str(super()._prepare_formula(formula, expand_future_functions))
        # What xlsxwriter does to a formula none of its rewrites applies to.
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        # A number or shared string with its own format (nearly every cell) in one call: the
        # XML of xlsxwriter's cell writer, which stays in charge of every other cell.
        kind = cell.__class__.__name__
        if cell.format and not self.constant_memory and kind in ("Number", "String"):
            ref, xf = xl_rowcol_to_cell_fast(row, col), cell.format._get_xf_index()
            if kind == "Number":
                self.fh.write(f'<c r="{ref}" s="{xf}"><v>{cell.number:.16G}</v></c>')
            else:  # the string's index in the shared strings
                self.fh.write(f'<c r="{ref}" s="{xf}" t="s"><v>{cell.string}</v></c>')
            return
        super()._write_cell(row, col, cell)


class _NumberCache:
    """A chart's cached numbers written in one call per point, not five (a workbook of
    funnel plots caches thousands): the XML of xlsxwriter's ``_write_num_cache``, which
    stays in charge of any value that is not a plain number."""

    fh: Any

    def _write_num_cache(self, data: Any) -> None:
        count = len(data) if data else 0
        write = self.fh.write
        write(f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{count}"/>')
        for i in range(count):
            token = data[i]
            kind = type(token)
            if kind is float or kind is int:  # xlsxwriter writes these as str() gives
                write(f'<c:pt idx="{i}"><c:v>{token}</c:v></c:pt>')
            elif token is not None:
                try:
                    float(token)
                except ValueError:
                    token = 0  # as xlsxwriter: text in a number cache is 0
                self._write_pt(i, token)  # type: ignore[attr-defined]
        write("</c:numCache>")


_FAST_CHARTS: dict[type, type] = {}


class _Workbook(Workbook):  # type: ignore[misc]
    """xlsxwriter's workbook with :class:`_Packager`, :class:`_Worksheet` (xlsxwriter's
    hooks for its own packager and worksheet class) and charts with :class:`_NumberCache`."""

    worksheet_class = _Worksheet

    def _get_packager(self) -> Packager:
        return _Packager()

    def add_chart(self, options: dict[str, Any]) -> Any:
        chart = super().add_chart(options)
        if chart is not None:
            kind = type(chart)
            if kind not in _FAST_CHARTS:
                _FAST_CHARTS[kind] = type(kind.__name__, (_NumberCache, kind), {})
            chart.__class__ = _FAST_CHARTS[kind]
        return chart


def _render_sheet(workbook: Workbook, sheet: Worksheet, plan: SheetPlan, formats: _Formats) -> None:
    for col, width in sorted(plan.column_widths.items()):
        sheet.set_column(col, col, width)
    for row in sorted(set(plan.row_heights) | plan.hidden_rows):
        hidden = {"hidden": True} if row in plan.hidden_rows else None
        sheet.set_row(row, plan.row_heights.get(row), None, hidden)
    merged = _merged_cells(plan)
    for first_row, first_col, last_row, last_col in plan.merges:
        cell = plan.cells.get((first_row, first_col), Cell())
        sheet.merge_range(
            first_row,
            first_col,
            last_row,
            last_col,
            "",
            formats.get(cell.style, cell.number_format),
        )
        _write_cell(sheet, first_row, first_col, cell, formats)
    for (row, col), cell in sorted(plan.cells.items()):
        if (row, col) not in merged:
            _write_cell(sheet, row, col, cell, formats)
    for v in plan.validations:
        sheet.data_validation(
            v.first_row, v.first_col, v.last_row, v.last_col, _validation(v.options)
        )
    for c in plan.conditional_formats:
        options: dict[str, Any] = {"type": c.kind, "format": formats.conditional_format(c.style)}
        if c.kind == "formula":
            options["criteria"] = c.criteria
        sheet.conditional_format(c.first_row, c.first_col, c.last_row, c.last_col, options)
    for chart in plan.charts:
        add_chart(workbook, sheet, chart)
    for image in plan.images:
        scale = image.size / ICON_SIZE if image.size else 1.0
        shown: dict[str, Any] = (
            {"decorative": True} if image.decorative else {"description": image.alt_text}
        )
        sheet.insert_image(
            image.row,
            image.col,
            f"{image.icon}.png",
            {
                "image_data": io.BytesIO(icon_png(image.icon)),
                **shown,
                "x_offset": image.x_offset,
                "y_offset": image.y_offset,
                "x_scale": scale,
                "y_scale": scale,
                "object_position": 1,
            },
        )
    _page(sheet, plan)
    if plan.freeze is not None:
        sheet.freeze_panes(*plan.freeze)
    if not plan.show_gridlines:
        sheet.hide_gridlines(2)
    if plan.tab_color:
        sheet.set_tab_color(plan.tab_color)
    if plan.zoom != 100:
        sheet.set_zoom(plan.zoom)
    if plan.protect:
        sheet.protect("", PROTECTION)


def _merged_cells(plan: SheetPlan) -> set[tuple[int, int]]:
    cells = set()
    for first_row, first_col, last_row, last_col in plan.merges:
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                cells.add((row, col))
    return cells


def _write_cell(sheet: Worksheet, row: int, col: int, cell: Cell, formats: _Formats) -> None:
    fmt = formats.get(cell.style, cell.number_format)
    value = cell.value
    # xlsxwriter's undecorated writers: row and column are numbers here, never "A1" text,
    # so its decorator's check of each call (thousands per workbook) is skipped.
    if cell.formula is not None:
        # An empty cached result, not xlsxwriter's default 0: LibreOffice, by default, shows
        # cached results of an .xlsx without recalculating, so a 0 would show as 0 (or as
        # "Dec 1899" under a date format) until something is typed. An empty result makes
        # it calculate the cell on load; Excel recalculates everything on load anyway.
        sheet._write_formula(row, col, cell.formula, fmt, value if value is not None else "")
    elif value is None:
        sheet._write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet._write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        sheet._write_number(row, col, value, fmt)
    else:
        sheet._write_string(row, col, value, fmt)


def _validation(options: dict[str, Any]) -> dict[str, Any]:
    """xlsxwriter wants dates as date objects; the plan keeps them as ISO text."""
    result = dict(options)
    if result.get("validate") == "date":
        for key in ("minimum", "maximum", "value"):
            if isinstance(result.get(key), str):
                result[key] = dt.date.fromisoformat(result[key])
    return result


def _page(sheet: Worksheet, plan: SheetPlan) -> None:
    page = plan.page
    sheet.set_paper(page.paper)
    if page.landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    if page.fit_width or page.fit_height:
        sheet.fit_to_pages(page.fit_width, page.fit_height)
    if page.print_area is not None:
        sheet.print_area(*page.print_area)
    left, right, top, bottom = page.margins
    sheet.set_margins(left=left, right=right, top=top, bottom=bottom)
    if page.center:
        sheet.center_horizontally()
    if page.repeat_rows is not None:
        sheet.repeat_rows(*page.repeat_rows)
    if page.repeat_columns is not None:
        sheet.repeat_columns(*page.repeat_columns)
    if page.scale:
        sheet.set_print_scale(page.scale)
    if page.row_breaks:
        sheet.set_h_pagebreaks(sorted(set(page.row_breaks)))
