"""The Data sheet on screen and on paper: a long name fits its box; the sheet prints on a page."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from engine import pdf_page_count, to_pdf

from lks_templates.build import build_workbook
from lks_templates.layout import plan_workbook
from lks_templates.layout.model import SheetPlan
from lks_templates.preview import example_values, only_sheets_visible
from lks_templates.spec import ResolvedTemplate, load_specs

SHIPPED = Path(__file__).parent.parent / "template_specs"
NAME = "Example Valley Hospitals NHS Foundation Trust"  # the dataset spec's example org_name
LONG_NAME = 50  # characters: a long trust name, NAME with room to spare
POINTS_PER_LINE = 12.75  # Excel's default row height for Arial 10


def _resolve(template_id: str) -> ResolvedTemplate:
    resolved = load_specs([SHIPPED]).resolve(template_id)
    assert resolved is not None
    return resolved


def _data(template_id: str) -> tuple[SheetPlan, int, int]:
    """The Data sheet plan and the (row, column) of its org_name entry cell."""
    plan = plan_workbook(_resolve(template_id))
    ref = plan.defined_names["org_name"].split("!")[1].replace("$", "")
    col = ord(ref[0]) - ord("A")
    return plan.sheet("Data"), int(ref[1:]) - 1, col


def test_an_annual_entry_box_holds_a_long_name_on_one_line() -> None:
    sheet, _row, col = _data("staffing-and-finance")
    # Column widths count characters of the font's widest digit; letters are narrower.
    assert sheet.column_widths[col] >= LONG_NAME
    assert len(NAME) <= LONG_NAME


@pytest.mark.parametrize("template_id", ["monthly-activity", "reach-and-registration"])
def test_a_period_grid_entry_box_holds_a_long_name_on_two_lines(template_id: str) -> None:
    sheet, row, col = _data(template_id)
    assert sheet.column_widths[col] >= math.ceil(LONG_NAME / 2)
    assert sheet.row_heights[row] >= 2 * POINTS_PER_LINE
    assert "wrap" in sheet.cells[(row, col)].style
    # The other period columns keep the grid's width: only D is wider.
    widths = {sheet.column_widths[c] for c in range(col + 1, col + 12)}
    assert widths == {11.0}


def test_short_entries_keep_one_line() -> None:
    plan = plan_workbook(_resolve("monthly-activity"))
    # An ODS code has a pattern and a drop-down list has its choices: both fit a period column.
    for name in ("org_ods_code", "trust_type"):
        ref = plan.defined_names[name].split("!")[1].replace("$", "")
        assert int(ref[1:]) - 1 not in plan.sheet("Data").row_heights, name


@pytest.mark.engine
def test_annual_data_sheets_print_on_one_page(tmp_path: Path) -> None:
    """LibreOffice prints each filled annual Data sheet on a single portrait A4 page."""
    only = []
    for template_id in ("staffing-and-finance", "supplementary-return"):
        resolved = _resolve(template_id)
        whole = build_workbook(
            resolved, tmp_path / f"{template_id}.xlsx", values=example_values(resolved)
        )
        only.append(only_sheets_visible(whole, tmp_path / f"{template_id}-data.xlsx", ["Data"]))
    pdfs = to_pdf(only, tmp_path / "pdf")
    assert [pdf_page_count(pdf) for pdf in pdfs] == [1, 1]
