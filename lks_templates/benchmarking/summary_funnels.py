"""The summary's funnel sheets: ``Funnels``, every service's funnel figures in each group
(positions.csv), and ``Funnel plots``, one funnel plot per funnel KPI and group.

The plots are drawn by :mod:`lks_templates.benchmarking.funnel_chart`, the same builder as
the services' workbooks. A ``nearest`` peer group has one group per service (each its own
funnel), so it is in the table but not plotted; so are suppressed groups (no figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lks_templates.benchmarking.compare import Row
from lks_templates.benchmarking.funnel_chart import (
    POSITIONS,
    Funnel,
    FunnelPoint,
    place_funnel,
)
from lks_templates.benchmarking.workbook import NO_VALUE, SUPPRESSED
from lks_templates.layout.model import ChartPlan, PageSetup, SheetPlan, cell_name

if TYPE_CHECKING:
    from lks_templates.benchmarking.summary import Context

FUNNELS, PLOTS = "Funnels", "Funnel plots"
FUNNEL_GUIDE = {
    FUNNELS: "for each funnel KPI, peer group and service: its count, population and rate, "
    "the group's rate, the 95% and 99.8% control limits for its population, and where it "
    "lies (positions.csv).",
    PLOTS: "a funnel plot for each funnel KPI and group (not for the most-similar groups, "
    "which are one per service).",
}
HEADERS = (
    "KPI",
    "Peer group",
    "Group",
    "ODS code",
    "Service",
    "Count",
    "Population",
    "Rate",
    "Group rate",
    "Lower 99.8% limit",
    "Lower 95% limit",
    "Upper 95% limit",
    "Upper 99.8% limit",
    "Position",
    "Note",
)
WIDTHS = (34, 16, 18, 10, 46, 11, 11, 11, 11, 11, 11, 11, 11, 20, 30)
COUNT, POPULATION, RATE = 5, 6, 7
LIMITS = {
    "funnel_group_rate": 8,
    "funnel_lower_998": 9,
    "funnel_lower_95": 10,
    "funnel_upper_95": 11,
    "funnel_upper_998": 12,
}
POSITION = 13
CHART_WIDTH, CHART_HEIGHT, CHART_ROWS = 640, 360, 23
"""Pixels of each plot, and the rows (17 pixels each) it takes with a gap."""


def funnel_sheets(ctx: Context) -> list[SheetPlan]:
    """The Funnels and Funnel plots sheets, or none when the spec has no funnel."""
    if not ctx.spec.funnels:
        return []
    return [_table(ctx), _plots(ctx)]


def _rows(ctx: Context, kpi: str) -> list[Row]:
    """positions.csv rows of one funnel KPI: peer group, group (bands low to high), service."""
    from lks_templates.benchmarking.summary import band_order

    order = {g: i for i, g in enumerate(ctx.groups)}
    rows = [r for r in ctx.outcome.positions if r["kpi"] == kpi]
    return sorted(
        rows,
        key=lambda r: (
            order[str(r["peer_group"])],
            band_order(str(r["group"])),
            str(r["org_ods_code"]),
        ),
    )


def position_formula(
    rate: str, lower_998: str, lower_95: str, upper_95: str, upper_998: str
) -> str:
    """Where a rate lies, in the words of :data:`POSITIONS`, as :func:`stats.funnel_position`
    decides it (above the 99.8% limit first, then 95%, then below)."""
    words = {code: text.replace('"', '""') for code, text in POSITIONS.items()}
    return (
        f'=IF({rate}>{upper_998},"{words["above_998"]}",IF({rate}>{upper_95},'
        f'"{words["above_95"]}",IF({rate}<{lower_998},"{words["below_998"]}",'
        f'IF({rate}<{lower_95},"{words["below_95"]}","{words["inside"]}"))))'
    )


def _table(ctx: Context) -> SheetPlan:
    from lks_templates.benchmarking.summary import HEAD, fit_row, header_row, titled

    spec = ctx.spec
    sheet = titled(
        FUNNELS,
        "Funnels: each service's rate against its group's control limits",
        "Rate = count / population x the scale; the limits narrow as the population "
        f"grows. {SUPPRESSED}: fewer than {spec.min_group_size} services in the group "
        f"have a value. {NO_VALUE}: the service's count or population is blank.",
    )
    header_row(sheet, HEAD, HEADERS, WIDTHS)
    names = {s.code: s.name for s in ctx.outcome.services}
    at = HEAD + 1
    for funnel in spec.funnels:
        fmt = ctx.kpi_format(funnel.kpi)
        for row in _rows(ctx, funnel.kpi):
            code = str(row["org_ods_code"])
            texts = (
                ctx.kpi_title(funnel.kpi),
                ctx.group_title(str(row["peer_group"])),
                str(row["group"]),
                code,
                names.get(code, ""),
            )
            for col, text in enumerate(texts):
                sheet.put(at, col, text, style="dict_cell")
            note = ""
            if row["suppressed"]:
                for col in range(COUNT, POSITION + 1):
                    sheet.put(at, col, SUPPRESSED, style="dict_figure")
                note = f"{SUPPRESSED} Fewer than {spec.min_group_size} with a value."
            elif row["funnel_rate"] is None:
                for col in range(COUNT, POSITION + 1):
                    sheet.put(at, col, NO_VALUE, style="dict_figure")
                note = f"{NO_VALUE} No count or population."
            else:
                _figures(sheet, at, row, fmt, float(funnel.per))
            sheet.put(at, POSITION + 1, note or None, style="dict_cell")
            fit_row(sheet, at, WIDTHS)
            at += 1
    sheet.freeze = (HEAD + 1, 0)
    sheet.page = PageSetup(landscape=True, fit_width=1, repeat_rows=(HEAD, HEAD))
    return sheet


def _figures(sheet: SheetPlan, at: int, row: Row, fmt: str, per: float) -> None:
    """One service's funnel figures; its rate and position as formulas of the cells beside."""
    figure = {
        key: _float(row[key])
        for key in (*LIMITS, "funnel_numerator", "funnel_denominator", "funnel_rate")
    }
    sheet.put(at, COUNT, figure["funnel_numerator"], style="dict_figure", number_format="#,##0")
    sheet.put(
        at, POPULATION, figure["funnel_denominator"], style="dict_figure", number_format="#,##0"
    )
    count, population = cell_name(at, COUNT), cell_name(at, POPULATION)
    scale = str(int(per)) if per.is_integer() else repr(per)
    sheet.put(
        at,
        RATE,
        figure["funnel_rate"],
        style="dict_figure",
        number_format=fmt,
        formula=f"={count}/{population}*{scale}",
    )
    for key, col in LIMITS.items():
        sheet.put(at, col, figure[key], style="dict_figure", number_format=fmt)
    cells = [cell_name(at, c) for c in (RATE, *list(LIMITS.values())[1:])]
    sheet.put(
        at,
        POSITION,
        POSITIONS[str(row["funnel_position"])],
        style="dict_cell",
        formula=position_formula(*cells),
    )


