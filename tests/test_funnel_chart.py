"""The funnel-chart builder: limit cells equal limits worked by hand, curves sampled at
round populations only (never at a unit's own), points marked by position, and the chart
XML accessible (3:1 colours, series told apart by dash or marker, alt text with cells)."""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import pytest

from lks_templates.benchmarking.funnel_chart import (
    Funnel,
    FunnelPoint,
    place_funnel,
    round_grid,
    service_range,
)
from lks_templates.contrast import contrast_ratio
from lks_templates.layout.model import SheetPlan, WorkbookPlan
from lks_templates.render.workbook import render_workbook


def _funnel(points: list[FunnelPoint], model: str = "poisson", per: float = 1000) -> Funnel:
    return Funnel(title="Searches per 1,000 staff", group_rate=20.0, model=model, per=per,
                  points=points, low=1000, high=20000, rate_title="Searches per 1,000 staff",
                  population_title="Staff served")  # fmt: skip


def _cells(sheet: SheetPlan, row: int) -> list[object]:
    return [sheet.cells[(row, c)].value for c in range(6)]


def test_limits_at_1000_equal_those_worked_by_hand() -> None:
    """r0 = 20 per 1,000 = 0.02; at n = 1,000: sqrt(0.02 / 1000) = 0.0044721360;
    95%: 0.02 -/+ 1.959964 x 0.0044721360 = 0.0112348 / 0.0287652; 99.8%: 0.02 -/+
    3.090232 x 0.0044721360 = 0.00618006 / 0.03381994; times 1,000."""
    sheet = SheetPlan("Benchmark")
    placed = place_funnel(sheet, _funnel([FunnelPoint("You", 5210, 26.3)]), row=0, chart_row=0)
    row = 3 + placed.grid.index(1000.0)
    x, low998, low95, rate, up95, up998 = _cells(sheet, row)
    assert x == 1000
    assert [low998, low95, rate, up95, up998] == pytest.approx(
        [6.18006, 11.23477, 20.0, 28.76523, 33.81994], abs=5e-6
    )
    # The cells are formulas of the group-rate cell and the population beside them.
    formula = sheet.cells[(row, 4)].formula
    assert formula == f"=MAX($B$2/1000+1.959963984540054*SQRT($B$2/1000/A{row + 1}),0)*1000"
    assert sheet.cells[(row, 3)].formula == "=$B$2"


def test_binomial_limits_are_cut_at_0_and_1() -> None:
    """p0 = 0.8; at n = 5: sqrt(0.8 x 0.2 / 5) = 0.178885; 99.8% upper 0.8 + 3.090232 x
    0.178885 = 1.35 -> 1 (100%); lower 0.8 - 0.5528 = 0.2472 (24.72%)."""
    funnel = Funnel("Positive", 80.0, "binomial", 100, [FunnelPoint("You", 40, 85.0)], 5, 100)
    sheet = SheetPlan("Benchmark")
    placed = place_funnel(sheet, funnel, row=0, chart_row=0)
    assert placed.grid[0] == 5
    x, low998, _low95, _rate, _up95, up998 = _cells(sheet, 3)
    assert x == 5 and up998 == 100.0
    assert low998 == pytest.approx((0.8 - 3.090232306 * math.sqrt(0.16 / 5)) * 100, abs=1e-6)


