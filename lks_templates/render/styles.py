"""Named cell styles: NHS identity colours, Arial, WCAG AA contrast.

Layout refers to styles by name; this module is the only place that says what a style
looks like. Every text colour is checked against its background in the tests (WCAG AA,
4.5:1 for normal text).
"""

from __future__ import annotations

from typing import Any

# NHS identity colours (NHS identity guidelines).
NHS_BLUE = "#005EB8"
DARK_BLUE = "#003087"
BLACK = "#231F20"
DARK_GREY = "#425563"
MID_GREY = "#768692"
PALE_GREY = "#E8EDEE"
DARK_GREEN = "#006747"
GREEN = "#009639"
AQUA_GREEN = "#00A499"
DARK_PINK = "#7C2855"
WARM_YELLOW = "#FFB81C"
RED = "#DA291C"
WHITE = "#FFFFFF"
REQUIRED_FILL = "#FFF0C2"
"""A light tint of Warm Yellow: required inputs that are still blank."""

FONT = "Arial"
FONT_SIZE = 10

SERIES_COLOURS = [NHS_BLUE, GREEN, DARK_BLUE, MID_GREY, DARK_PINK, AQUA_GREEN, DARK_GREY]
"""Chart series colours, in order: each at least 3:1 against the white chart background
(WCAG 1.4.11; Warm Yellow, Light Blue and Orange are not), and neighbours differ in
lightness as well as hue."""
CHART_BACKGROUND = WHITE
"""Chart area and plot area fill: what every series colour is measured against."""
SERIES_PATTERNS: list[str | None] = [
    None,
    "wide_upward_diagonal",
    None,
    "small_grid",
    None,
    "wide_downward_diagonal",
    "dark_vertical",
]
"""Fill of each column, bar or area series beside its colour (None: solid), so series are
told apart without colour (WCAG 1.4.1): white lines on the series colour."""
SERIES_MARKERS = ["circle", "square", "triangle", "diamond", "x", "star", "plus"]
"""Marker of each line series, so lines are told apart without colour."""
SERIES_DASHES = [
    "solid",
    "dash",
    "round_dot",
    "long_dash",
    "dash_dot",
    "long_dash_dot",
    "square_dot",
]
"""Dash style of each line series."""

_BORDER = {"border": 1, "border_color": MID_GREY}
_INPUT = {
    "locked": False,
    "bg_color": WHITE,
    "border": 1,
    "border_color": NHS_BLUE,
    "font_color": BLACK,
}
_BAND = {"bg_color": NHS_BLUE, "font_color": WHITE}
_TILE = {"bg_color": PALE_GREY, "align": "center", "valign": "vcenter"}

