"""Structure of the committed workbooks in dist/, checked against the spec YAML itself.

Every expectation comes from an independent source: the YAML files under template_specs/
(read with PyYAML, not the spec models) and the defined names each workbook carries. The
workbooks are read with openpyxl and as zip parts, never through the layout's plan.
"""

from __future__ import annotations

import calendar
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook

from lks_templates import __version__

ROOT = Path(__file__).parent.parent
DIST = ROOT / "dist"
SPECS = ROOT / "template_specs"


@cache
def _yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _specs(kind: str) -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted(SPECS.glob("*.yaml")):
        data = _yaml(path)
        if data.get("kind") == kind:
            found[data["id"]] = data
    return found


DATASETS = _specs("dataset")
SHIPPED = {**_specs("template"), **_specs("form")}


def _fields(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in DATASETS[spec["dataset"]]["fields"]}


def _in_entry_order(spec: dict[str, Any], names: list[str]) -> list[str]:
    """Names grouped by section (sections in order of first appearance), else in order."""
    fields = _fields(spec)
    sections: list[str] = []
    for name in names:
        section = fields[name].get("section", "")
        if section not in sections:
            sections.append(section)
    return [n for s in sections for n in names if fields[n].get("section", "") == s]


@pytest.fixture(scope="module", params=sorted(SHIPPED))
def built(request: pytest.FixtureRequest) -> Iterator[tuple[dict[str, Any], Workbook, Path]]:
    spec = SHIPPED[request.param]
    path = DIST / f"{spec['id']}.xlsx"
    book = openpyxl.load_workbook(path)
    yield spec, book, path
    book.close()


def _cells(book: Workbook, name: str) -> list[tuple[str, str]]:
    """(sheet, A1) of every cell a defined name refers to, row by row."""
    found = []
    for sheet, ref in book.defined_names[name].destinations:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        # A cell range, never whole rows or columns (which would leave a bound None).
        assert min_col and min_row and max_col and max_row, ref
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                found.append((sheet, f"{get_column_letter(col)}{row}"))
    return found


def _inputs(spec: dict[str, Any]) -> list[str]:
    """Input names in entry order, from the YAML alone."""
    if spec["kind"] == "form":
        return list(spec["fields"])
    profile = ["reporting_year", *_in_entry_order(spec, spec.get("profile", []))]
    measures = _in_entry_order(spec, spec.get("measures", []))
    if measures and spec["period"]["frequency"] != "annual":
        # Several periods: the period table comes first, its header near the top (frozen).
        return [*measures, *profile]
    return [*profile, *measures]


def _expected_validation(field: dict[str, Any]) -> tuple[str | None, list[str]]:
    """openpyxl's type of the field's validation, and the bounds it should carry."""
    constraints = field.get("constraints", {})
    kind = field.get("type", "string")
    if "enum" in constraints:
        return "list", ['"' + ",".join(constraints["enum"]) + '"']
    if kind == "boolean":
        return "list", ['"Yes,No"']
    if kind in ("integer", "number"):
        bounds = [constraints[k] for k in ("minimum", "maximum") if k in constraints]
        return ("whole" if kind == "integer" else "decimal"), [_number(b) for b in bounds]
    if kind == "date":
        return "date", []
    bounds = [constraints[k] for k in ("minLength", "maxLength") if k in constraints]
    return ("textLength" if bounds else None), [str(b) for b in bounds]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def test_sheets_and_custom_properties(built: tuple[dict[str, Any], Workbook, Path]) -> None:
    spec, book, _ = built
    if spec["kind"] == "form":
        assert book.sheetnames == ["About", "Form", "Checks"]
    else:
        infographic = ["Infographic"] if spec.get("infographic", True) else []
        assert book.sheetnames == ["About", "Data", "Checks", "Dashboard", *infographic]
    props = {p.name: p.value for p in book.custom_doc_props.props}  # type: ignore[attr-defined]
    assert set(props) == {
        "lks_template_id",
        "lks_template_version",
        "lks_spec_sha256",
        "lks_generator_version",
    }
    assert props["lks_template_id"] == spec["id"]
    assert props["lks_template_version"] == spec["version"]
    assert re.fullmatch(r"[0-9a-f]{64}", props["lks_spec_sha256"])
    assert props["lks_generator_version"] == __version__


