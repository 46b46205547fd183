"""Like periods only, KPIs whose inputs are in error, funnels, and a benchmark spec file,
on monthly returns built from the shipped monthly-activity template."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import pytest

from lks_templates.benchmarking.examples import example_values
from lks_templates.build import build_workbook
from lks_templates.cli import main
from lks_templates.spec import load_specs

SPECS = Path(__file__).parent.parent / "template_specs"

SPEC = """\
spec: 1
kind: benchmark
id: test-activity-peers
version: 1.0.0
title: Test peers
template: monthly-activity
kpis: [evidence_searches_ytd, searches_per_1000_staff]
min_group_size: 2
coverage: {coverage}
peer_groups:
  - {{name: everyone, same: [nhs_region]}}
funnels:
  - {{kpi: searches_per_1000_staff, numerator: SUM(evidence_searches),
      denominator: staff_headcount_served, per: 1000}}
"""


def _values(index: int, months: int = 12) -> dict[str, Any]:
    resolved = load_specs(SPECS).resolve("monthly-activity")
    assert resolved is not None
    values = example_values(resolved, index)
    values["nhs_region"] = "London"
    for name in resolved.measure_names:
        values[name] = [*values[name][:months], *[None] * (12 - months)]
    return values


def _run(tmp_path: Path, returns: dict[str, dict[str, Any]], coverage: str) -> Path:
    resolved = load_specs(SPECS).resolve("monthly-activity")
    assert resolved is not None
    folder = tmp_path / "returns"
    folder.mkdir()
    for name, values in returns.items():
        build_workbook(resolved, folder / f"{name}.xlsx", values=values)
    spec = tmp_path / "peers.yaml"
    spec.write_text(SPEC.format(coverage=coverage), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["benchmark", str(folder), "--spec", str(spec), "--out", str(out),
                 "--specs", str(SPECS)]) == 0  # fmt: skip
    return out


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _left_out(out: Path) -> dict[str, str]:
    return {Path(p["file"]).stem: p["message"] for p in _read(out / "problems.csv")
            if p["code"] == "left-out"}  # fmt: skip


def test_whole_years_only_by_default(tmp_path: Path) -> None:
    returns = {f"full{i}": _values(i) for i in range(1, 4)}
    returns["half"] = _values(9, months=6)
    out = _run(tmp_path, returns, "whole_year")
    left = _left_out(out)
    assert list(left) == ["half"]
    assert "covers 6 of 12 periods" in left["half"]
    rows = [r for r in _read(out / "benchmark.csv") if r["kpi"] == "evidence_searches_ytd"]
    assert [r["n"] for r in rows] == ["3"]


def test_same_periods_compares_the_commonest_span(tmp_path: Path) -> None:
    returns = {f"half{i}": _values(i, months=6) for i in range(1, 4)}
    returns["full"] = _values(9)
    out = _run(tmp_path, returns, "same_periods")
    left = _left_out(out)
    assert list(left) == ["full"]
    assert "m01 to m12 (12)" in left["full"] and "m01 to m06 (6)" in left["full"]
    # The year to date of April to September, summed by hand from the values typed in.
    typed = sorted(sum(returns[f"half{i}"]["evidence_searches"][:6]) for i in range(1, 4))
    row = next(r for r in _read(out / "benchmark.csv") if r["kpi"] == "evidence_searches_ytd")
    assert (row["n"], float(row["median"])) == ("3", typed[1])


def test_a_kpi_with_an_input_in_error_is_left_out_and_the_rest_counts(tmp_path: Path) -> None:
    returns = {f"s{i}": _values(i) for i in range(1, 5)}
    returns["s4"]["staff_headcount_served"] = "about four thousand"  # a type-error on read
    out = _run(tmp_path, returns, "whole_year")
    rows = {r["kpi"]: r for r in _read(out / "benchmark.csv")}
    assert rows["searches_per_1000_staff"]["n"] == "3"  # s4 left out of this KPI only
    assert rows["evidence_searches_ytd"]["n"] == "4"
    codes = [p["code"] for p in _read(out / "problems.csv") if p["file"].endswith("s4.xlsx")]
    assert "type-error" in codes


def test_funnel_limits_from_the_values_typed_in(tmp_path: Path) -> None:
    returns = {f"s{i}": _values(i) for i in range(1, 6)}
    out = _run(tmp_path, returns, "whole_year")
    searches = {f"EX{i:03d}": sum(returns[f"s{i}"]["evidence_searches"]) for i in range(1, 6)}
    staff = {f"EX{i:03d}": returns[f"s{i}"]["staff_headcount_served"] for i in range(1, 6)}
    r0 = sum(searches.values()) / sum(staff.values())
    rows = [r for r in _read(out / "positions.csv") if r["kpi"] == "searches_per_1000_staff"]
    assert len(rows) == 5
    for row in rows:
        code = row["org_ods_code"]
        n = staff[code]
        assert float(row["funnel_rate"]) == pytest.approx(searches[code] / n * 1000)
        assert float(row["funnel_group_rate"]) == pytest.approx(r0 * 1000)
        upper = (r0 + 1.959964 * math.sqrt(r0 / n)) * 1000
        lower = max(0.0, r0 - 3.090232 * math.sqrt(r0 / n)) * 1000
        assert float(row["funnel_upper_95"]) == pytest.approx(upper, rel=1e-6)
        assert float(row["funnel_lower_998"]) == pytest.approx(lower, rel=1e-6)
        rate = float(row["funnel_rate"])
        inside = float(row["funnel_lower_95"]) <= rate <= float(row["funnel_upper_95"])
        assert (row["funnel_position"] == "inside") == inside


def test_a_benchmark_spec_file_with_errors_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(SPEC.format(coverage="whole_year").replace("[nhs_region]", "[loans]"),
                    encoding="utf-8")  # fmt: skip
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "x.xlsx").write_bytes(b"")
    assert main(["benchmark", str(folder), "--spec", str(spec), "--out", str(tmp_path / "o"),
                 "--specs", str(SPECS)]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert f"{spec}:11:29: peer-field-not-context `loans` is a measure" in err
    assert not (tmp_path / "o").exists()


def test_hostile_names_are_escaped_and_missing_context_is_said(tmp_path: Path) -> None:
    returns = {f"s{i}": _values(i) for i in range(1, 4)}
    returns["s1"]["org_name"] = '=HYPERLINK("http://x","Example")'
    returns["s2"]["nhs_region"] = None
    out = _run(tmp_path, returns, "whole_year")
    names = {r["org_ods_code"]: r["org_name"] for r in _read(out / "positions.csv")}
    assert names["EX001"] == '\'=HYPERLINK("http://x","Example")'  # one extra leading '
    assert "EX002" not in names  # no region: no group, and nothing imputed
    missing = [p for p in _read(out / "problems.csv") if p["code"] == "no-peer-group"]
    assert [(Path(p["file"]).name, p["field"], p["severity"]) for p in missing] == [
        ("s2.xlsx", "nhs_region", "warning")
    ]