STYLES: dict[str, dict[str, Any]] = {
    "text": {"font_color": BLACK},
    "title": {"bold": True, "font_size": 16, "font_color": DARK_BLUE},
    "subtitle": {"font_color": DARK_GREY},
    "note": {"font_color": DARK_GREY, "italic": True},
    "header": {"bold": True, **_BAND, **_BORDER, "valign": "vcenter"},
    "header_total": {"bold": True, **_BAND, **_BORDER, "align": "center"},
    "header_wrap": {
        "bold": True,
        **_BAND,
        **_BORDER,
        "align": "center",
        "valign": "vcenter",
        "text_wrap": True,
    },
    "period": {"bold": True, **_BAND, **_BORDER, "align": "center"},
    "section": {"bold": True, "font_color": DARK_BLUE, "bg_color": PALE_GREY},
    "label": {"font_color": BLACK, "valign": "vcenter", "text_wrap": True},
    "label_bold": {"font_color": BLACK, "bold": True, "valign": "vcenter"},
    "unit": {"font_color": DARK_GREY, "valign": "vcenter"},
    "input": {**_INPUT, "align": "right"},
    "input_left": {**_INPUT, "align": "left"},
    "input_text": {**_INPUT, "align": "left", "valign": "top", "text_wrap": True},
    "input_wrap": {**_INPUT, "align": "left", "valign": "vcenter", "text_wrap": True},
    "input_top": {**_INPUT, "align": "left", "valign": "top"},
    "label_top": {"font_color": BLACK, "valign": "top", "text_wrap": True},
    "unit_top": {"font_color": DARK_GREY, "valign": "top", "indent": 1},
    "input_year": {**_INPUT, "align": "center", "bold": True},
    "calc": {"font_color": BLACK, "bg_color": PALE_GREY, **_BORDER},
    "total": {
        "bold": True,
        "font_color": BLACK,
        "bg_color": PALE_GREY,
        **_BORDER,
        "align": "right",
        "valign": "vcenter",
    },
    "flag": {"bold": True, "align": "center", "valign": "vcenter", "font_color": BLACK, **_BORDER},
    "count": {
        "bold": True,
        "font_size": 14,
        "align": "center",
        "valign": "vcenter",
        "font_color": BLACK,
        **_BORDER,
    },
    "chart_data": {"font_color": DARK_GREY, "font_size": 8},
    "dash_title": {"bold": True, "font_size": 18, "font_color": DARK_BLUE},
    "dash_subtitle": {"bold": True, "font_size": 12, "font_color": DARK_GREY},
    "dash_checks": {"font_color": DARK_GREY},
    "tile_title": {
        "bold": True,
        **_BAND,
        "text_wrap": True,
        "align": "center",
        "valign": "vcenter",
    },
    "tile_value": {"bold": True, "font_size": 20, "font_color": DARK_BLUE, **_TILE},
    "tile_target": {"font_size": 9, "font_color": DARK_GREY, **_TILE, "text_wrap": True},
    # Shrunk to fit: "Needs ... and more" can be longer than a tile is wide, and text
    # running into the next tile reads as part of it.
    "tile_status": {"bold": True, "font_size": 9, "font_color": BLACK, **_TILE, "shrink": True},
    "tile_note": {"italic": True, "font_size": 8, "font_color": DARK_GREY, **_TILE},
    "about_heading": {"bold": True, "font_size": 12, "font_color": DARK_BLUE},
    "about_text": {"font_color": BLACK, "text_wrap": True, "valign": "top"},
    "faq_question": {"bold": True, "font_color": BLACK, "text_wrap": True, "valign": "top"},
    "dict_header": {
        "bold": True,
        "bg_color": DARK_BLUE,
        "font_color": WHITE,
        "text_wrap": True,
        "valign": "top",
        **_BORDER,
    },
    "dict_cell": {"font_color": BLACK, "text_wrap": True, "valign": "top", **_BORDER},
    "dict_figure": {"font_color": BLACK, "align": "right", "valign": "top", **_BORDER},
    "band_title": {"bold": True, "font_size": 20, **_BAND, "valign": "vcenter", "shrink": True},
    "band_text": {"font_size": 11, **_BAND, "valign": "vcenter"},
    "info_number": {
        "bold": True,
        "font_size": 26,
        "font_color": DARK_BLUE,
        "align": "center",
        "valign": "vcenter",
    },
    "info_label": {
        "bold": True,
        "font_color": BLACK,
        "align": "center",
        "valign": "vcenter",
        "text_wrap": True,
    },
    "info_target": {"font_size": 9, "font_color": DARK_GREY, "align": "center"},
    "info_note": {"italic": True, "font_size": 8, "font_color": DARK_GREY, "align": "center"},
    "info_footer": {"font_size": 8, "font_color": DARK_GREY},
}
"""Cell styles by name; every style gets the Arial font and is locked unless it says not."""

CONDITIONAL_STYLES: dict[str, dict[str, Any]] = {
    "required": {"bg_color": REQUIRED_FILL, "font_color": BLACK},
    "flag_fail": {"bold": True, "bg_color": RED, "font_color": WHITE},
    "flag_warn": {"bold": True, "bg_color": WARM_YELLOW, "font_color": BLACK},
    "flag_pass": {"font_color": DARK_GREEN, "bg_color": WHITE},
    "kpi_good": {"bold": True, "bg_color": DARK_GREEN, "font_color": WHITE},
    "kpi_bad": {"bold": True, "bg_color": RED, "font_color": WHITE},
}
"""Formats applied by conditional formatting (fill and font only, as Excel allows)."""


def cell_format(style: str, number_format: str | None) -> dict[str, Any]:
    """xlsxwriter format properties of a named style with an optional number format."""
    props: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE}
    props.update(STYLES[style])
    if number_format:
        props["num_format"] = number_format
    return props


def text_background_pairs() -> list[tuple[str, str, str]]:
    """(style name, text colour, background colour) of every style, for contrast tests."""
    pairs = []
    for name, props in [*STYLES.items(), *CONDITIONAL_STYLES.items()]:
        pairs.append((name, props.get("font_color", BLACK), props.get("bg_color", WHITE)))
    return pairs