def test_every_sheet_is_protected_without_a_password(
    built: tuple[dict[str, Any], Workbook, Path],
) -> None:
    _, book, _ = built
    for sheet in book.worksheets:
        assert sheet.protection.sheet is True, sheet.title
        assert not sheet.protection.password, sheet.title
        assert not sheet.protection.hashValue, sheet.title


def test_every_input_has_validation_of_its_type(
    built: tuple[dict[str, Any], Workbook, Path],
) -> None:
    spec, book, _ = built
    fields = _fields(spec)
    for name in _inputs(spec):
        if name == "reporting_year":
            expected: tuple[str | None, list[str]] = ("whole", ["2000", "2099"])
        else:
            expected = _expected_validation(fields[name])
        for sheet_name, a1 in _cells(book, name):
            rules = [
                dv for dv in book[sheet_name].data_validations.dataValidation if a1 in dv.sqref
            ]
            assert len(rules) == 1, (name, a1)
            rule = rules[0]
            assert rule.type == expected[0], (name, rule.type)
            found = [f for f in (rule.formula1, rule.formula2) if f is not None]
            assert found[: len(expected[1])] == expected[1] or expected[0] == "date", name
            assert rule.prompt, name  # the definition shows as the input message
            if rule.type is not None:
                assert rule.error and rule.errorStyle in (None, "stop"), name


def test_inputs_unlocked_everything_else_locked(
    built: tuple[dict[str, Any], Workbook, Path],
) -> None:
    spec, book, _ = built
    inputs = {cell for name in _inputs(spec) for cell in _cells(book, name)}
    unlocked = {
        (sheet.title, cell.coordinate)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.protection.locked is False
    }
    assert unlocked == inputs


def test_tab_order_is_entry_order(built: tuple[dict[str, Any], Workbook, Path]) -> None:
    """Tab moves through unlocked cells row by row, left to right: that must be the order
    a return is filled in (each measure across its periods, then the profile, where a year
    has several periods; the profile first in an annual return)."""
    spec, book, _ = built
    owner = {cell: name for name in _inputs(spec) for cell in _cells(book, name)}
    sheet = "Form" if spec["kind"] == "form" else "Data"
    tabbed = sorted(
        (cell for cell in owner if cell[0] == sheet), key=lambda c: coordinate_to_tuple(c[1])
    )
    names = [owner[cell] for cell in tabbed]
    expected = []
    for name in _inputs(spec):
        expected += [name] * len(_cells(book, name))
    assert names == expected


# --- charts, from the zip's XML -------------------------------------------------------------


@dataclass
class Series:
    values: str
    categories: str


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part of ``part``."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    text = archive.read(rels).decode()
    found = {}
    for tag in re.findall(r"<Relationship [^>]*>", text):
        rid = re.search(r'Id="([^"]+)"', tag)
        target = re.search(r'Target="([^"]+)"', tag)
        assert rid and target
        found[rid.group(1)] = posixpath.normpath(posixpath.join(folder, target.group(1)))
    return found


