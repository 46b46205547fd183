"""The Dashboard sheet: KPI tiles against targets and every chart of the spec.

Also the chart plans shared with the infographic. Target texts use the number formatting
of :mod:`lks_templates.rules.numbers`, which ``read`` shares.
"""

from __future__ import annotations

from lks_templates.formula import to_excel
from lks_templates.layout.data import DATA, FIRST_COL, DataPositions, DataSheet, template_of
from lks_templates.layout.model import (
    ChartPlan,
    ChartSeries,
    ConditionalFormat,
    PageSetup,
    SheetPlan,
    cell_name,
    sheet_ref,
)
from lks_templates.rules.numbers import format_number, is_ratio, shown_format, shown_unit
from lks_templates.rules.periods import part_year_kpis, part_year_note_formula
from lks_templates.rules.semantics import Semantics
from lks_templates.spec.models import Chart, Kpi, ResolvedTemplate

DASHBOARD = "Dashboard"
TILE_WIDTH = 34.0
"""Characters (243 pixels): two tiles and a gap make one chart's width."""
GAP_WIDTH = 2.0
TILES_PER_ROW = 4
TILE_ROWS = 4
TILE_HEIGHTS = (24.0, 28.0, 15.0, 15.0, 9.0)
"""Points: title (two lines), value, target or unit, status, space below."""
NOTED_TILE_HEIGHTS = (24.0, 28.0, 15.0, 14.0, 12.0, 4.0)
"""Points, when a KPI of the template mixes an annual figure with part of a year
(:func:`~lks_templates.rules.periods.part_year_kpis`): a note row under the status, paid
for mostly by the space below, so the page still prints at 80% or more."""
CHART_HEIGHT = 250
MAX_CHART_HEIGHT = 400
PAGE_RATIO = (210 / 25.4 - 1.0) / (297 / 25.4 - 0.8)
"""Height over width of an A4 landscape page inside its margins."""
CHART_GAP = 10
"""Pixels between charts; each row of charts is one sheet row this much taller."""
ROW_PIXELS = 20
CATEGORY_FORMAT = "mmm"
"""Month labels on chart axes: ``Apr`` ... ``Mar`` fit on one line at any chart width (the
reporting year is in the page heading; ``mmm yy`` wrapped unevenly in narrow charts)."""


STATUS_LINE = (
    '=IF(AND(lks_failures=0,lks_missing=0),"No failed checks and no required entries missing",'
    'IF(lks_missing=0,"",IF(lks_missing=1,"1 required entry missing",'
    'lks_missing&" required entries missing"))'
    '&IF(AND(lks_missing>0,lks_failures>0)," · ","")'
    '&IF(lks_failures=0,"",IF(lks_failures=1,"1 failed check",lks_failures&" failed checks"))'
    '&": see the Checks sheet")'
)
"""The Dashboard's status line: required entries left blank (``lks_missing``, what ``read``
reports as ``required-missing``) and failed checks (``lks_failures``) together, so it never
says all is well while ``read`` would report an error."""


def column_pixels(width: float) -> int:
    """Pixel width Excel gives a column of ``width`` characters (Calibri/Arial 10-11 pt)."""
    return int(width * 12 + 0.5) if width < 1 else int(width * 7 + 0.5) + 5


def tile_col(index: int) -> int:
    """Column of the ``index``-th tile in its row (B, D, F, H)."""
    return 1 + 2 * (index % TILES_PER_ROW)


def target_bare(kpi: Kpi) -> str:
    """The target and its direction in words: ``25.0 or more``; a ratio (``format`` of
    :func:`~lks_templates.rules.numbers.is_ratio`) reads as policy writes it, ``1 : 1,250
    or better`` ("or fewer" of a ratio would be ambiguous). "" without a target."""
    if kpi.target is None:
        return ""
    shown = format_number(kpi.target, shown_format(kpi.format, kpi.unit))
    if is_ratio(kpi.format):
        return shown + ("" if kpi.direction == "neutral" else " or better")
    more = {"higher": " or more", "lower": " or fewer", "neutral": ""}[kpi.direction]
    return f"{shown}{more}"


def target_text(kpi: Kpi) -> str:
    """``Target: 25.0 or more``, ``Target 1 : 1,250 or better`` for a ratio (no colon
    beside the ratio's own), or the unit when there is no target."""
    if kpi.target is None:
        # A unit the number already shows ("%", "GBP") leaves the line blank, not the
        # description, which is written for the About sheet and may not fit a tile.
        return shown_unit(kpi.format, kpi.unit) if kpi.unit else kpi.description or ""
    return ("Target " if is_ratio(kpi.format) else "Target: ") + target_bare(kpi)


