"""Built workbooks recalculated by LibreOffice: period labels and single-period charts."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from engine import read_by_names, recalculate, to_pdf

from lks_templates.build import build_workbook
from lks_templates.layout import plan_workbook
from lks_templates.preview import example_values, only_sheets_visible
from lks_templates.spec import ResolvedTemplate, TemplateSpec, load_specs

SHIPPED = Path(__file__).parent.parent / "template_specs"
SPECS = load_specs([SHIPPED])

pytestmark = pytest.mark.engine


def _resolve(template_id: str) -> ResolvedTemplate:
    resolved = SPECS.resolve(template_id)
    assert resolved is not None
    return resolved


def _quarterly() -> ResolvedTemplate:
    """Monthly activity, collected by quarter instead (no shipped template is quarterly)."""
    monthly = _resolve("monthly-activity")
    data = monthly.template.model_dump()
    data["period"] = {"frequency": "quarterly", "year_start_month": 4}
    template = type(monthly.template).model_validate(data)
    return monthly.model_copy(update={"template": template})


CASES: dict[str, tuple[ResolvedTemplate, dict[str, Any] | None]] = {
    "annual-2025": (_resolve("staffing-and-finance"), {"reporting_year": 2025}),
    "annual-blank": (_resolve("staffing-and-finance"), None),
    "annual-filled": (
        _resolve("staffing-and-finance"),
        example_values(_resolve("staffing-and-finance")),
    ),
    "quarterly-2025": (_quarterly(), {"reporting_year": 2025}),
    "quarterly-blank": (_quarterly(), None),
    "monthly-2025": (_resolve("monthly-activity"), {"reporting_year": 2025}),
}


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each case built and recalculated by LibreOffice, in one batch."""
    work = tmp_path_factory.mktemp("built")
    paths = [
        build_workbook(resolved, work / f"{key}.xlsx", values=values)
        for key, (resolved, values) in CASES.items()
    ]
    done = recalculate(paths, tmp_path_factory.mktemp("computed"))
    return dict(zip(CASES, done, strict=True))


def test_annual_period_reads_as_the_nhs_year(computed: dict[str, Path]) -> None:
    assert read_by_names(computed["annual-2025"], ["lks_periods"])["lks_periods"] == ["2025-26"]
    assert read_by_names(computed["annual-blank"], ["lks_periods"])["lks_periods"] == ["Year"]


def test_quarters_read_with_the_nhs_year(computed: dict[str, Path]) -> None:
    labels = read_by_names(computed["quarterly-2025"], ["lks_periods"])["lks_periods"]
    assert labels == ["Q1 2025-26", "Q2 2025-26", "Q3 2025-26", "Q4 2025-26"]
    blank = read_by_names(computed["quarterly-blank"], ["lks_periods"])["lks_periods"]
    assert blank == ["Q1", "Q2", "Q3", "Q4"]


def test_months_stay_real_dates(computed: dict[str, Path]) -> None:
    labels = read_by_names(computed["monthly-2025"], ["lks_periods"])["lks_periods"]
    assert labels[0] == dt.datetime(2025, 4, 1)
    assert labels[9] == dt.datetime(2026, 1, 1)
    assert labels[-1] == dt.datetime(2026, 3, 1)


def test_checks_sheet_repeats_the_labels(computed: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(computed["annual-2025"], data_only=True)
    shown = [c.value for row in book["Checks"].iter_rows() for c in row]
    assert "2025-26" in shown


def test_parts_of_a_single_period_chart_hold_each_series_value(
    computed: dict[str, Path],
) -> None:
    """How the money is spent: one bar per share, each the derived figure's value."""
    resolved = _resolve("staffing-and-finance")
    shares = [
        "share_spend_staff",
        "share_spend_e_resources",
        "share_spend_print",
        "share_spend_document_supply",
        "share_spend_other",
    ]
    named = read_by_names(computed["annual-filled"], shares)
    plan = plan_workbook(resolved)
    # The spec's chart of the shares (found by its series, not by its title, which may be
    # reworded); the Dashboard places the spec's charts in order.
    assert isinstance(resolved.template, TemplateSpec)
    [index] = [i for i, c in enumerate(resolved.template.charts) if c.series == shares]
    chart = plan.sheet("Dashboard").charts[index]
    sheet, area = chart.series[0].values.replace("$", "").split("!")
    book = openpyxl.load_workbook(computed["annual-filled"], data_only=True)
    plotted = [cell.value for row in book[sheet][area] for cell in row]
    assert plotted == [named[name][0] for name in shares]
    # 380,000 of 520,000 GBP on staff (the example values in the dataset spec).
    assert plotted[0] == pytest.approx(380000 / 520000 * 100)


def test_infographic_fills_its_page(tmp_path: Path) -> None:
    """The footer line sits in the bottom fifth of the printed A4 page."""
    resolved = _resolve("monthly-activity")
    whole = build_workbook(resolved, tmp_path / "m.xlsx", values=example_values(resolved))
    only = only_sheets_visible(whole, tmp_path / "infographic.xlsx", ["Infographic"])
    [pdf] = to_pdf([only], tmp_path / "pdf")
    text = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    height = float(text.split('<page width="')[1].split('height="')[1].split('"')[0])
    footer = [line for line in text.splitlines() if ">Figures<" in line]
    assert len(footer) == 1
    y = float(footer[0].split('yMin="')[1].split('"')[0])
    assert y > 0.8 * height
