"""``read`` prints the part-year note beside a KPI that sets an annual figure against part
of the year, as the KPI's tile shows it (tests/test_engine_part_year.py proves the tile).

Workbooks are built from the shipped e-resources spec with values filled in; the expected
lines are written out by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lks_templates.build import build_workbook, latest_templates
from lks_templates.cli import main
from lks_templates.rules.periods import part_year_note
from lks_templates.spec.models import Period

ROOT = Path(__file__).resolve().parent.parent
ERES = {r.template.id: r for r in latest_templates([ROOT / "template_specs"])}["e-resources"]


def _values(months: int) -> dict[str, Any]:
    """Spend £12,000, 6,000 staff; 100 requests of each kind a month for ``months``."""
    values: dict[str, Any] = {
        "reporting_year": 2025,
        "org_name": "Example Valley Hospitals NHS Foundation Trust",
        "org_ods_code": "RXX",
        "staff_headcount_served": 6000,
        "spend_e_resources": 12000,
    }
    for f in ERES.measure_fields:
        values[f.name] = [100 if i < months else None for i in range(12)]
    return values


def test_read_prints_the_note_beside_each_part_year_kpi(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build_workbook(ERES, tmp_path / "q1.xlsx", values=_values(3))
    assert main(["read", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    kpis = lines[lines.index("KPIs (recomputed from the values entered):") + 1 :]
    shown = {line.split()[0]: " ".join(line.split()[1:]) for line in kpis if line.startswith("  ")}
    # By hand: £12,000 x 3/12 / 300 requests = £10.00; 300 / 6,000 x 1,000 = 50.
    assert shown["cost_per_use"] == "£10.00 (Annual figure over 3 of 12 months)"
    assert shown["cost_per_unique_item"] == "£10.00 (Annual figure over 3 of 12 months)"
    assert shown["item_requests_per_1000_staff"] == "50 (Annual figure over 3 of 12 months)"
    assert shown["item_requests_ytd"] == "300"  # requests alone: no annual figure in it


def test_json_has_the_notes_and_a_whole_year_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    part = build_workbook(ERES, tmp_path / "q1.xlsx", values=_values(3))
    whole = build_workbook(ERES, tmp_path / "year.xlsx", values=_values(12))
    assert main(["read", "--json", str(part)]) == 0
    notes = json.loads(capsys.readouterr().out)["kpi_notes"]
    note = "Annual figure over 3 of 12 months"
    assert notes == {
        "cost_per_use": note,
        "cost_per_unique_item": note,
        "item_requests_per_1000_staff": note,
    }
    assert main(["read", "--json", str(whole)]) == 0
    assert json.loads(capsys.readouterr().out)["kpi_notes"] == {}


@pytest.mark.parametrize(
    ("frequency", "entered", "expected"),
    [
        ("monthly", 0, ""),
        ("monthly", 1, "Annual figure over 1 of 12 months"),
        ("monthly", 11, "Annual figure over 11 of 12 months"),
        ("monthly", 12, ""),
        ("quarterly", 2, "Annual figure over 2 of 4 quarters"),
        ("quarterly", 4, ""),
        ("annual", 1, ""),
    ],
)
def test_the_note_wording(frequency: str, entered: int, expected: str) -> None:
    period = Period.model_validate({"frequency": frequency, "year_start_month": 4})
    assert part_year_note(period, entered) == expected