def status_formula(kpi: Kpi, value_cell: str, needs: str = '""') -> str:
    """A words-first status, so colour is never the only signal.

    ``Meets target`` or ``Short of target`` whichever way the target points (never
    "above" or "below", which read as good or bad by habit); while the figure is blank,
    ``needs`` (Excel text of :meth:`~lks_templates.rules.semantics.Figure.needs`) says
    what is missing.
    """
    if kpi.target is None:
        return f"={needs}"
    t = repr(kpi.target) if isinstance(kpi.target, float) else str(kpi.target)
    test = f"{value_cell}<={t}" if kpi.direction == "lower" else f"{value_cell}>={t}"
    good, bad = "Meets target", "Short of target"
    return f'=IF(ISNUMBER({value_cell}),IF({test},"{good}","{bad}"),{needs})'


def service_name_field(resolved: ResolvedTemplate) -> str | None:
    """The profile field that names the service (``org_name`` or the first ``*name*`` text)."""
    fields = resolved.profile_fields
    for f in fields:
        if f.name == "org_name":
            return f.name
    for f in fields:
        if f.type == "string" and "name" in f.name and not f.constraints.enum:
            return f.name
    return None


def service_line_formula(resolved: ResolvedTemplate) -> str:
    """``=Service · Reporting year 2026-27`` driven by the Data sheet."""
    name = service_name_field(resolved)
    service = f'IF({name}="","Your service",{name})' if name else '"Your service"'
    start = template_of(resolved).period.year_start_month
    year = "reporting_year"
    shown = f'"Year "&{year}' if start == 1 else f'"Reporting year "&{year}&"-"&RIGHT({year}+1,2)'
    line = f'{service}&" · "&IF(ISNUMBER({year}),{shown},"reporting year not entered yet")'
    if template_of(resolved).period.frequency == "annual":
        return "=" + line  # one period: the reporting year already says what is covered
    # What the figures cover, once anything is entered (lks_coverage, on the Checks sheet).
    return f'={line}&IF(lks_coverage="",""," · "&lks_coverage)'


