"""Colours as a workbook states them (ARGB, theme with tint, legacy index, DrawingML) to
``#RRGGBB``, so that :mod:`lks_templates.contrast` can measure them."""

from __future__ import annotations

import colorsys
from xml.etree import ElementTree

A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

INDEXED: tuple[str, ...] = (
    "000000",
    "FFFFFF",
    "FF0000",
    "00FF00",
    "0000FF",
    "FFFF00",
    "FF00FF",
    "00FFFF",
    "000000",
    "FFFFFF",
    "FF0000",
    "00FF00",
    "0000FF",
    "FFFF00",
    "FF00FF",
    "00FFFF",
    "800000",
    "008000",
    "000080",
    "808000",
    "800080",
    "008080",
    "C0C0C0",
    "808080",
    "9999FF",
    "993366",
    "FFFFCC",
    "CCFFFF",
    "660066",
    "FF8080",
    "0066CC",
    "CCCCFF",
    "000080",
    "FF00FF",
    "FFFF00",
    "00FFFF",
    "800080",
    "800000",
    "008080",
    "0000FF",
    "00CCFF",
    "CCFFFF",
    "CCFFCC",
    "FFFF99",
    "99CCFF",
    "FF99CC",
    "CC99FF",
    "FFCC99",
    "3366FF",
    "33CCCC",
    "99CC00",
    "FFCC00",
    "FF9900",
    "FF6600",
    "666699",
    "969696",
    "003366",
    "339966",
    "003300",
    "333300",
    "993300",
    "993366",
    "333399",
    "333333",
)
"""Excel's default legacy palette, index 0 to 63; 64 is the system text colour (black), 65
the system window colour (white)."""
SYSTEM_TEXT = "#000000"
SYSTEM_WINDOW = "#FFFFFF"

SCHEME_ORDER: tuple[str, ...] = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3")
SCHEME_ORDER += ("accent4", "accent5", "accent6", "hlink", "folHlink")
"""Order of the theme's colour scheme in theme1.xml."""
THEME_INDEX: tuple[str, ...] = ("lt1", "dk1", "lt2", "dk2", *SCHEME_ORDER[4:])
"""A cell style's ``theme="n"``: Excel swaps the first two pairs (0 is lt1, 1 is dk1)."""
SCHEME_ALIASES = {"tx1": "dk1", "bg1": "lt1", "tx2": "dk2", "bg2": "lt2"}
OFFICE_THEME = {
    "dk1": "#000000",
    "lt1": "#FFFFFF",
    "dk2": "#1F497D",
    "lt2": "#EEECE1",
    "accent1": "#4F81BD",
    "accent2": "#C0504D",
    "accent3": "#9BBB59",
    "accent4": "#8064A2",
    "accent5": "#4BACC6",
    "accent6": "#F79646",
    "hlink": "#0000FF",
    "folHlink": "#800080",
}
"""The Office 2007 theme, used when a workbook has no theme part."""


def number(text: str | None, default: float = 0) -> float:
    """``text`` as a number; ``default`` when it is missing or not a number (hostile XML)."""
    try:
        value = float(text) if text is not None else default
    except ValueError:
        return default
    return value if value == value and abs(value) < 1e9 else default  # no NaN, no huge


def checked(colour: str | None) -> str | None:
    """``#RRGGBB`` upper case, or None when ``colour`` is not one."""
    if colour is None or len(colour) != 7 or not colour.startswith("#"):
        return None
    try:
        int(colour[1:], 16)
    except ValueError:
        return None
    return colour.upper()


def theme_colours(theme: ElementTree.Element | None) -> dict[str, str]:
    """Scheme name -> ``#RRGGBB`` from a theme part (the Office theme where absent)."""
    found = dict(OFFICE_THEME)
    if theme is None:
        return found
    for scheme in theme.iter(f"{A_NS}clrScheme"):
        for child in scheme:
            name = child.tag.removeprefix(A_NS)
            if name not in SCHEME_ORDER or not len(child):
                continue
            value = checked("#" + (child[0].get("lastClr") or child[0].get("val") or ""))
            if value:
                found[name] = value
        break
    return found


def with_tint(colour: str, tint: float) -> str:
    """Excel's tint: lighten (tint > 0) or darken (tint < 0) in HLS lightness."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, light, sat = colorsys.rgb_to_hls(red, green, blue)
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    return _hex(colorsys.hls_to_rgb(hue, min(max(light, 0.0), 1.0), sat))


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02X}" for c in rgb)


def cell_colour(element: ElementTree.Element | None, theme: dict[str, str]) -> str | None:
    """A spreadsheet ``<color>``/``<fgColor>``/``<bgColor>`` as ``#RRGGBB``; None when it
    says ``auto`` or nothing (the caller knows the default)."""
    if element is None or element.get("auto") in ("1", "true"):
        return None
    colour: str | None = None
    if element.get("rgb"):
        rgb = element.get("rgb", "")
        colour = "#" + (rgb[2:] if len(rgb) == 8 else rgb).upper()
    elif element.get("theme") is not None:
        index = int(number(element.get("theme")))
        colour = theme.get(THEME_INDEX[index]) if 0 <= index < len(THEME_INDEX) else None
    elif element.get("indexed") is not None:
        index = int(number(element.get("indexed")))
        if 0 <= index < len(INDEXED):
            colour = "#" + INDEXED[index]
        else:
            colour = SYSTEM_TEXT if index == 64 else SYSTEM_WINDOW
    colour = checked(colour)
    if colour is not None and element.get("tint"):
        colour = with_tint(colour, min(max(number(element.get("tint")), -1.0), 1.0))
    return colour


def drawing_colour(element: ElementTree.Element | None, theme: dict[str, str]) -> str | None:
    """The colour of a DrawingML fill (``a:solidFill`` or a colour element) as ``#RRGGBB``,
    with ``lumMod``/``lumOff`` applied; None when there is none."""
    if element is None:
        return None
    if element.tag == f"{A_NS}solidFill":
        if not len(element):
            return None
        element = element[0]
    tag = element.tag.removeprefix(A_NS)
    colour: str | None = None
    if tag == "srgbClr":
        colour = "#" + element.get("val", "").upper()
    elif tag == "sysClr":
        colour = "#" + (element.get("lastClr") or "000000").upper()
    elif tag == "schemeClr":
        name = element.get("val", "")
        colour = theme.get(SCHEME_ALIASES.get(name, name))
    elif tag == "prstClr":
        colour = {"black": "#000000", "white": "#FFFFFF"}.get(element.get("val", ""))
    colour = checked(colour)
    if colour is None:
        return None
    modifiers = {child.tag.removeprefix(A_NS): child.get("val", "") for child in element}
    if "lumMod" in modifiers or "lumOff" in modifiers:
        red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        hue, light, sat = colorsys.rgb_to_hls(red, green, blue)
        light = light * number(modifiers.get("lumMod"), 100000) / 100000
        light += number(modifiers.get("lumOff")) / 100000
        colour = _hex(colorsys.hls_to_rgb(hue, min(max(light, 0.0), 1.0), sat))
    return colour
