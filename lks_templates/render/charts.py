"""Charts: a :class:`ChartPlan` to an xlsxwriter chart, in NHS colours, gaps as gaps.

Accessible (WCAG 2.2 AA): every series colour has 3:1 contrast against the white chart
background, and series differ in more than colour: columns and bars in fill pattern, lines
in marker and dash style, slices of a pie by their labels.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from lks_templates.layout.model import ChartPlan, SeriesLook
from lks_templates.render.styles import (
    CHART_BACKGROUND,
    DARK_GREY,
    FONT,
    PALE_GREY,
    SERIES_COLOURS,
    SERIES_DASHES,
    SERIES_MARKERS,
    SERIES_PATTERNS,
    WHITE,
)

_FONT = {"name": FONT, "size": 9, "color": DARK_GREY}
_AXIS_LINE = {"color": PALE_GREY}


def add_chart(workbook: Workbook, sheet: Worksheet, plan: ChartPlan) -> Chart:
    """Create the chart of ``plan`` and insert it on ``sheet``."""
    kind = plan.kind
    options: dict[str, Any] = {"type": kind}
    if kind == "scatter":
        options["subtype"] = "straight_with_markers"
    chart = workbook.add_chart(options)
    assert chart is not None
    round_chart = kind in ("pie", "doughnut")
    for index, series in enumerate(plan.series):
        spec: dict[str, Any] = {
            "name": series.name,
            "categories": "=" + series.categories,
            "values": "=" + series.values,
            **(
                look_style(series.look)
                if series.look is not None
                else series_style(kind, index, plan.vary_colours)
            ),
        }
        if round_chart:
            # Each slice named on the chart itself, not only by its colour in the legend.
            spec["data_labels"] = {"category": True, "percentage": True, "font": _FONT}
        elif plan.data_labels:
            spec["data_labels"] = {
                "value": True,
                "num_format": plan.number_format,
                "font": _FONT,
                "position": "outside_end",
            }
        chart.add_series(spec)
    chart.set_title(
        {
            "name": plan.title,
            "name_font": {"name": FONT, "size": 11, "bold": True, "color": "#231F20"},
        }
    )
    hidden = [i for i, series in enumerate(plan.series) if not series.in_legend]
    if plan.legend and hidden:
        chart.set_legend({"position": "bottom", "font": _FONT, "delete_series": hidden})
    elif plan.legend:
        chart.set_legend({"position": "bottom", "font": _FONT})
    else:
        chart.set_legend({"none": True})
    if not round_chart:
        # Period labels are dates; spreadsheets differ in whether a chart takes the cells'
        # own format, so the axis says it (text labels, before a year is typed, stay text).
        # A text axis: one label per period, never a date scale.
        categories = {
            "num_font": _FONT,
            "line": _AXIS_LINE,
            "major_tick_mark": "none",
            "num_format": plan.category_format,
            "text_axis": True,
        }
        values: dict[str, Any] = {
            "num_font": _FONT,
            "line": {"none": True},
            "major_gridlines": {"visible": True, "line": _AXIS_LINE},
        }
        axis_format = value_axis_format(plan.number_format)
        if axis_format:
            values["num_format"] = axis_format
        if kind in ("column", "bar", "area", "line"):
            # From zero, so bar lengths compare honestly and a line does not exaggerate swings.
            values["min"] = 0
        if plan.categories_in_order:
            # Bar charts list categories bottom-up; reverse to read top-down, and keep the
            # value axis at the bottom.
            categories["reverse"] = True
            categories["crossing"] = "max"
        if plan.y_title:
            values["name"] = plan.y_title
            values["name_font"] = {**_FONT, "bold": False}
        # xlsxwriter's x axis is the horizontal one: the value axis of a bar chart.
        horizontal, vertical = (values, categories) if kind == "bar" else (categories, values)
        if kind == "scatter":
            horizontal = {key: v for key, v in categories.items() if key != "text_axis"}
            if plan.x_title:
                horizontal["name"] = plan.x_title
                horizontal["name_font"] = {**_FONT, "bold": False}
            if plan.y_min is not None:
                vertical["min"] = plan.y_min
            if plan.x_range is not None:
                horizontal["min"], horizontal["max"] = plan.x_range
        chart.set_x_axis(horizontal)
        chart.set_y_axis(vertical)
    chart.set_chartarea({"border": {"color": PALE_GREY}, "fill": {"color": CHART_BACKGROUND}})
    if not round_chart:
        chart.set_plotarea({"fill": {"color": CHART_BACKGROUND}})
    if plan.show_hidden:
        chart.show_hidden_data()
    chart.show_blanks_as("gap")
    chart.set_size({"width": plan.width, "height": plan.height})
    sheet.insert_chart(
        plan.row,
        plan.col,
        chart,
        {"description": plan.alt_text, "object_position": 1, "x_offset": plan.x_offset},
    )
    return chart


def series_style(kind: str, index: int, vary_colours: bool = False) -> dict[str, Any]:
    """xlsxwriter fill, line and marker options of the ``index``-th series of a chart."""
    colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
    if kind in ("pie", "doughnut") or vary_colours:
        # One colour per point; a white edge keeps neighbouring points apart.
        return {
            "points": [{"fill": {"color": c}, "border": {"color": WHITE}} for c in SERIES_COLOURS]
        }
    if kind in ("line", "radar", "scatter"):
        return {
            "line": {
                "color": colour,
                "width": 2.25,
                "dash_type": SERIES_DASHES[index % len(SERIES_DASHES)],
            },
            "marker": {
                "type": SERIES_MARKERS[index % len(SERIES_MARKERS)],
                "size": 6,
                "fill": {"color": colour},
                "border": {"color": colour},
            },
        }
    pattern = SERIES_PATTERNS[index % len(SERIES_PATTERNS)]
    style: dict[str, Any] = {}
    if pattern is None:
        style["fill"] = {"color": colour}
    else:
        style["pattern"] = {"pattern": pattern, "fg_color": WHITE, "bg_color": colour}
    if kind == "area":
        # An outline in the series colour: overlapping areas stay visible and each keeps
        # its 3:1 edge.
        style["border"] = {"color": colour, "width": 1.5}
    else:
        # A white edge: side-by-side columns of two series never touch each other.
        style["border"] = {"color": WHITE, "width": 0.75}
    return style


def look_style(look: SeriesLook) -> dict[str, Any]:
    """xlsxwriter line and marker options of a series drawn by its own :class:`SeriesLook`."""
    style: dict[str, Any] = {
        "line": (
            {"none": True}
            if look.dash is None
            else {"color": look.colour, "width": look.width, "dash_type": look.dash}
        ),
        "marker": (
            {"type": "none"}
            if look.marker is None
            else {
                "type": look.marker,
                "size": look.marker_size,
                "fill": {"color": look.colour},
                "border": {"color": look.colour},
            }
        ),
    }
    return style


def value_axis_format(number_format: str) -> str | None:
    """The value axis's number format: thousands separators always (a spreadsheet may not
    take them from the cells), money in whole pounds; None to leave it to the cells."""
    if "#,##0" not in number_format:
        return None
    if "£" in number_format:
        return number_format.split(".")[0]
    return number_format if "." not in number_format else None
