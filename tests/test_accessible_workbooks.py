"""Accessibility of the shipped workbooks (WCAG 2.2 AA), read from the zip parts of dist/.

Expectations come from the rules themselves (3:1 for chart series against the chart
background, en-GB, decorative icons, "(required)" in labels) and from the spec YAML read
with PyYAML; the workbooks are read as XML parts and with openpyxl, never through the plan.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from openpyxl.utils.cell import get_column_letter, range_boundaries

from lks_templates.contrast import contrast_ratio

ROOT = Path(__file__).parent.parent
DIST = ROOT / "dist"
SPECS = ROOT / "template_specs"
WORKBOOKS = sorted(DIST.glob("*.xlsx"))
NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "dc": "http://purl.org/dc/elements/1.1/",
    "adec": "http://schemas.microsoft.com/office/drawing/2017/decorative",
}


@cache
def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _charts(path: Path) -> list[tuple[str, ET.Element]]:
    return [
        (name, ET.fromstring(data))
        for name, data in sorted(_parts(path).items())
        if re.fullmatch(r"xl/charts/chart\d+\.xml", name)
    ]


def _fill(element: ET.Element | None) -> str | None:
    """The solid fill colour of an spPr, or a pattern's background (the series colour)."""
    if element is None:
        return None
    solid = element.find("a:solidFill/a:srgbClr", NS)
    if solid is not None:
        return "#" + solid.attrib["val"]
    pattern = element.find("a:pattFill/a:bgClr/a:srgbClr", NS)
    return None if pattern is None else "#" + pattern.attrib["val"]


def _series_colours(series: ET.Element) -> list[str]:
    """Every colour that marks a series: its fill, its points' fills, its line, its marker."""
    colours = []
    sp = series.find("c:spPr", NS)
    for found in (_fill(sp), _fill(series.find("c:marker/c:spPr", NS))):
        if found:
            colours.append(found)
    line = series.find("c:spPr/a:ln/a:solidFill/a:srgbClr", NS)
    if line is not None and series.find("c:marker", NS) is not None:
        colours.append("#" + line.attrib["val"])  # a line series: the line is the mark
    for point in series.findall("c:dPt/c:spPr", NS):
        found = _fill(point)
        if found:
            colours.append(found)
    return colours


def test_every_shipped_workbook_has_charts_checked() -> None:
    assert sum(len(_charts(path)) for path in WORKBOOKS) >= 20


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.stem)
def test_series_colours_have_3_to_1_against_the_chart_background(path: Path) -> None:
    for name, chart in _charts(path):
        background = _fill(chart.find("c:chart/c:plotArea/c:spPr", NS)) or _fill(
            chart.find("c:spPr", NS)
        )
        assert background == "#FFFFFF", name
        for series in chart.iter(f"{{{NS['c']}}}ser"):
            colours = _series_colours(series)
            assert colours, name
            for colour in colours:
                assert contrast_ratio(colour, background) >= 3.0, (name, colour)


def _look(series: ET.Element) -> tuple[str, str, str]:
    """What tells a series apart besides colour: fill pattern, dash style, marker."""
    pattern = series.find("c:spPr/a:pattFill", NS)
    dash = series.find("c:spPr/a:ln/a:prstDash", NS)
    marker = series.find("c:marker/c:symbol", NS)
    return (
        "solid" if pattern is None else pattern.attrib["prst"],
        "" if dash is None else dash.attrib["val"],
        "" if marker is None else marker.attrib["val"],
    )


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.stem)
def test_series_of_one_chart_differ_in_more_than_colour(path: Path) -> None:
    for name, chart in _charts(path):
        series = list(chart.iter(f"{{{NS['c']}}}ser"))
        looks = [_look(s) for s in series]
        assert len(set(looks)) == len(looks), (name, looks)
        if chart.find(".//c:lineChart", NS) is not None and len(series) > 1:
            assert len({look[1] for look in looks}) == len(looks)  # dashes
            assert len({look[2] for look in looks}) == len(looks)  # markers


def test_multi_series_charts_are_among_those_checked() -> None:
    counts = [
        len(list(chart.iter(f"{{{NS['c']}}}ser")))
        for path in WORKBOOKS
        for _name, chart in _charts(path)
    ]
    assert counts.count(2) >= 5


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.stem)
def test_language_is_british_english(path: Path) -> None:
    parts = _parts(path)
    core = ET.fromstring(parts["docProps/core.xml"])
    assert [e.text for e in core.findall("dc:language", NS)] == ["en-GB"]
    for name, data in parts.items():
        assert b"en-US" not in data, name
    for name, chart in _charts(path):
        lang = chart.find("c:lang", NS)
        assert lang is not None and lang.attrib["val"] == "en-GB", name


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.stem)
def test_icons_are_decorative_and_charts_say_where_their_figures_are(path: Path) -> None:
    pictures = charts = 0
    for name, data in _parts(path).items():
        if not re.fullmatch(r"xl/drawings/drawing\d+\.xml", name):
            continue
        drawing = ET.fromstring(data)
        for pic in drawing.iter(f"{{{NS['xdr']}}}pic"):
            props = pic.find("xdr:nvPicPr/xdr:cNvPr", NS)
            assert props is not None
            assert "descr" not in props.attrib, name
            mark = props.find(".//adec:decorative", NS)
            assert mark is not None and mark.attrib["val"] == "1", name
            pictures += 1
        for frame in drawing.iter(f"{{{NS['xdr']}}}graphicFrame"):
            props = frame.find("xdr:nvGraphicFramePr/xdr:cNvPr", NS)
            assert props is not None
            assert re.search(r"The figures are in the Data sheet, rows? \d+", props.attrib["descr"])
            charts += 1
    assert charts == len(_charts(path))
    if charts:
        assert pictures >= 1 or path.stem == "supplementary-return"