class Dashboard:
    """Lays out the Dashboard sheet."""

    def __init__(
        self,
        resolved: ResolvedTemplate,
        semantics: Semantics,
        data: DataSheet,
        names: dict[str, str],
    ) -> None:
        self.resolved = resolved
        self.template = template_of(resolved)
        self.semantics = semantics
        self.data = data
        self.names = names
        self.sheet = SheetPlan(DASHBOARD, tab_color="#003087")

    def build(self) -> SheetPlan:
        s = self.sheet
        s.put(0, 1, self.template.title, style="dash_title")
        s.row_heights[0] = 30
        s.put(1, 1, formula=service_line_formula(self.resolved), style="dash_subtitle")
        s.put(
            2,
            1,
            formula=STATUS_LINE,
            style="dash_checks",
        )
        s.conditional_formats.append(
            # Across the width of the tiles: the white words run past column B, and on
            # white cells they could not be seen.
            ConditionalFormat(
                2,
                1,
                2,
                tile_col(TILES_PER_ROW - 1),
                "formula",
                "flag_fail",
                "=OR(lks_failures>0,lks_missing>0)",
            )
        )
        s.row_heights[3] = 8
        row = 4
        row = self._tiles(row)
        widths = {0: GAP_WIDTH}
        for i in range(TILES_PER_ROW):
            widths[tile_col(i)] = TILE_WIDTH
            widths[tile_col(i) + 1] = GAP_WIDTH
        s.column_widths.update(widths)
        last_row = self._charts(row)
        from lks_templates.layout.lastyear import add_year_on_year

        # Below the printed page (tiles and charts fit one page at a readable size; the
        # Data sheet prints the same comparison with the change beside it).
        table_last = add_year_on_year(self, last_row + 2)
        for each in range(max(last_row, table_last or 0) + 1):
            # Explicit heights, so charts (sized in pixels, anchored to cells) fit their
            # rows alike in every spreadsheet application.
            s.row_heights.setdefault(each, ROW_PIXELS * 0.75)
        s.page = PageSetup(
            landscape=True,
            paper=9,
            fit_width=1,
            fit_height=1,
            print_area=(0, 0, last_row, 2 * TILES_PER_ROW),
        )
        return s

    def _tiles(self, row: int) -> int:
        s = self.sheet
        figures = {f.name: f for f in self.semantics.kpis}
        period = self.template.period
        noted = part_year_kpis(self.semantics, period)
        rows = TILE_ROWS + (1 if noted else 0)
        heights = NOTED_TILE_HEIGHTS if noted else TILE_HEIGHTS
        for index, kpi in enumerate(self.template.kpis):
            top = row + (index // TILES_PER_ROW) * (rows + 1)
            col = tile_col(index)
            s.put(top, col, kpi.title, style="tile_title")
            value = cell_name(top + 1, col)
            s.put(
                top + 1,
                col,
                "",
                formula="=" + to_excel(figures[kpi.name].shown(), _name_ref),
                style="tile_value",
                number_format=shown_format(kpi.format, kpi.unit),
            )
            s.put(top + 2, col, target_text(kpi), style="tile_target")
            needs = to_excel(figures[kpi.name].needs(), _name_ref)
            s.put(top + 3, col, formula=status_formula(kpi, value, needs), style="tile_status")
            if kpi.target is not None and kpi.direction != "neutral":
                good = (
                    f"AND(ISNUMBER({value}),{value}"
                    f"{'>=' if kpi.direction == 'higher' else '<='}{kpi.target})"
                )
                s.conditional_formats.append(
                    ConditionalFormat(top + 3, col, top + 3, col, "formula", "kpi_good", f"={good}")
                )
                s.conditional_formats.append(
                    ConditionalFormat(
                        top + 3,
                        col,
                        top + 3,
                        col,
                        "formula",
                        "kpi_bad",
                        f"=AND(ISNUMBER({value}),NOT({good}))",
                    )
                )
            if noted:
                # Says when an annual figure is set against part of the year, as read does.
                note = part_year_note_formula(period, value, "lks_periods_entered")
                s.put(
                    top + 4,
                    col,
                    formula="=" + note if kpi.name in noted else None,
                    style="tile_note",
                )
            self.names[kpi.name] = sheet_ref(DASHBOARD, top + 1, col)
            s.row_heights.update({top + i: height for i, height in enumerate(heights)})
        if not self.template.kpis:
            return row
        tile_rows = (len(self.template.kpis) + TILES_PER_ROW - 1) // TILES_PER_ROW
        return row + tile_rows * (rows + 1)

    def _charts(self, row: int) -> int:
        """Two charts a row (three when there are more than four); returns the last row."""
        charts = self.template.charts
        if not charts:
            return row
        per_row = 3 if len(charts) > 4 else 2
        rows = (len(charts) + per_row - 1) // per_row
        columns = [column_pixels(self.sheet.column_widths[c]) for c in range(1, 2 * TILES_PER_ROW)]
        gap = column_pixels(GAP_WIDTH)
        width = (sum(columns) - (per_row - 1) * gap) // per_row
        height = self._chart_height(row, rows)
        for index, chart in enumerate(charts):
            top = row + index // per_row
            col, offset = _locate(columns, (index % per_row) * (width + gap))
            narrow = per_row == 3
            plan = chart_plan(chart, index, self.data, top, 1 + col, width, height, narrow)
            plan.x_offset = offset
            if narrow:
                plan.category_format = "mmmmm"
            self.sheet.charts.append(plan)
            self.sheet.row_heights[top] = (height + CHART_GAP) * 0.75
        return row + rows - 1

    def _chart_height(self, row: int, rows: int) -> int:
        """Taller charts when they leave the page's lower part empty (one row of them)."""
        s = self.sheet
        width = sum(column_pixels(w) for w in s.column_widths.values())
        used = sum(s.row_heights.get(r, ROW_PIXELS * 0.75) for r in range(row)) * 4 / 3
        spare = (PAGE_RATIO * width - used) / rows - CHART_GAP
        return max(CHART_HEIGHT, min(MAX_CHART_HEIGHT, int(spare) // 10 * 10))


def _locate(columns: list[int], x: int) -> tuple[int, int]:
    """(column index, pixel offset in it) of ``x`` pixels from the start of ``columns``."""
    for index, width in enumerate(columns):
        if x < width:
            return index, x
        x -= width
    return len(columns) - 1, columns[-1]


def _name_ref(name: str) -> str:
    """KPI formulas refer to everything by its defined name (readable in the formula bar)."""
    return name


def chart_plan(
    chart: Chart,
    index: int,
    data: DataSheet,
    row: int,
    col: int,
    width: int,
    height: int,
    narrow: bool = False,
) -> ChartPlan:
    """A chart bound to the Data sheet: input rows, or hidden rows with gaps as #N/A.

    Its categories are the months as text (initials when ``narrow``), so they read the same
    before a reporting year is typed as after (:meth:`DataPositions.categories_ref`)."""
    pos: DataPositions = data.pos
    series: list[ChartSeries] = []
    single = len(pos.slots) == 1
    if index in pos.part_rows:
        labels = pos.part_rows[index]
        last = FIRST_COL + len(chart.series) - 1
        series.append(
            ChartSeries(
                name=chart.title,
                values=sheet_ref(DATA, labels + 1, FIRST_COL, labels + 1, last),
                categories=sheet_ref(DATA, labels, FIRST_COL, labels, last),
            )
        )
    else:
        for name in chart.series:
            row_of = pos.chart_rows.get((name, chart.cumulative))
            if row_of is None:
                row_of = pos.measures.get(name, pos.derived.get(name))
            assert row_of is not None
            title = data.title_of(name) + (" (year to date)" if chart.cumulative else "")
            series.append(ChartSeries(title, pos.row_ref(row_of), pos.categories_ref(narrow)))
    alt = chart_alt_text(chart, data, index in pos.part_rows)
    units = {
        data.resolved.dataset.field(n).unit for n in chart.series if n in data.template.measures
    }
    parts = index in pos.part_rows
    formats = {data.format_of(n) for n in chart.series}
    # A line needs two periods to mean anything: with one, draw columns.
    kind = "column" if single and chart.type in ("line", "area") else chart.type
    return ChartPlan(
        kind=kind,
        title=chart.title,
        alt_text=alt,
        series=series,
        row=row,
        col=col,
        width=width,
        height=height,
        y_title=units.pop() if len(units) == 1 else "",
        show_hidden=True,
        legend=(len(series) > 1 and not parts) or kind in ("pie", "doughnut"),
        category_format=CATEGORY_FORMAT if not parts else "General",
        categories_in_order=kind == "bar",
        data_labels=single and kind in ("column", "bar"),
        vary_colours=parts and kind not in ("pie", "doughnut"),
        number_format=formats.pop() if len(formats) == 1 else "#,##0.0",
    )


MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def chart_alt_text(chart: Chart, data: DataSheet, parts: bool) -> str:
    """What the chart shows (the spec's words, or its type, series and periods) and where
    its figures are on the Data sheet, for people who cannot see the chart."""
    pos = data.pos
    titles = [data.title_of(n) for n in chart.series]
    frequency = data.template.period.frequency
    span = ""
    if len(pos.slots) > 1 and not parts:
        if frequency == "monthly":
            first = data.template.period.year_start_month - 1
            span = f"{MONTH_NAMES[first]} to {MONTH_NAMES[(first + 11) % 12]}"
        else:
            span = f"{pos.slots[0].fallback} to {pos.slots[-1].fallback}"
    shows = " ".join(chart.alt_text.split())
    if not shows:
        per = {"monthly": "month", "quarterly": "quarter", "annual": "year"}[frequency]
        names = _and([_sentence_case(t) for t in titles])
        running = " (year to date)" if chart.cumulative else ""
        shows = f"{chart.type.capitalize()} chart of {names}{running}"
        shows += f" by {per}, {span}." if span else "."
    elif span:
        shows += f" It covers {span}."
    rows = [
        r + 1 for n in chart.series if (r := pos.measures.get(n, pos.derived.get(n))) is not None
    ]
    where = _rows_text(rows)
    if parts and pos.total_col is not None:
        where = f"the Year to date column of {where}"
    elif chart.cumulative:
        where += " (the chart adds them up month by month)" if frequency == "monthly" else ""
    return f"{shows} The figures are in the Data sheet, {where}."


def _rows_text(rows: list[int]) -> str:
    """``row 12``, ``rows 12 and 14``, ``rows 40 to 44`` (1-based sheet rows)."""
    if len(rows) == 1:
        return f"row {rows[0]}"
    if len(rows) > 2 and rows == list(range(rows[0], rows[0] + len(rows))):
        return f"rows {rows[0]} to {rows[-1]}"
    return "rows " + _and([str(r) for r in rows])


def _sentence_case(title: str) -> str:
    """``Evidence searches`` -> ``evidence searches``; ``NHS staff`` stays as it is."""
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