def _plots(ctx: Context) -> SheetPlan:
    """A funnel plot per funnel KPI and plotted group, two to a row; their figures in hidden
    rows below the plots."""
    from lks_templates.benchmarking.summary import band_order, titled

    sheet = titled(
        PLOTS,
        "Funnel plots: each group's services against its control limits",
        "One plot per KPI and group of at least "
        f"{ctx.spec.min_group_size} services with a value; the figures are on the "
        f"{FUNNELS} sheet. Groups of the most similar services are one per service, "
        "so they are not plotted.",
    )
    funnels: list[Funnel] = []
    for funnel in ctx.spec.funnels:
        by_group: dict[tuple[str, str], list[Row]] = {}
        for row in _rows(ctx, funnel.kpi):
            if (
                ctx.groups[str(row["peer_group"])].nearest is None
                and row["funnel_rate"] is not None
            ):
                by_group.setdefault((str(row["peer_group"]), str(row["group"])), []).append(row)
        order = {g: i for i, g in enumerate(ctx.groups)}
        for (name, label), rows in sorted(
            by_group.items(), key=lambda item: (order[item[0][0]], band_order(item[0][1]))
        ):
            funnels.append(
                _funnel(ctx, funnel.kpi, name, label, rows, funnel.limits, float(funnel.per))
            )
    chart_top = 3
    data_row = chart_top + CHART_ROWS * ((len(funnels) + 1) // 2) + 2
    charts = []
    for plot in funnels:
        placed = place_funnel(sheet, plot, row=data_row, chart_row=chart_top,
                              width=CHART_WIDTH, height=CHART_HEIGHT)  # fmt: skip
        charts.append(placed.chart)
        data_row = placed.next_row + 1
    if not funnels:
        sheet.put(chart_top, 0, "No group is large enough to plot.", style="text")
    for col in range(GRID_COLUMNS):
        sheet.column_widths[col] = 9.0
    # Printed: the plots only (their figures, in hidden rows below, are on the Funnels sheet).
    last = chart_top + CHART_ROWS * ((len(funnels) + 1) // 2)
    sheet.page = PageSetup(landscape=True, print_area=(0, 0, last, GRID_COLUMNS - 1))
    grid(sheet, charts, chart_top)
    return sheet


GRID_COLUMNS = 20
"""Columns the two plots of a row cover (9 characters wide each)."""


def grid(sheet: SheetPlan, charts: Sequence[ChartPlan], first_row: int) -> None:
    """Place ``charts`` two to a row from ``first_row`` and append them to ``sheet``, with a
    page break above any row of plots that would be cut at the end of a printed page; the
    grid's width fits the page by a print scale (a spreadsheet ignores manual breaks on a
    sheet set to fit its pages)."""
    from lks_templates.layout.pages import PIXELS_PER_INCH, SAFETY, print_scale, row_pixels
    from lks_templates.layout.pages import _page_inches as page_inches

    # Two columns to spare: spreadsheets draw a chart a little wider than its pixels.
    scale = print_scale(sheet, GRID_COLUMNS + 2)
    sheet.page.scale = scale
    capacity = page_inches(sheet)[1] * PIXELS_PER_INCH * 100 / scale * SAFETY
    used = sum(row_pixels(sheet, r) for r in range(first_row))
    tall = CHART_ROWS * 17
    for index, chart in enumerate(charts):
        row = first_row + CHART_ROWS * (index // 2)
        if index % 2 == 0:
            if used + tall > capacity:
                sheet.page.row_breaks.append(row)
                used = 0
            used += tall
        chart.row, chart.col = row, 0 if index % 2 == 0 else GRID_COLUMNS // 2
        sheet.charts.append(chart)


def _funnel(
    ctx: Context, kpi: str, name: str, label: str, rows: Sequence[Row], model: str, per: float
) -> Funnel:
    """The plain figures of one group's funnel plot: each service a point, named by code."""
    denominators = [_float(r["funnel_denominator"]) for r in rows]
    # A little beyond the services at either end (the grid itself is of round values).
    high = max(denominators) * 1.15
    low = min(denominators) * 0.85
    title = f"{ctx.kpi_title(kpi)}: {ctx.group_title(name)} ({label})"
    points = [
        FunnelPoint(
            str(r["org_ods_code"]),
            _float(r["funnel_denominator"]),
            _float(r["funnel_rate"]),
        )
        for r in rows
    ]
    from lks_templates.spec.benchmark import numerator_name

    field = numerator_name(next(f.denominator for f in ctx.spec.funnels if f.kpi == kpi))
    return Funnel(
        title=title,
        group_rate=_float(rows[0]["funnel_group_rate"]),
        model=model,
        per=per,
        points=points,
        low=low,
        high=high,
        rate_title=ctx.kpi_title(kpi),
        population_title=ctx.titles.get(field, field),
        number_format=ctx.kpi_format(kpi),
        where=f", and on the {FUNNELS} sheet",
    )


def _float(value: object) -> float:
    """A funnel figure of positions.csv (a number wherever the plot draws it)."""
    assert isinstance(value, int | float)
    return float(value)
