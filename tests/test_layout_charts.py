"""Chart plans: what each chart of the shipped templates plots, checked against the specs."""

from __future__ import annotations

import calendar
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl.utils.cell import range_boundaries

from lks_templates.layout import WorkbookPlan, plan_workbook
from lks_templates.spec import load_specs

SHIPPED = Path(__file__).parent.parent / "template_specs"


def _spec(template_id: str) -> Any:
    """The template spec as plain YAML, independent of the spec models."""
    return yaml.safe_load((SHIPPED / f"{template_id}.yaml").read_text(encoding="utf-8"))


def _plan(template_id: str) -> WorkbookPlan:
    resolved = load_specs([SHIPPED]).resolve(template_id)
    assert resolved is not None
    return plan_workbook(resolved)


def _bounds(ref: str) -> tuple[str, tuple[int, int, int, int]]:
    sheet, area = ref.replace("$", "").split("!")
    min_col, min_row, max_col, max_row = range_boundaries(area)
    assert min_col and min_row and max_col and max_row
    return sheet, (min_col, min_row, max_col, max_row)


def _inside(ref: str, outer: str) -> bool:
    sheet, (c0, r0, c1, r1) = _bounds(ref)
    outer_sheet, (oc0, or0, oc1, or1) = _bounds(outer)
    return sheet == outer_sheet and oc0 <= c0 <= c1 <= oc1 and or0 <= r0 <= r1 <= or1


@pytest.mark.parametrize("template_id", ["staffing-and-finance", "supplementary-return"])
def test_single_period_charts_plot_one_bar_per_part(template_id: str) -> None:
    spec = _spec(template_id)
    assert spec["period"]["frequency"] == "annual"
    plan = _plan(template_id)
    data = plan.sheet("Data")
    dashboard = plan.sheet("Dashboard").charts
    assert [c.title for c in dashboard] == [c["title"] for c in spec["charts"]]
    for chart_spec, chart in zip(spec["charts"], dashboard, strict=True):
        # The spec's words, then where the figures are: the rows of the series' names.
        rows = [re.findall(r"\$(\d+)", plan.defined_names[n])[0] for n in chart_spec["series"]]
        where = f"row {rows[0]}" if len(rows) == 1 else "rows " + ", ".join(rows[:-1])
        where += "" if len(rows) == 1 else f" and {rows[-1]}"
        assert chart.alt_text in {
            " ".join(chart_spec["alt_text"].split()) + f" The figures are in the Data sheet, {w}."
            for w in (where, f"rows {rows[0]} to {rows[-1]}")
        }
        if len(chart_spec["series"]) == 1:
            assert (
                len(chart.series) == 1
                and chart.series[0].values == plan.defined_names[chart_spec["series"][0]]
            )
            continue
        # One series; its categories are the parts, in spec order, from hidden chart rows.
        assert len(chart.series) == 1, chart.title
        assert chart.legend is False and chart.data_labels is True
        (series,) = chart.series
        assert _inside(series.values, plan.defined_names["lks_chart_data"])
        assert _inside(series.categories, plan.defined_names["lks_chart_data"])
        _, (c0, r0, c1, r1) = _bounds(series.categories)
        assert r0 == r1 and c1 - c0 + 1 == len(chart_spec["series"])
        labels = [data.cells[(r0 - 1, col - 1)].value for col in range(c0, c1 + 1)]
        titles = _titles(template_id, chart_spec["series"])
        assert labels == titles
        # Each value cell shows the part's single period (#N/A while blank, a gap).
        _, (v0, vr, v1, _) = _bounds(series.values)
        for col, name in zip(range(v0, v1 + 1), chart_spec["series"], strict=True):
            cell = plan.defined_names[name].split("!")[1]
            assert data.cells[(vr - 1, col - 1)].formula == f'=IF({cell}="",NA(),{cell})'.replace(
                "$", ""
            )
        if chart.kind == "bar":
            assert chart.categories_in_order  # first part at the top


def _titles(template_id: str, names: list[str]) -> list[str | None]:
    """Titles of measures (from the dataset YAML) and derived figures (template YAML)."""
    dataset = yaml.safe_load((SHIPPED / "supplementary-dataset.yaml").read_text("utf-8"))
    fields = {f["name"]: f["title"] for f in dataset["fields"]}
    derived = {d["name"]: d["title"] for d in _spec(template_id).get("derived", [])}
    return [derived.get(n, fields.get(n)) for n in names]


@pytest.mark.parametrize(
    "template_id", ["e-resources", "impact", "monthly-activity", "reach-and-registration"]
)
def test_monthly_charts_plot_one_series_per_spec_series(template_id: str) -> None:
    spec = _spec(template_id)
    plan = _plan(template_id)
    charts = plan.sheet("Dashboard").charts
    # Months as text from the year's first month (calendar's names, not the library's),
    # initials where the Dashboard puts three charts a row (more than four charts).
    start = spec["period"].get("year_start_month", 4)
    months = [calendar.month_abbr[(start - 1 + i) % 12 + 1] for i in range(12)]
    expected = [m[0] for m in months] if len(charts) > 4 else months
    for chart_spec, chart in zip(spec["charts"], charts, strict=True):
        assert len(chart.series) == len(chart_spec["series"])
        assert [_texts(plan, s.categories) for s in chart.series] == [expected] * len(chart.series)
        assert chart.legend is (len(chart_spec["series"]) > 1)
        assert chart.data_labels is False


def _texts(plan: WorkbookPlan, ref: str) -> list[object]:
    """The constant text of each cell of the one-row range ``ref`` (not formulas)."""
    sheet, (c0, r0, c1, r1) = _bounds(ref)
    assert r0 == r1
    cells = plan.sheet(sheet).cells
    assert all(cells[(r0 - 1, c - 1)].formula is None for c in range(c0, c1 + 1))
    return [cells[(r0 - 1, c - 1)].value for c in range(c0, c1 + 1)]


def test_hidden_ranges_cover_every_chart_data_cell() -> None:
    """Every formula that may give #N/A (NA()) lies inside plan.hidden_ranges."""
    for resolved in load_specs([SHIPPED]).resolved():
        plan = plan_workbook(resolved)
        na_cells = [
            f"{sheet.name}!{chr(65 + col)}{row + 1}"
            for sheet in plan.sheets
            for (row, col), cell in sheet.cells.items()
            if cell.formula and "NA()" in cell.formula
        ]
        if na_cells:
            assert plan.hidden_ranges == [plan.defined_names["lks_chart_data"]]
        for cell in na_cells:
            assert any(_inside(cell, ref) for ref in plan.hidden_ranges), cell
            sheet = plan.sheet(cell.split("!")[0])
            row = int(cell.split("!")[1][1:]) - 1
            assert row in sheet.hidden_rows, cell