@pytest.mark.parametrize(("low", "high"), [(1000, 20000), (5, 100), (0.5, 12), (333, 777)])
def test_the_grid_holds_round_values_only(low: float, high: float) -> None:
    grid = round_grid(low, high)
    step = grid[1] - grid[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in (1, 2, 5)
    assert all(round(x / step, 9).is_integer() for x in grid)
    assert grid[0] <= low and grid[-1] >= high and 20 <= len(grid) <= 90
    assert all(repr(x) == repr(float(f"{x:.10g}")) for x in grid)  # no 0.30000000000000004


def test_the_service_range_is_made_of_its_own_population_only() -> None:
    assert service_range(5210) == (1000, 20000)
    assert service_range(47) == (5, 100)
    assert 5210 not in round_grid(*service_range(5210))


def test_points_are_marked_and_grouped_by_position() -> None:
    """At n = 10,000 the 95% limits are 20 -/+ 1.959964 x sqrt(20 / 10) = 17.228 / 22.772
    and the 99.8% limits 15.630 / 24.370."""
    points = [FunnelPoint("A", 10000, 25.0), FunnelPoint("B", 10000, 23.0),
              FunnelPoint("C", 10000, 20.0), FunnelPoint("D", 10000, 17.0),
              FunnelPoint("E", 10000, 15.0), FunnelPoint("F", 10000, 21.0)]  # fmt: skip
    sheet = SheetPlan("Benchmark")
    placed = place_funnel(sheet, _funnel(points), row=0, chart_row=0)
    assert placed.positions == ["above_998", "above_95", "inside", "below_95", "below_998",
                                "inside"]  # fmt: skip
    names = [s.name for s in placed.chart.series[5:]]
    assert names == ["Above the 99.8% limit (1)", "Above the 95% limit (1)",
                     "Inside the 95% limits (2)", "Below the 95% limit (1)",
                     "Below the 99.8% limit (1)"]  # fmt: skip
    inside = placed.chart.series[7]
    start, end = (int(n) for n in re.findall(r"\$(\d+)", inside.values))
    assert [sheet.cells[(r - 1, 0)].value for r in range(start, end + 1)] == ["C", "F"]
    assert "inside the 95% limits: 2" in placed.chart.alt_text


def _chart_xml(tmp_path: Path, funnel: Funnel) -> tuple[str, str]:
    sheet = SheetPlan("Benchmark")
    placed = place_funnel(sheet, funnel, row=20, chart_row=0)
    sheet.charts.append(placed.chart)
    path = render_workbook(WorkbookPlan("t", "1", "t", [sheet], {}, {}, {}), tmp_path / "f.xlsx")
    with zipfile.ZipFile(path) as archive:
        return (archive.read("xl/charts/chart1.xml").decode(),
                archive.read("xl/drawings/drawing1.xml").decode())  # fmt: skip


def test_the_chart_is_accessible(tmp_path: Path) -> None:
    # At n = 5,210 the 95% limits are 20 -/+ 1.959964 x sqrt(20 / 5.21) = 16.16 / 23.84.
    chart, drawing = _chart_xml(tmp_path, _funnel([FunnelPoint("Your service", 5210, 22.0)]))
    series = re.findall(r"<c:ser>.*?</c:ser>", chart, re.DOTALL)
    assert len(series) == 6
    looks = []
    for body in series:
        colours = re.findall(r'<a:srgbClr val="([0-9A-F]{6})"', body)
        assert colours and all(contrast_ratio("#" + c, "#FFFFFF") >= 3 for c in colours)
        dash = re.search(r'<a:prstDash val="(\w+)"', body)
        marker = re.search(r'<c:symbol val="(\w+)"', body)
        no_line = "<a:ln><a:noFill/></a:ln>" in body or '<a:ln w="' not in body
        looks.append((dash.group(1) if dash and not no_line else "none",
                      marker.group(1) if marker else "none"))  # fmt: skip
    # The four series in the legend differ in dash or marker; each lower limit is drawn as
    # its upper one and is left out of the legend.
    assert looks == [("solid", "none"), ("dash", "none"), ("dash", "none"),
                     ("sysDot", "none"), ("sysDot", "none"), ("none", "circle")]  # fmt: skip
    assert re.search(r'<c:legendEntry><c:idx val="2"/><c:delete val="1"/>', chart)
    assert re.search(r'<c:legendEntry><c:idx val="4"/><c:delete val="1"/>', chart)
    described = re.search(r'descr="([^"]*)"', drawing)
    assert described is not None
    text = described.group(1)
    assert "Your service: a rate of 22.0 with a population of 5,210, inside the 95% limits" in text
    assert "cells A21:F64 of sheet Benchmark (hidden rows)." in text
