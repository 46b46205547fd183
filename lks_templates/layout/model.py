"""The workbook plan: pure data describing every sheet, cell, name and chart.

``layout`` fills a :class:`WorkbookPlan`; ``render`` turns it into an .xlsx with
xlsxwriter. Nothing here knows about xlsxwriter, so plans can be inspected and tested
(and read-back can ask "what would the generator have written here?") without writing a
file. Rows and columns are 0-based, as in xlsxwriter; ``A1`` text is produced by
:func:`cell_name`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lks_templates.cells import column_letters

CellValue = str | int | float | bool | None


def column_letter(col: int) -> str:
    """0 -> ``A``, 25 -> ``Z``, 26 -> ``AA`` (0-based, as in xlsxwriter)."""
    return column_letters(col + 1)


def cell_name(row: int, col: int, *, absolute: bool = False) -> str:
    """``A1`` text of a 0-based cell; ``$A$1`` when ``absolute``."""
    dollar = "$" if absolute else ""
    return f"{dollar}{column_letter(col)}{dollar}{row + 1}"


def range_name(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """``A1:B2`` text (or ``A1`` for one cell), relative."""
    first = cell_name(first_row, first_col)
    if (first_row, first_col) == (last_row, last_col):
        return first
    return f"{first}:{cell_name(last_row, last_col)}"


def sheet_ref(
    sheet: str,
    first_row: int,
    first_col: int,
    last_row: int | None = None,
    last_col: int | None = None,
) -> str:
    """Absolute reference with sheet, e.g. ``Data!$D$15:$O$15`` (quoted when needed)."""
    quoted = sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"
    text = f"{quoted}!{cell_name(first_row, first_col, absolute=True)}"
    if (
        last_row is not None
        and last_col is not None
        and (last_row, last_col)
        != (
            first_row,
            first_col,
        )
    ):
        text += f":{cell_name(last_row, last_col, absolute=True)}"
    return text


@dataclass
class Cell:
    """One cell: a constant ``value`` or a ``formula`` (text with the leading ``=``)."""

    value: CellValue = None
    formula: str | None = None
    style: str = "text"
    """Name of a style in ``render.styles``."""
    number_format: str | None = None
    """Overrides the style's number format (field units, KPI formats)."""


@dataclass
class Validation:
    """Data validation on a block of input cells (xlsxwriter option names, pure data)."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int
    options: dict[str, Any]


@dataclass
class ConditionalFormat:
    """A conditional format: ``kind`` is ``blanks`` or ``formula`` (``criteria`` is the formula)."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int
    kind: str
    style: str
    criteria: str = ""


@dataclass(frozen=True)
class SeriesLook:
    """How one series is drawn, where the chart's style for its place will not do (a
    funnel's limit curves and points). Colours must reach 3:1 against white; series must
    also differ in dash or marker, never in colour alone."""

    colour: str
    dash: str | None = "solid"
    """xlsxwriter dash type of the line; None: no line (points only)."""
    marker: str | None = None
    """xlsxwriter marker type; None: no marker (a line only)."""
    marker_size: int = 7
    width: float = 2.25
    """Line width in points."""


@dataclass
class ChartSeries:
    """One series: ``values`` and ``categories`` are absolute references with the sheet."""

    name: str
    values: str
    categories: str
    look: SeriesLook | None = None
    """Drawn so, instead of the chart's style for the series' place."""
    in_legend: bool = True
    """False: left out of the legend (the lower curve of a pair named by the upper)."""


@dataclass
class ChartPlan:
    """A chart placed at ``row``/``col`` with a size in pixels."""

    kind: str
    title: str
    alt_text: str
    series: list[ChartSeries]
    row: int
    col: int
    width: int
    height: int
    x_offset: int = 0
    """Pixels from the left of ``col`` (charts three to a row do not follow columns)."""
    y_title: str = ""
    category_format: str = "mmm"
    """Number format of the period labels on the category axis."""
    number_format: str = "General"
    show_hidden: bool = False
    """Plot cells in hidden rows (the chart-data rows that turn blanks into gaps)."""
    legend: bool = True
    categories_in_order: bool = False
    """Bar charts: first category at the top, as read, not at the bottom."""
    data_labels: bool = False
    """Show each value on its bar (charts of a single period: the figures are the point)."""
    vary_colours: bool = False
    """One colour per category (a chart of parts), matching the colours of other charts."""
    x_title: str = ""
    """Title of the horizontal axis of a scatter chart (a funnel's population)."""
    y_min: float | None = None
    """Lowest value on the value axis of a scatter chart (0 for rates)."""
    x_range: tuple[float, float] | None = None
    """Ends of the horizontal axis of a scatter chart (a funnel's population range)."""