def charts_by_sheet(path: Path) -> dict[str, list[list[Series]]]:
    """Sheet name -> its charts (in drawing order), each a list of series."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        sheet_rels = _rels(archive, "xl/workbook.xml")
        found: dict[str, list[list[Series]]] = {}
        for name, rid in re.findall(
            r'<sheet name="([^"]+)" sheetId="\d+" r:id="([^"]+)"', workbook
        ):
            charts: list[list[Series]] = []
            for drawing in _rels(archive, sheet_rels[rid]).values():
                if "/drawings/" not in drawing:
                    continue
                drawing_xml = archive.read(drawing).decode()
                targets = _rels(archive, drawing)
                for chart_rid in re.findall(r'<c:chart [^>]*r:id="([^"]+)"', drawing_xml):
                    xml = archive.read(targets[chart_rid]).decode()
                    charts.append(
                        [
                            Series(
                                _ref(block, "c:val"),
                                _ref(block, "c:cat"),
                            )
                            for block in re.findall(r"<c:ser>.*?</c:ser>", xml, re.DOTALL)
                        ]
                    )
            found[name] = charts
    return found


def _ref(series: str, tag: str) -> str:
    match = re.search(rf"<{tag}>.*?<c:f>(.*?)</c:f>", series, re.DOTALL)
    assert match is not None, tag
    return match.group(1)


def _box(ref: str) -> tuple[str, int, int, int, int]:
    sheet, area = ref.replace("$", "").split("!")
    min_col, min_row, max_col, max_row = range_boundaries(area)
    return sheet, min_col or 0, min_row or 0, max_col or 0, max_row or 0


def _within(ref: str, outer: str) -> bool:
    sheet, c0, r0, c1, r1 = _box(ref)
    outer_sheet, oc0, or0, oc1, or1 = _box(outer)
    return sheet == outer_sheet and oc0 <= c0 <= c1 <= oc1 and or0 <= r0 <= r1 <= or1


TEMPLATES = sorted(_specs("template"))


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_charts_and_their_ranges(template_id: str) -> None:
    spec = SHIPPED[template_id]
    path = DIST / f"{template_id}.xlsx"
    book = openpyxl.load_workbook(path)
    names = {name: book.defined_names[name].attr_text for name in book.defined_names}
    periods = len(_cells(book, "lks_periods"))
    found = charts_by_sheet(path)
    sheets = {"Dashboard": spec["charts"]}
    if spec.get("infographic", True):
        sheets["Infographic"] = spec["charts"][:2]
    for sheet, chart_specs in sheets.items():
        charts = found[sheet]
        assert len(charts) == len(chart_specs), sheet
        for chart_spec, series in zip(chart_specs, charts, strict=True):
            _check_chart(chart_spec, series, names, periods, set(spec["measures"]))
            for one in series:
                _check_categories(book, one.categories, names, len(chart_specs) > 4, spec)
    hidden = book["Data"]
    _, _, first, _, last = _box(names["lks_chart_data"])
    assert all(hidden.row_dimensions[r].hidden for r in range(first, last + 1))


def _check_categories(
    book: Workbook, ref: str, names: dict[str, str], narrow: bool, spec: dict[str, Any]
) -> None:
    """A monthly chart's categories are the months as text in a hidden chart row under
    the period columns (initials in the Dashboard's narrow charts, three a row)."""
    if spec["period"]["frequency"] != "monthly":
        return  # quarters and years: text already (lks_periods, or the part rows)
    _, c0, r0, c1, r1 = _box(ref)
    assert _within(ref, names["lks_chart_data"]) and r0 == r1
    assert (c0, c1) == _box(names["lks_periods"])[1:4:2]
    start = spec["period"].get("year_start_month", 1)
    months = [calendar.month_abbr[(start - 1 + i) % 12 + 1] for i in range(12)]
    row = [book["Data"].cell(r0, c).value for c in range(c0, c1 + 1)]
    assert row == ([m[0] for m in months] if narrow else months)


def _check_chart(
    chart_spec: dict[str, Any],
    series: list[Series],
    names: dict[str, str],
    periods: int,
    measures: set[str],
) -> None:
    wanted = chart_spec["series"]
    parts = len(wanted) > 1 and (periods == 1 or chart_spec.get("type") in ("pie", "doughnut"))
    if parts:  # one series; each spec series is one category, from the hidden chart rows
        assert len(series) == 1
        (only,) = series
        for ref in (only.values, only.categories):
            assert _within(ref, names["lks_chart_data"])
            _, c0, r0, c1, r1 = _box(ref)
            assert (r1 - r0 + 1, c1 - c0 + 1) == (1, len(wanted))
        return
    assert len(series) == len(wanted)
    for name, one in zip(wanted, series, strict=True):
        if name in measures and not chart_spec.get("cumulative", False):
            assert one.values == names[name]  # straight from the input row: blanks are gaps
            continue
        # A derived figure or a year-to-date series: a hidden chart row, period for period.
        assert _within(one.values, names["lks_chart_data"]), (chart_spec["title"], name)
        _, c0, _, c1, _ = _box(one.values)
        _, m0, _, m1, _ = _box(names[name])
        assert (c0, c1) == (m0, m1)
