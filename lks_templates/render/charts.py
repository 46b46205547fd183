"""Charts: a :class:`ChartPlan` to an xlsxwriter chart, in NHS colours, gaps as gaps."""

from __future__ import annotations

from typing import Any

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from lks_templates.layout.model import ChartPlan
from lks_templates.render.styles import DARK_GREY, FONT, PALE_GREY, SERIES_COLOURS

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
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        spec: dict[str, Any] = {
            "name": series.name,
            "categories": "=" + series.categories,
            "values": "=" + series.values,
        }
        if round_chart:
            spec["points"] = [
                {"fill": {"color": c}, "border": {"color": "#FFFFFF"}} for c in SERIES_COLOURS
            ]
            spec["data_labels"] = {"percentage": True, "font": _FONT}
        elif plan.vary_colours:
            spec["points"] = [
                {"fill": {"color": c}, "border": {"none": True}} for c in SERIES_COLOURS
            ]
        elif kind in ("line", "radar", "scatter"):
            spec["line"] = {"color": colour, "width": 2.25}
            spec["marker"] = {
                "type": "circle",
                "size": 5,
                "fill": {"color": colour},
                "border": {"color": colour},
            }
        else:
            spec["fill"] = {"color": colour}
            spec["border"] = {"none": True}
            if kind == "area":
                spec["fill"]["transparency"] = 30
        if plan.data_labels and not round_chart:
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
    if plan.legend:
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
        chart.set_x_axis(horizontal)
        chart.set_y_axis(vertical)
    chart.set_chartarea({"border": {"color": PALE_GREY}})
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