@cache
def _yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _required_fields() -> dict[str, set[str]]:
    """Dataset id -> names of its required fields, from the YAML."""
    found = {}
    for path in SPECS.glob("*.yaml"):
        data = _yaml(path)
        if data.get("kind") == "dataset":
            found[data["id"]] = {
                f["name"] for f in data["fields"] if f.get("constraints", {}).get("required")
            }
    return found


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.stem)
def test_required_entries_say_so_in_their_label(path: Path) -> None:
    spec = next(_yaml(p) for p in SPECS.glob("*.yaml") if _yaml(p).get("id") == path.stem)
    required = _required_fields()[spec["dataset"]]
    entries = (
        list(spec["fields"])
        if spec["kind"] == "form"
        else ["reporting_year", *spec.get("profile", []), *spec.get("measures", [])]
    )
    book = openpyxl.load_workbook(path)
    marked = 0
    for name in entries:
        ((sheet, ref),) = list(book.defined_names[name].destinations)
        _, row, _, _ = range_boundaries(ref.replace("$", ""))
        assert row is not None
        label = book[sheet].cell(row=row, column=2).value
        assert isinstance(label, str), name
        must = name == "reporting_year" or name in required
        assert label.endswith(" (required)") == must, (name, label)
        marked += must
    book.close()
    assert marked >= 2


def test_input_messages_end_on_a_whole_sentence() -> None:
    from lks_templates.layout.fields import input_message
    from lks_templates.spec.models import FieldSpec

    sentence = "Sentence number {} says e.g. 2026 is a fine year to count in."
    guidance = " ".join(sentence.format(i) for i in range(20))
    field = FieldSpec.model_validate(
        {
            "name": "f",
            "title": "Searches",
            "description": "Searches delivered.",
            "unit": "searches",
            "guidance": guidance,
        }
    )
    message = input_message(field)
    # 60 characters a sentence ("e.g." is not an end): the definition (19) and the unit (15)
    # with a space between make 35; three sentences with their spaces make 218 and a
    # fourth would make 279 (> 255); the pointer (24, and a space) makes 243.
    expected = "Searches delivered. Unit: searches. " + " ".join(
        sentence.format(i) for i in range(3)
    )
    assert message == expected + " More on the About sheet."
    assert len(message) == 243
    short = FieldSpec.model_validate({"name": "f", "title": "S", "description": "One. Two."})
    assert input_message(short) == "One. Two."


HEADER_TEXT = {"Data": ("Monthly figures", "Figures for the year"), "Checks": ("Check",)}
HEADER_TEXT["Form"] = ("Question",)


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.stem)
def test_table_headers_print_on_every_page(path: Path) -> None:
    """Print titles: the header row of each long table repeats on every printed page."""
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        if sheet.title not in HEADER_TEXT:
            assert sheet.print_title_rows is None
            continue
        # The period table's first header row: "Monthly figures: Activity".
        rows = [
            c.row
            for c in sheet["B"]
            if isinstance(c.value, str) and c.value.split(":")[0] in HEADER_TEXT[sheet.title]
        ]
        assert len(rows) == 1, sheet.title
        assert sheet.print_title_rows == f"${rows[0]}:${rows[0]}"
    book.close()


def _integer_charts(template_id: str) -> list[str]:
    """Titles of the charts whose series are all whole-number measures (from the YAML)."""
    spec = next(_yaml(p) for p in SPECS.glob("*.yaml") if _yaml(p).get("id") == template_id)
    dataset = next(_yaml(p) for p in SPECS.glob("*.yaml") if _yaml(p).get("id") == spec["dataset"])
    types = {f["name"]: (f.get("type"), f.get("unit", "")) for f in dataset["fields"]}
    return [
        chart["title"]
        for chart in spec.get("charts", [])
        if all(
            name in spec.get("measures", [])
            and types[name] == ("integer", types[name][1])
            and types[name][1] != "GBP"
            for name in chart["series"]
        )
    ]


@pytest.mark.parametrize("template_id", ["monthly-activity", "e-resources", "impact"])
def test_value_axes_of_counts_show_thousands_separators(template_id: str) -> None:
    expected = _integer_charts(template_id)
    assert expected
    axes: dict[str, list[dict[str, str] | None]] = {}
    for _name, chart in _charts(DIST / f"{template_id}.xlsx"):
        title = chart.find("c:chart/c:title", NS)
        assert title is not None
        text = "".join(t.text or "" for t in title.iter(f"{{{NS['a']}}}t"))
        axis = chart.find(".//c:valAx/c:numFmt", NS)
        axes.setdefault(text, []).append(None if axis is None else dict(axis.attrib))
    for text in expected:
        # On the Dashboard, and on the Infographic too when it is one of the first two.
        assert axes[text] and all(
            attrs == {"formatCode": "#,##0", "sourceLinked": "0"} for attrs in axes[text]
        ), text


@pytest.mark.parametrize(
    "path",
    [p for p in WORKBOOKS if "Infographic" in _parts(p)["xl/workbook.xml"].decode()],
    ids=lambda p: p.stem,
)
def test_a_long_service_name_shrinks_to_fit_the_infographic_band(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["Infographic"]
    # The band: the blue cells of the second row (the template title under the name).
    blue = [
        get_column_letter(c.column)  # type: ignore[arg-type]
        for c in sheet[2]
        if c.fill.fgColor.rgb == "FF005EB8"
    ]
    band = f"{blue[0]}1:{blue[-1]}1"
    assert band in {str(r) for r in sheet.merged_cells.ranges}
    title = sheet[f"{blue[0]}1"]
    assert isinstance(title.value, str) and title.value.startswith("=")
    assert title.alignment.shrink_to_fit is True
    book.close()
