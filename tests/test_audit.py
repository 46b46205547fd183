"""``lks-templates audit``: every shipped workbook passes; hostile copies of a shipped
workbook fail, each with its place named.

Each hostile copy changes one zip part of dist/monthly-activity.xlsx; the expected place
is read from the original parts independently (regular expressions, openpyxl), never from
the audit's own reading.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.styles.colors import COLOR_INDEX

from lks_templates.audit import CHECKLIST, audit_workbook
from lks_templates.audit.colours import INDEXED, cell_colour
from lks_templates.cli import main

ROOT = Path(__file__).parent.parent
DIST = ROOT / "dist"
SHIPPED = DIST / "monthly-activity.xlsx"
DRAWING = "xl/drawings/drawing1.xml"
DATA_SHEET = "xl/worksheets/sheet2.xml"


def _part(name: str) -> str:
    with zipfile.ZipFile(SHIPPED) as archive:
        return archive.read(name).decode()


def _copy(tmp_path: Path, changes: dict[str, Callable[[str], str]]) -> Path:
    """A copy of the shipped workbook with some parts rewritten (each must change)."""
    out = tmp_path / "changed.xlsx"
    with zipfile.ZipFile(SHIPPED) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in changes:
                text = changes[info.filename](data.decode())
                assert text != data.decode(), info.filename
                data = text.encode()
            target.writestr(info, data)
    return out


def _failures(path: Path) -> list[tuple[str, str, str]]:
    result = audit_workbook(path)
    assert result.refused is None
    return [(f.item, f.place, f.message) for f in result.failures]


def test_sheet_order_assumed_by_the_hostile_copies() -> None:
    workbook = _part("xl/workbook.xml")
    assert re.findall(r'<sheet name="([^"]+)"', workbook) == [
        "About",
        "Data",
        "Checks",
        "Dashboard",
        "Infographic",
    ]
    assert "drawing1.xml" in _part("xl/worksheets/_rels/sheet4.xml.rels")


@pytest.mark.parametrize("path", sorted(DIST.glob("*.xlsx")), ids=lambda p: p.stem)
def test_every_shipped_workbook_passes_every_item(path: Path) -> None:
    result = audit_workbook(path)
    assert result.refused is None
    assert [(f.item, f.place, f.message) for f in result.failures] == []
    assert [f.item for f in result.findings] == [item.id for item in CHECKLIST]


def test_audit_of_dist_exits_0_and_prints_a_pass_per_item(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["audit", str(DIST)]) == 0
    out = capsys.readouterr().out
    workbooks = len(list(DIST.glob("*.xlsx")))
    assert out.count("  pass  ") == workbooks * len(CHECKLIST)
    assert "FAIL" not in out
    assert out.endswith(
        f"{workbooks} workbooks: every one passes all {len(CHECKLIST)} items of the audit.\n"
    )


def test_a_chart_without_alt_text_fails_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drawing = _part(DRAWING)
    first = re.search(r'<xdr:cNvPr id="\d+" name="([^"]+)" descr="[^"]*"/>', drawing)
    anchor = re.search(r"<xdr:from><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>", drawing)
    assert first is not None and anchor is not None
    place = f"Dashboard!{chr(65 + int(anchor.group(1)))}{int(anchor.group(2)) + 1}"
    path = _copy(tmp_path, {DRAWING: lambda t: re.sub(r' descr="[^"]*"', "", t, count=1)})
    failures = _failures(path)
    assert [(item, where) for item, where, _ in failures] == [("alt-text", place)]
    assert failures[0][2].startswith(f'chart "{first.group(1)}" has no alt text')
    assert main(["audit", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"  FAIL  alt-text        {place}: chart " in out
    assert "1 workbook of 1 fails the accessibility audit (1 failure)" in out


def test_an_icon_neither_described_nor_decorative_fails(tmp_path: Path) -> None:
    drawing = "xl/drawings/drawing2.xml"
    mark = re.compile(r'<a:ext uri="\{C183D7F6[^"]*"><adec:decorative [^>]*/></a:ext>')
    path = _copy(tmp_path, {drawing: lambda t: mark.sub("", t, count=1)})
    failures = _failures(path)
    assert [(item, where[:12]) for item, where, _ in failures] == [("alt-text", "Infographic!")]
    assert "mark it decorative" in failures[0][2]


def test_a_low_contrast_cell_style_fails_at_its_first_cell(tmp_path: Path) -> None:
    # White bold text on NHS Blue (the header bands) becomes white on Pale Grey. Expected:
    # the first cell of each cell format with that fill, on each sheet (read by regex).
    styles = "xl/styles.xml"
    xml = _part(styles)
    fills = re.findall(r"<fill>.*?</fill>", re.search(r"<fills[^>]*>(.*?)</fills>", xml).group(1))  # type: ignore[union-attr]
    blue = [i for i, fill in enumerate(fills) if 'fgColor rgb="FF005EB8"' in fill]
    xfs = re.findall(r"<xf [^>]*>", re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", xml).group(1))  # type: ignore[union-attr]
    formats = {
        str(i)
        for i, xf in enumerate(xfs)
        if re.search(rf'fillId="({"|".join(map(str, blue))})"', xf)
    }
    names = ["About", "Data", "Checks", "Dashboard", "Infographic"]
    expected = set()
    for number, name in enumerate(names, start=1):
        seen = set()
        for cell, style in re.findall(
            r'<c r="([A-Z]+\d+)" s="(\d+)"', _part(f"xl/worksheets/sheet{number}.xml")
        ):
            if style in formats and style not in seen:
                seen.add(style)
                expected.add(f"{name}!{cell}")
    assert len(expected) >= 5
    path = _copy(
        tmp_path, {styles: lambda t: t.replace('fgColor rgb="FF005EB8"', 'fgColor rgb="FFE8EDEE"')}
    )
    failures = [f for f in _failures(path) if f[0] == "text-contrast"]
    assert {where for _, where, _ in failures} == expected
    # #FFFFFF on #E8EDEE: 1.05 / (0.8388 + 0.05) = 1.18, worked from the WCAG formula.
    assert all("#FFFFFF on #E8EDEE" in message and "1.18:1" in message for *_, message in failures)


def test_a_low_contrast_conditional_format_fails(tmp_path: Path) -> None:
    # The "required" format: text the colour of its own fill.
    styles = "xl/styles.xml"
    required = (
        '<dxf><font><color rgb="FF231F20"/></font><fill><patternFill><bgColor rgb="FFFFF0C2"/>'
    )
    assert required in _part(styles)
    pale = required.replace("FF231F20", "FFFFF0C2")
    sqref = re.search(
        r'<conditionalFormatting sqref="([A-Z]+\d+)[^"]*"><cfRule type="containsBlanks" dxfId="0"',
        _part(DATA_SHEET),
    )
    assert sqref is not None
    path = _copy(tmp_path, {styles: lambda t: t.replace(required, pale)})
    failures = [f for f in _failures(path) if f[0] == "text-contrast"]
    assert failures and failures[0][1] == f"Data!{sqref.group(1)}"
    assert "1.00:1" in failures[0][2] and "conditional format" in failures[0][2]


def test_a_merged_entry_cell_fails_naming_the_entry(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(SHIPPED)
    ((sheet, cell),) = book.defined_names["org_name"].destinations
    assert sheet == "Data"
    cell = cell.replace("$", "")  # the organisation name's entry cell, in column D
    below = f"E{cell[1:]}"
    named = [
        name
        for name, item in book.defined_names.items()
        if list(item.destinations) == [("Data", f"$D${cell[1:]}")]
    ]
    book.close()
    assert len(named) == 1
    merge = f'<mergeCells count="1"><mergeCell ref="{cell}:{below}"/></mergeCells>'
    path = _copy(
        tmp_path,
        {
            DATA_SHEET: lambda t: t.replace(
                "<conditionalFormatting ", merge + "<conditionalFormatting ", 1
            )
        },
    )
    failures = _failures(path)
    assert [(item, where) for item, where, _ in failures] == [("merged-entry", f"Data!{cell}")]
    assert f"(named {named[0]})" in failures[0][2]


def test_a_300_character_input_message_fails(tmp_path: Path) -> None:
    sheet = _part(DATA_SHEET)
    first = re.search(r'<dataValidation [^>]*prompt="[^"]*" sqref="([A-Z]+\d+)', sheet)
    assert first is not None
    path = _copy(
        tmp_path,
        {
            DATA_SHEET: lambda t: re.sub(
                r'prompt="[^"]*"', 'prompt="' + "Count it. " * 30 + '"', t, count=1
            )
        },
    )
    failures = _failures(path)
    assert failures == [
        (
            "input-messages",
            f"Data!{first.group(1)}",
            "the input message has 300 characters; Excel allows 255",
        )
    ]


def test_a_message_cut_mid_sentence_fails(tmp_path: Path) -> None:
    path = _copy(
        tmp_path,
        {
            DATA_SHEET: lambda t: re.sub(
                r'error="[^"]*"', 'error="Enter a year such as…"', t, count=1
            )
        },
    )
    (failure,) = _failures(path)
    assert failure[0] == "input-messages" and "ends mid-sentence" in failure[2]


def test_a_blank_sheet_fails(tmp_path: Path) -> None:
    checks = "xl/worksheets/sheet3.xml"
    path = _copy(
        tmp_path,
        {
            checks: lambda t: re.sub(
                r"<sheetData>.*</sheetData>", "<sheetData/>", t, flags=re.DOTALL
            )
        },
    )
    failures = _failures(path)
    assert [(item, where) for item, where, _ in failures] == [("blank-sheets", "Checks")]


def test_sheet_names_title_language_and_opening_view(tmp_path: Path) -> None:
    workbook, core = "xl/workbook.xml", "docProps/core.xml"
    path = _copy(
        tmp_path,
        {
            workbook: lambda t: t.replace('name="Checks"', 'name="Sheet1"').replace(
                "<workbookView ", '<workbookView activeTab="2" '
            ),
            core: lambda t: re.sub(r"<dc:(title|language)>[^<]*</dc:\1>", "", t),
        },
    )
    failures = _failures(path)
    assert sorted((item, where) for item, where, _ in failures) == [
        ("first-sheet", "Sheet1"),
        ("language", ""),
        ("sheet-names", "Sheet1"),
        ("title", ""),
    ]


def test_a_series_colour_below_3_to_1_fails_naming_chart_and_series(tmp_path: Path) -> None:
    chart = "xl/charts/chart3.xml"
    xml = _part(chart)
    title = re.search(r"<a:t>([^<]+)</a:t>", xml)
    names = re.findall(r"<c:ser>.*?<c:tx>.*?<c:v>([^<]+)</c:v>", xml)
    assert title is not None and len(names) == 2 and xml.count('srgbClr val="009639"') >= 1
    path = _copy(tmp_path, {chart: lambda t: t.replace('val="009639"', 'val="FFB81C"')})
    failures = _failures(path)
    assert {item for item, _, _ in failures} == {"chart-contrast"}
    message = failures[0][2]
    # Warm Yellow on white: 1.05 / (0.5570 + 0.05) = 1.73 (the figure).
    assert message.startswith(f'chart "{title.group(1)}", series "{names[1]}": ')
    assert "#FFB81C has 1.73:1 contrast against #FFFFFF; it needs 3:1" in message
    assert failures[0][1].startswith("Dashboard!")


def test_a_file_that_is_not_a_workbook_is_refused_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    assert main(["audit", str(bad), str(SHIPPED)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}: cannot be audited: " in out
    assert f"{SHIPPED}: passes every item" in out
    assert main(["audit", str(tmp_path / "missing.xlsx")]) == 2
    assert "missing-path No such file or folder" in capsys.readouterr().err


def test_indexed_and_theme_colours() -> None:
    # openpyxl's copy of Excel's legacy palette, an independent source.
    assert ["#" + c for c in INDEXED] == ["#" + c[2:] for c in COLOR_INDEX[:64]]
    theme = {"lt1": "#FFFFFF", "dk1": "#000000"}
    # theme="1" is dk1 (Excel swaps the first two pairs): the default font colour.
    assert cell_colour(ElementTree.fromstring('<color theme="1"/>'), theme) == "#000000"
    assert cell_colour(ElementTree.fromstring('<color theme="0"/>'), theme) == "#FFFFFF"
    # A tint of -0.5 halves the lightness of white: #808080 (127.5 rounds up).
    assert cell_colour(ElementTree.fromstring('<color theme="0" tint="-0.5"/>'), theme) == "#808080"
    assert cell_colour(ElementTree.fromstring('<color indexed="64"/>'), theme) == "#000000"
    assert cell_colour(ElementTree.fromstring('<color auto="1"/>'), theme) is None


def test_the_checklist_is_documented_item_by_item() -> None:
    doc = (ROOT / "docs" / "accessibility.md").read_text(encoding="utf-8")
    for item in CHECKLIST:
        assert f"`{item.id}`" in doc, item.id
    assert "Needs a person" in doc


@pytest.mark.parametrize(
    ("part", "old", "new", "failing"),
    [
        # Unreadable numbers fall back to the defaults a spreadsheet program would use.
        (DATA_SHEET, '<row r="1"', '<row r="one"', []),
        (DATA_SHEET, ' s="', ' s="x', []),
        ("xl/styles.xml", 'rgb="FF231F20"', 'rgb="NOTACOLOUR"', []),
        ("xl/workbook.xml", "<workbookView ", '<workbookView activeTab="nan" ', []),
        (DRAWING, "<xdr:col>1</xdr:col>", "<xdr:col>-7</xdr:col>", []),
        # A series fill that is no colour leaves only its white border: 1:1.
        ("xl/charts/chart1.xml", 'srgbClr val="005EB8"', 'srgbClr val="blue"', ["chart-contrast"]),
    ],
)
def test_odd_values_in_parts_give_findings_not_tracebacks(
    tmp_path: Path, part: str, old: str, new: str, failing: list[str]
) -> None:
    path = _copy(tmp_path, {part: lambda t: t.replace(old, new, 1)})
    result = audit_workbook(path)
    assert result.refused is None
    assert [f.item for f in result.failures] == failing
