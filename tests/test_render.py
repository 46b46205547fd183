"""Rendering details: colour contrast of every style, icons, fonts."""

from __future__ import annotations

import struct
import zlib

import pytest

from lks_templates.contrast import contrast_ratio as contrast
from lks_templates.contrast import is_large_text, parse_colour
from lks_templates.layout import plan_workbook
from lks_templates.render.icons import GLYPHS, SIZE, icon_png
from lks_templates.render.styles import (
    CONDITIONAL_STYLES,
    STYLES,
    cell_format,
    text_background_pairs,
)


def test_contrast_function_on_known_pairs() -> None:
    assert contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    # The domain notes: white on NHS Blue passes, white on Light Blue or Warm Yellow fails.
    assert contrast("#FFFFFF", "#005EB8") > 4.5
    assert contrast("#FFFFFF", "#41B6E6") < 4.5
    assert contrast("#FFFFFF", "#FFB81C") < 4.5
    # The figures for the old series colours on white, to two decimals.
    assert [round(contrast(c, "#FFFFFF"), 2) for c in ("#FFB81C", "#41B6E6", "#ED8B00")] == [
        1.73,
        2.32,
        2.53,
    ]
    assert round(contrast("#005EB8", "#FFFFFF"), 2) == 6.38


def test_colour_forms_and_large_text() -> None:
    assert parse_colour("ff005eb8") == parse_colour("#005eb8") == "#005EB8"
    with pytest.raises(ValueError):
        parse_colour("blue")
    # WCAG: 18 pt, or 14 pt bold.
    assert [is_large_text(*t) for t in ((18, False), (14, True), (14, False), (12, True))] == [
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(("style", "text", "background"), text_background_pairs())
def test_every_style_meets_wcag_aa(style: str, text: str, background: str) -> None:
    assert contrast(text, background) >= 4.5, style


def test_every_style_the_layout_uses_exists(tmp_path: object) -> None:
    from pathlib import Path

    from lks_templates.spec import load_specs

    shipped = Path(__file__).parent.parent / "template_specs"
    for resolved in load_specs([shipped]).resolved():
        plan = plan_workbook(resolved)
        for sheet in plan.sheets:
            assert {c.style for c in sheet.cells.values()} <= set(STYLES)
            assert {c.style for c in sheet.conditional_formats} <= set(CONDITIONAL_STYLES)


def test_arial_everywhere() -> None:
    assert {cell_format(name, None)["font_name"] for name in STYLES} == {"Arial"}


@pytest.mark.parametrize("name", sorted(GLYPHS))
def test_icons_are_valid_deterministic_pngs(name: str) -> None:
    png = icon_png(name)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", png[8:16])
    width, height = struct.unpack(">II", png[16:24])
    assert (kind, width, height) == (b"IHDR", SIZE, SIZE)
    idat_at = png.index(b"IDAT")
    (idat_length,) = struct.unpack(">I", png[idat_at - 4 : idat_at])
    pixels = zlib.decompress(png[idat_at + 4 : idat_at + 4 + idat_length])
    assert len(pixels) == SIZE * (1 + 4 * SIZE)
    row = SIZE // 2 * (1 + 4 * SIZE) + 1
    # The middle of the icon is opaque; a corner is transparent.
    assert pixels[row + 4 * (SIZE // 2) + 3] == 255
    assert pixels[1 + 3] == 0
    assert length == 13


def test_normal_style_is_arial_10(tmp_path: object) -> None:
    """Column widths count the Normal font's digits: Arial 10 (with a metric twin in
    LibreOffice) keeps pages alike in Excel and LibreOffice, where Calibri may be missing."""
    import re
    import zipfile
    from pathlib import Path

    from lks_templates.build import build_workbook
    from lks_templates.spec import load_specs

    shipped = Path(__file__).parent.parent / "template_specs"
    resolved = load_specs([shipped]).resolve("monthly-activity")
    assert resolved is not None
    path = build_workbook(resolved, Path(str(tmp_path)) / "m.xlsx")
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
        sheet = archive.read("xl/worksheets/sheet2.xml").decode()
    first_font = re.search(r"<fonts[^>]*>\s*<font>(.*?)</font>", styles, re.DOTALL)
    assert first_font is not None
    assert '<sz val="10"/>' in first_font.group(1)
    assert '<name val="Arial"/>' in first_font.group(1)
    assert '<sheetFormatPr defaultRowHeight="12.75"' in sheet
