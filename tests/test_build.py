"""Built workbooks, inspected with openpyxl and as zip parts: the workbook contract holds."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from lks_templates import __version__
from lks_templates.build import Values, build_workbook
from lks_templates.layout import WorkbookPlan, plan_workbook
from lks_templates.spec import ResolvedTemplate, load_specs

SHIPPED = Path(__file__).parent.parent / "template_specs"


@pytest.fixture(scope="module")
def built(example: ResolvedTemplate, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workbook(example, tmp_path_factory.mktemp("built") / "monthly-activity.xlsx")


def test_sheets_names_and_properties(
    built: Path, plan: WorkbookPlan, example: ResolvedTemplate
) -> None:
    book = openpyxl.load_workbook(built)
    assert book.sheetnames == ["About", "Data", "Checks", "Dashboard", "Infographic"]
    found = {name: book.defined_names[name].attr_text for name in book.defined_names}
    assert found == plan.defined_names
    assert found["reporting_year"].startswith("Data!$D$")
    # Set in openpyxl's Workbook.__init__; types-openpyxl does not declare it.
    props = {p.name: p.value for p in book.custom_doc_props.props}  # type: ignore[attr-defined]
    assert props == {
        "lks_template_id": "monthly-activity",
        "lks_template_version": "1.0.0",
        "lks_spec_sha256": example.sha256(),
        "lks_generator_version": __version__,
    }
    assert book.properties.created is not None
    assert book.properties.created.year == 2026


def test_validation_protection_and_unlocked_inputs(built: Path, plan: WorkbookPlan) -> None:
    book = openpyxl.load_workbook(built)
    for sheet in book.worksheets:
        assert sheet.protection.sheet is True, sheet.title
        assert not sheet.protection.password, sheet.title
        assert sheet.protection.formatColumns is False  # False = allowed, in OOXML terms
    for name, cells in plan.inputs.items():
        for sheet_name, a1 in cells:
            sheet = book[sheet_name]
            assert sheet[a1].protection.locked is False, (name, a1)
            rules = [dv for dv in sheet.data_validations.dataValidation if a1 in dv.sqref]
            assert len(rules) == 1, (name, a1)
            assert rules[0].promptTitle and rules[0].prompt
    data = book["Data"]
    for sheet_name, a1 in plan.formulas:
        assert book[sheet_name][a1].protection.locked is True
    assert data.freeze_panes is not None
    assert not data.merged_cells.ranges


def test_formulas_are_written_as_planned(built: Path, plan: WorkbookPlan) -> None:
    book = openpyxl.load_workbook(built)
    for (sheet_name, a1), text in plan.formulas.items():
        assert book[sheet_name][a1].value == text


def test_dashboard_prints_on_one_a4_landscape_page(built: Path) -> None:
    dash = openpyxl.load_workbook(built)["Dashboard"]
    assert dash.page_setup.orientation == "landscape"
    assert dash.page_setup.paperSize == 9
    fit = dash.sheet_properties.pageSetUpPr
    assert fit is not None and fit.fitToPage is True
    # OOXML's default for both is 1, which xlsxwriter leaves out.
    assert dash.page_setup.fitToWidth in (None, 1)
    assert dash.page_setup.fitToHeight in (None, 1)
    assert dash.print_area is not None


def _chart_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {
            n: archive.read(n).decode()
            for n in archive.namelist()
            if re.fullmatch(r"xl/(charts/chart\d+|drawings/drawing\d+)\.xml", n)
        }


def test_charts_bound_to_data_with_titles_and_alt_text(built: Path, plan: WorkbookPlan) -> None:
    parts = _chart_parts(built)
    charts = [text for name, text in parts.items() if "/charts/" in name]
    # Two charts on the Dashboard and the same two on the Infographic.
    assert len(charts) == 4
    values = sorted(v for text in charts for v in re.findall(r"<c:val>.*?<c:f>(.*?)</c:f>", text))
    searches = plan.defined_names["evidence_searches"]
    assert values.count(searches) == 2
    # The derived series is plotted from a hidden chart-data row (gaps as #N/A).
    hidden = plan.defined_names["lks_chart_data"]
    others = [v for v in values if v != searches]
    assert len(others) == 2 and all(v.startswith("Data!$D$") for v in others)
    assert all(
        int(re.findall(r"\d+", v)[0]) >= int(re.findall(r"\$(\d+)", hidden)[0]) for v in others
    )
    for text in charts:
        assert "<c:title>" in text
        assert "<c:plotVisOnly" not in text  # absent: hidden chart-data rows are plotted
        # The months as text from a hidden chart-data row, under the period columns.
        cats = re.findall(r"<c:cat>.*?<c:f>(.*?)</c:f>", text)
        periods = plan.defined_names["lks_periods"]
        first_hidden = int(re.findall(r"\$(\d+)", hidden)[0])
        assert cats and all(c != periods for c in cats)
        assert all(int(re.findall(r"\$(\d+)", c)[0]) >= first_hidden for c in cats)
        assert all(re.sub(r"\d+", "", c) == re.sub(r"\d+", "", periods) for c in cats)
    drawings = [text for name, text in parts.items() if "/drawings/" in name]
    descriptions = [d for text in drawings for d in re.findall(r'descr="([^"]+)"', text)]
    # What the chart shows, its months and where its figures are (the row of its name).
    row = re.findall(r"\$(\d+)", searches)[0]
    assert (
        "Column chart of evidence searches by month, April to March. "
        f"The figures are in the Data sheet, row {row}."
    ) in descriptions


def test_rebuild_is_byte_identical_with_fixed_zip_times(
    example: ResolvedTemplate, tmp_path: Path
) -> None:
    first = build_workbook(example, tmp_path / "a" / "x.xlsx").read_bytes()
    second = build_workbook(example, tmp_path / "b" / "x.xlsx").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "a" / "x.xlsx") as archive:
        stamps = {info.date_time for info in archive.infolist()}
    assert len(stamps) == 1 and next(iter(stamps))[0] == 1980  # not the time of the build
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["x.xlsx"]  # no temp files


def test_values_fill_input_cells(
    example: ResolvedTemplate, tmp_path: Path, plan: WorkbookPlan
) -> None:
    values: Values = {
        "reporting_year": 2026,
        "org_name": "Example Trust",
        "evidence_searches": [5, None, 7],
    }
    path = build_workbook(example, tmp_path / "filled.xlsx", values=values)
    book = openpyxl.load_workbook(path)
    sheet_name, a1 = plan.inputs["reporting_year"][0]
    assert book[sheet_name][a1].value == 2026
    cells = [book[s][c].value for s, c in plan.inputs["evidence_searches"][:4]]
    assert cells == [5, None, 7, None]
    assert book[sheet_name][plan.inputs["org_name"][0][1]].value == "Example Trust"
    assert book[sheet_name][a1].protection.locked is False


def test_every_shipped_template_builds_without_xlsxwriter_warnings(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for resolved in load_specs([SHIPPED]).resolved():
            path = build_workbook(resolved, tmp_path / f"{resolved.template.id}.xlsx")
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None


def test_values_are_typed_as_staff_would_type_them(tmp_path: Path) -> None:
    shipped = load_specs([SHIPPED])
    form = next(r for r in shipped.resolved() if r.is_form)
    fields = {f.type: f.name for f in form.profile_fields}
    assert {"date", "boolean"} <= set(fields)
    values: Values = {fields["date"]: "2026-04-02", fields["boolean"]: True}
    plan = plan_workbook(form)
    book = openpyxl.load_workbook(build_workbook(form, tmp_path / "form.xlsx", values=values))
    date_sheet, date_cell = plan.inputs[fields["date"]][0]
    # 2 April 2026 is serial day 46114; openpyxl reads the dd/mm/yyyy cell back as a date.
    assert book[date_sheet][date_cell].value.date() == dt.date(2026, 4, 2)
    bool_sheet, bool_cell = plan.inputs[fields["boolean"]][0]
    assert book[bool_sheet][bool_cell].value == "Yes"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_written_files_get_the_mode_of_a_new_file(
    example: ResolvedTemplate, tmp_path: Path, umask: int, mode: int
) -> None:
    """Not mkstemp's private 0o600: what ``open()`` would give under the umask."""
    from lks_templates.atomic import write_text_atomically

    old = os.umask(umask)
    try:
        workbook = build_workbook(example, tmp_path / "w.xlsx")
        text = write_text_atomically(tmp_path / "README.md", "x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(workbook.stat().st_mode) == mode
    assert stat.S_IMODE(text.stat().st_mode) == mode