@dataclass
class ImagePlan:
    """A small icon (drawn by ``render.icons``) placed at a cell: alt text, or decorative."""

    row: int
    col: int
    icon: str
    alt_text: str
    x_offset: int = 0
    y_offset: int = 0
    size: int = 0
    """Shown width and height in pixels (0: the picture's own size)."""
    decorative: bool = False
    """Marked decorative for screen readers (the text beside it says everything)."""


@dataclass
class PageSetup:
    """Printing: orientation, paper, fit-to-pages and print area."""

    landscape: bool = False
    paper: int = 9
    """9 is A4."""
    fit_width: int = 0
    fit_height: int = 0
    print_area: tuple[int, int, int, int] | None = None
    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.5, 0.5)
    """Left, right, top, bottom in inches."""
    center: bool = True
    repeat_rows: tuple[int, int] | None = None
    """Print titles: rows printed at the top of every page (a table's header row)."""
    repeat_columns: tuple[int, int] | None = None
    """Print titles: columns printed at the left of every page (a wide table's names)."""
    scale: int = 0
    """Print scale in percent (0: none). Fit-to-pages makes a spreadsheet ignore manual page
    breaks, so a sheet with ``row_breaks`` fits its width by a scale instead."""
    row_breaks: list[int] = field(default_factory=list)
    """Manual page breaks: each row given starts a new printed page (charts kept whole)."""


@dataclass
class SheetPlan:
    """One worksheet."""

    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    column_widths: dict[int, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    validations: list[Validation] = field(default_factory=list)
    conditional_formats: list[ConditionalFormat] = field(default_factory=list)
    charts: list[ChartPlan] = field(default_factory=list)
    images: list[ImagePlan] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Merged blocks (first row, first col, last row, last col); never in entry areas."""
    freeze: tuple[int, int] | None = None
    page: PageSetup = field(default_factory=PageSetup)
    tab_color: str | None = None
    protect: bool = True
    show_gridlines: bool = False
    zoom: int = 100

    def put(
        self,
        row: int,
        col: int,
        value: CellValue = None,
        *,
        formula: str | None = None,
        style: str = "text",
        number_format: str | None = None,
    ) -> Cell:
        """Place a cell (a later call for the same cell replaces it)."""
        cell = Cell(value=value, formula=formula, style=style, number_format=number_format)
        self.cells[(row, col)] = cell
        return cell


@dataclass
class WorkbookPlan:
    """Everything the renderer needs, and everything read-back needs to know."""

    template_id: str
    template_version: str
    title: str
    sheets: list[SheetPlan]
    defined_names: dict[str, str]
    """Workbook-scope name -> ``Sheet!$A$1`` or ``Sheet!$A$1:$B$1``."""
    inputs: dict[str, list[tuple[str, str]]]
    """Field name (and ``reporting_year``) -> its input cells ``(sheet, "A1")`` in period order."""
    properties: dict[str, str]
    """Custom document properties (``lks_template_id`` ...)."""
    subject: str = ""
    comments: str = ""
    hidden_ranges: list[str] = field(default_factory=list)
    """References of hidden cells that may hold ``#N/A`` by design (chart data)."""
    last_year_inputs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Measure -> the cells of last year's values ``(sheet, "A1")``, in period order
    (``lks_last_year_<measure>``; filled by ``build_workbook(last_year=...)``)."""
    year_on_year_cells: frozenset[tuple[str, str]] = frozenset()
    """(sheet, ``A1``) of the formulas comparing this year with last year: a return made
    before they existed lacks them, and read-back does not miss them there."""

    @property
    def formulas(self) -> dict[tuple[str, str], str]:
        """(sheet, ``A1``) -> formula text with the leading ``=``, for every formula cell."""
        found: dict[tuple[str, str], str] = {}
        for sheet in self.sheets:
            for (row, col), cell in sorted(sheet.cells.items()):
                if cell.formula is not None:
                    found[(sheet.name, cell_name(row, col))] = cell.formula
        return found

    def sheet(self, name: str) -> SheetPlan:
        """The sheet called ``name``."""
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)
