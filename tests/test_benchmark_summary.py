"""The lead's ``summary.xlsx`` from a run over example returns of the shipped monthly
template, with hostile returns beside them (a part-year return, a duplicate, a corrupt
file, a return with a blank context value and a blank KPI input): every service row and
value read back with openpyxl equals positions.csv and numpy on the values typed in;
suppressed groups show ``[c]`` and no number; each return left out is listed with the
reason problems.csv gives; the audit passes; LibreOffice recalculates no error value."""

from __future__ import annotations

import csv
import math
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

from lks_templates.audit import audit_workbook
from lks_templates.benchmarking.examples import example_values
from lks_templates.build import build_workbook
from lks_templates.cli import main
from lks_templates.spec import load_specs
from lks_templates.spec.models import BenchmarkSpec, ResolvedTemplate

SPECS = Path(__file__).parent.parent / "template_specs"
TEMPLATE, BENCHMARK = "monthly-activity", "monthly-activity-peers"
SERVICES = 30
KPI = "searches_per_1000_staff"
DATE = "2026-04-30"
Z95, Z998 = 1.959963984540054, 3.090232306167813


def _resolved() -> ResolvedTemplate:
    resolved = load_specs(SPECS).resolve(TEMPLATE)
    assert resolved is not None
    return resolved


def _peers() -> BenchmarkSpec:
    peers = load_specs(SPECS).get(BENCHMARK)
    assert isinstance(peers, BenchmarkSpec)
    return peers


KPI_TITLES = {k.name: k.title for k in _resolved().template.kpis}  # type: ignore[union-attr]
GROUP_TITLES = {g.name: g.title for g in _peers().peer_groups}


HOSTILE_NAME = '=HYPERLINK("https://example.invalid","Example 032") & "<b>"'


def _hostile(index: int) -> dict[str, Any]:
    """A compared return with a blank context value (its region), a blank input of one KPI
    (qualified staff, the divisor of searches per qualified WTE) and a name that looks like
    a formula."""
    values = example_values(_resolved(), index)
    values["nhs_region"] = None
    values["lks_wte_qualified"] = None
    values["org_name"] = HOSTILE_NAME
    return values


def _part_year(index: int) -> dict[str, Any]:
    values = example_values(_resolved(), index)
    for name in _resolved().measure_names:
        values[name] = [*values[name][:6], *[None] * 6]
    return values


@pytest.fixture(scope="module")
def typed() -> dict[str, dict[str, Any]]:
    """ODS code -> the values typed into each COMPARED return (not the left-out ones)."""
    found = [example_values(_resolved(), i) for i in range(1, SERVICES + 1)]
    found.append(_hostile(SERVICES + 2))
    return {str(v["org_ods_code"]): v for v in found}


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    returns = tmp_path_factory.mktemp("returns")
    assert main(["example-returns", TEMPLATE, "--services", str(SERVICES), "--out", str(returns),
                 "--specs", str(SPECS)]) == 0  # fmt: skip
    build_workbook(_resolved(), returns / "part-year.xlsx", values=_part_year(SERVICES + 1))
    build_workbook(_resolved(), returns / "no-region.xlsx", values=_hostile(SERVICES + 2))
    shutil.copy(returns / f"{TEMPLATE}-example-001.xlsx", returns / "zz-duplicate.xlsx")
    (returns / "corrupt.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return returns


@pytest.fixture(scope="module")
def run(returns: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    out = tmp_path_factory.mktemp("out")
    code = main(["benchmark", str(returns), "--spec", BENCHMARK, "--out", str(out),
                 "--specs", str(SPECS), "--date", DATE])  # fmt: skip
    return code, out


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _table(path: Path, sheet: str, first: str, *, cached: bool = True) -> list[dict[str, Any]]:
    """The rows of a sheet's table as dicts by header; the header row is the first whose
    column A holds ``first``."""
    rows = list(openpyxl.load_workbook(path, data_only=cached)[sheet].iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if row[0] == first)
    headers = [str(h) for h in rows[at]]
    return [dict(zip(headers, row, strict=True)) for row in rows[at + 1 :] if row[0] is not None]


def _searches(values: dict[str, Any]) -> float:
    """searches per 1,000 staff worked independently: searches summed / headcount x 1,000."""
    return float(sum(values["evidence_searches"]) / values["staff_headcount_served"] * 1000)


def test_a_corrupt_file_costs_only_itself(run: tuple[int, Path]) -> None:
    code, out = run
    assert code == 1  # as collect: some file could not be read
    assert (out / "summary.xlsx").is_file()


def test_every_service_row_equals_positions_and_numpy(
    run: tuple[int, Path], typed: dict[str, dict[str, Any]]
) -> None:
    _code, out = run
    rows = _table(out / "summary.xlsx", "Services", "ODS code")
    assert [r["ODS code"] for r in rows] == sorted(typed)
    positions = {(r["org_ods_code"], r["peer_group"], r["kpi"]): r
                 for r in _csv(out / "positions.csv")}  # fmt: skip
    checked = suppressed = 0
    for row in rows:
        code = row["ODS code"]
        values = typed[code]
        assert row["Service"] == values["org_name"]
        assert row[KPI_TITLES[KPI]] == pytest.approx(_searches(values), rel=1e-12)
        for kpi, title in KPI_TITLES.items():
            for group, group_title in GROUP_TITLES.items():
                cell = row[f"{title}: quarter in {group_title}"]
                found = positions.get((code, group, kpi))
                if found is None:
                    assert cell == "[z]"
                elif found["suppressed"] == "true":
                    assert cell == "[c]"
                    suppressed += 1
                elif found["value"] == "":
                    assert cell == "[x]"
                else:
                    assert cell == int(found["quartile"])
                    checked += 1
            own = positions.get((code, "same_type", kpi))
            assert own is not None
            if own["value"] == "":
                assert row[title] == "[x]"
            else:
                assert row[title] == pytest.approx(float(own["value"]), rel=1e-12)
        # The same-type quarter of searches per 1,000 staff, by numpy on the typed values.
        peers = [_searches(v) for v in typed.values() if v["trust_type"] == values["trust_type"]]
        quarter = row[f"{KPI_TITLES[KPI]}: quarter in {GROUP_TITLES['same_type']}"]
        if len(peers) < 5:
            assert quarter == "[c]"
        else:
            cuts = np.quantile(peers, [0.25, 0.5, 0.75])
            assert quarter == 1 + int(np.sum(_searches(values) > cuts))
    assert checked and suppressed


def test_blank_values_and_missing_groups_are_marked_and_noted(run: tuple[int, Path]) -> None:
    _code, out = run
    (row,) = [r for r in _table(out / "summary.xlsx", "Services", "ODS code")
              if r["ODS code"] == f"EX{SERVICES + 2:03d}"]  # fmt: skip
    per_wte = KPI_TITLES["searches_per_qualified_wte"]
    assert row[per_wte] == "[x]"
    # No quarter without a value; [c] first where the group is suppressed (as positions.csv).
    quarters = {row[f"{per_wte}: quarter in {t}"] for t in GROUP_TITLES.values()}
    assert "[x]" in quarters and quarters <= {"[x]", "[z]", "[c]"}
    assert row[f"{GROUP_TITLES['region']}: group"] == "[z]"
    assert {row[f"{t}: quarter in {GROUP_TITLES['region']}"] for t in KPI_TITLES.values()} == {
        "[z]"
    }
    assert f"[x] No value for {per_wte}" in row["Notes"]
    assert f"[z] No group in {GROUP_TITLES['region']}" in row["Notes"]


def test_a_name_that_looks_like_a_formula_is_text(run: tuple[int, Path]) -> None:
    _code, out = run
    book = openpyxl.load_workbook(out / "summary.xlsx")
    found = [c for row in book["Services"].iter_rows() for c in row if c.value == HOSTILE_NAME]
    assert len(found) == 1 and found[0].data_type == "s"
    with zipfile.ZipFile(out / "summary.xlsx") as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if "worksheets/" in n]
    assert not any("HYPERLINK" in f for body in sheets for f in re.findall(r"<f>[^<]*", body))


def test_quarters_are_formulas_over_their_distribution_row(run: tuple[int, Path]) -> None:
    _code, out = run
    book = openpyxl.load_workbook(out / "summary.xlsx")
    services, distributions = book["Services"], book["Distributions"]
    header = next(r for r in services.iter_rows() if r[0].value == "ODS code")
    wanted = f"{KPI_TITLES[KPI]}: quarter in {GROUP_TITLES['size']}"
    column = next(c.column_letter for c in header if c.value == wanted)
    value_column = next(c.column_letter for c in header if c.value == KPI_TITLES[KPI])
    formulas = 0
    for row in range(int(header[0].row or 0) + 1, services.max_row + 1):
        text = services[f"{column}{row}"].value
        if not (isinstance(text, str) and text.startswith("=")):
            continue
        match = re.fullmatch(
            rf"=1\+\({value_column}{row}>Distributions!\$F\$(\d+)\)"
            rf"\+\({value_column}{row}>Distributions!\$G\$\1\)"
            rf"\+\({value_column}{row}>Distributions!\$H\$\1\)",
            text,
        )
        assert match, text
        target = int(match.group(1))
        assert distributions[f"A{target}"].value == GROUP_TITLES["size"]
        assert distributions[f"D{target}"].value == KPI_TITLES[KPI]
        group_column = next(c.column_letter for c in header
                            if c.value == f"{GROUP_TITLES['size']}: group")  # fmt: skip
        assert distributions[f"B{target}"].value == services[f"{group_column}{row}"].value
        formulas += 1
    assert formulas >= 20


def test_distributions_equal_benchmark_csv(run: tuple[int, Path]) -> None:
    _code, out = run
    rows = _table(out / "summary.xlsx", "Distributions", "Peer group")
    expected = _csv(out / "benchmark.csv")
    assert len(rows) == len(expected)
    titles = {v: k for k, v in GROUP_TITLES.items()}
    kpis = {v: k for k, v in KPI_TITLES.items()}
    shown = {(titles[r["Peer group"]], r["Group"], kpis[r["KPI"]]): r for r in rows}
    for want in expected:
        row = shown[(want["peer_group"], want["group"], want["kpi"])]
        assert row["Services with a value (n)"] == int(want["n"])
        cells = [row["Lower quartile"], row["Median"], row["Upper quartile"]]
        if want["suppressed"] == "true":
            assert cells == ["[c]", "[c]", "[c]"]
            assert row["Note"].startswith("[c] Fewer than 5")
        else:
            assert cells == pytest.approx([float(want[k]) for k in ("q1", "median", "q3")])
            assert row["Note"] is None
    assert {"Minimum", "Maximum"}.isdisjoint(rows[0])  # show_range is off


def test_groups_list_their_members(run: tuple[int, Path], typed: dict[str, dict[str, Any]]) -> None:
    _code, out = run
    rows = _table(out / "summary.xlsx", "Groups", "Peer group")
    same = {r["Group"]: r["Services (ODS codes)"].split(", ") for r in rows
            if r["Peer group"] == GROUP_TITLES["same_type"]}  # fmt: skip
    by_type: dict[str, list[str]] = {}
    for code, values in sorted(typed.items()):
        by_type.setdefault(str(values["trust_type"]), []).append(code)
    assert same == by_type
    nearest = [r for r in rows if r["Peer group"] == GROUP_TITLES["nearest"]]
    assert sorted(r["Group"] for r in nearest) == sorted(typed)  # by staff served: all have it
    for row in nearest:
        members = row["Services (ODS codes)"].split(", ")
        assert len(members) == 11 and row["Group"] in members


def test_left_out_lists_every_return_with_the_reason_problems_csv_gives(
    run: tuple[int, Path],
) -> None:
    _code, out = run
    rows = _table(out / "summary.xlsx", "Left out", "File")
    by_name = {Path(r["File"]).name: r for r in rows}
    problems = _csv(out / "problems.csv")
    for problem in problems:
        if problem["code"] in ("left-out", "no-peer-group"):
            (row,) = [r for r in rows if r["File"] == problem["file"]
                      and r["Why"] == problem["message"]]  # fmt: skip
            assert row["Problem code"] == problem["code"]
    assert "covers 6 of 12 periods" in by_name["part-year.xlsx"]["Why"]
    assert by_name["part-year.xlsx"]["What is left out"] == "The whole return"
    assert f"{TEMPLATE}-example-001.xlsx" in by_name["zz-duplicate.xlsx"]["Why"]
    corrupt = [p for p in problems if p["file"].endswith("corrupt.xlsx")]
    assert by_name["corrupt.xlsx"]["Problem code"] == corrupt[0]["code"] == "corrupt-file"
    assert by_name["corrupt.xlsx"]["Why"] == corrupt[0]["message"]
    region = by_name["no-region.xlsx"]
    assert region["Problem code"] == "no-peer-group"
    assert region["What is left out"] == f"Its place in {GROUP_TITLES['region']}"
    assert sorted(by_name) == ["corrupt.xlsx", "no-region.xlsx", "part-year.xlsx",
                               "zz-duplicate.xlsx"]  # fmt: skip


def test_funnels_equal_positions_and_limits_worked_by_hand(
    run: tuple[int, Path], typed: dict[str, dict[str, Any]]
) -> None:
    """Same trust type, searches per 1,000 staff: r0 = sum of searches / sum of headcounts;
    limits r0 +/- z sqrt(r0 / n) x 1,000 for each service's headcount n."""
    _code, out = run
    wanted = (KPI_TITLES[KPI], GROUP_TITLES["same_type"])
    rows = [r for r in _table(out / "summary.xlsx", "Funnels", "KPI")
            if (r["KPI"], r["Peer group"]) == wanted]  # fmt: skip
    # Group by group (in text order), each group's services by ODS code.
    codes = [r["ODS code"] for r in rows]
    assert codes == sorted(typed, key=lambda c: (typed[c]["trust_type"], c))
    words = {"above_998": "Above the 99.8% limit", "above_95": "Above the 95% limit",
             "inside": "Inside the 95% limits", "below_95": "Below the 95% limit",
             "below_998": "Below the 99.8% limit"}  # fmt: skip
    positions = {r["org_ods_code"]: r for r in _csv(out / "positions.csv")
                 if r["kpi"] == KPI and r["peer_group"] == "same_type"}  # fmt: skip
    plotted = 0
    for row in rows:
        values = typed[row["ODS code"]]
        peers = [v for v in typed.values() if v["trust_type"] == values["trust_type"]]
        assert row["Service"] == values["org_name"]
        if len(peers) < 5:
            assert row["Rate"] == row["Upper 95% limit"] == "[c]"
            continue
        count, population = sum(values["evidence_searches"]), values["staff_headcount_served"]
        r0 = sum(sum(v["evidence_searches"]) for v in peers) / sum(
            v["staff_headcount_served"] for v in peers
        )
        spread = math.sqrt(r0 / population)
        limits = [max(r0 + z * spread, 0) * 1000 for z in (-Z998, -Z95, Z95, Z998)]
        shown = [row[k] for k in ("Lower 99.8% limit", "Lower 95% limit", "Upper 95% limit",
                                  "Upper 99.8% limit")]  # fmt: skip
        assert shown == pytest.approx(limits, rel=1e-12)
        assert row["Count"] == count and row["Population"] == population
        assert row["Rate"] == pytest.approx(count / population * 1000, rel=1e-12)
        assert row["Group rate"] == pytest.approx(r0 * 1000, rel=1e-12)
        assert row["Position"] == words[positions[row["ODS code"]]["funnel_position"]]
        plotted += 1
    assert plotted >= 5


def _charts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [archive.read(n).decode() for n in sorted(archive.namelist())
                if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]  # fmt: skip


def test_a_funnel_plot_per_funnel_kpi_and_group_shown(run: tuple[int, Path]) -> None:
    _code, out = run
    expected = set()
    for row in _csv(out / "positions.csv"):
        if row["funnel_rate"] and row["peer_group"] != "nearest":
            expected.add(f"{KPI_TITLES[row['kpi']]}: {GROUP_TITLES[row['peer_group']]} "
                         f"({row['group']})")  # fmt: skip
    titles = set()
    for body in _charts(out / "summary.xlsx"):
        title = "".join(re.findall(r"<a:t>([^<]*)</a:t>", body.split("</c:title>")[0]))
        titles.add(title.replace("&gt;", ">").replace("&lt;", "<"))
    assert titles == expected and len(expected) >= 4


def test_the_audit_passes(run: tuple[int, Path]) -> None:
    _code, out = run
    result = audit_workbook(out / "summary.xlsx")
    assert result.passed, [f.message for f in result.failures]
    merged = next(f for f in result.findings if f.item == "merged-entry")
    assert merged.message.startswith("0 merged blocks")


def test_about_states_the_run_and_its_sheets(run: tuple[int, Path]) -> None:
    _code, out = run
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames == ["About", "Services", "Distributions", "Funnels", "Funnel plots",
                               "Groups", "Left out"]  # fmt: skip
    text = "\n".join(str(r[0]) for r in book["About"].iter_rows(values_only=True) if r[0])
    assert f"{BENCHMARK} version 1.0.0, on {SERVICES + 1} returns of {TEMPLATE}" in text
    assert DATE in text and f"{SERVICES + 1} returns compared; 3 not compared: 2 left out" in text
    for sheet in book.sheetnames[1:]:
        assert re.search(rf"^{sheet}: ", text, re.M), sheet
    with zipfile.ZipFile(out / "summary.xlsx") as archive:
        custom = archive.read("docProps/custom.xml").decode()
        core = archive.read("docProps/core.xml").decode()
    for name, value in (("lks_benchmark_id", BENCHMARK), ("lks_benchmark_date", DATE),
                        ("lks_benchmark_returns", str(SERVICES + 1))):  # fmt: skip
        assert re.search(rf'name="{name}"><vt:lpwstr>{value}</vt:lpwstr>', custom)
    assert "<dc:language>en-GB</dc:language>" in core


def test_the_data_package_still_validates(run: tuple[int, Path]) -> None:
    from frictionless import validate

    _code, out = run
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_python_api_writes_the_same_bytes_on_the_same_date(
    run: tuple[int, Path], returns: Path, tmp_path: Path
) -> None:
    import datetime as dt

    import lks_templates

    _code, out = run
    lks_templates.benchmark([returns], BENCHMARK, specs=SPECS, out=tmp_path,
                            date=dt.date.fromisoformat(DATE))  # fmt: skip
    assert (tmp_path / "summary.xlsx").read_bytes() == (out / "summary.xlsx").read_bytes()


SHOW_RANGE = """\
spec: 1
kind: benchmark
id: test-staffing-range
version: 2.0.0
title: Test range
template: staffing-and-finance
kpis: [staff_per_qualified_librarian]
min_group_size: 3
show_range: true
peer_groups:
  - {name: everyone, title: Every service, same: [nhs_region]}
"""


def test_show_range_adds_minimum_and_maximum_and_no_funnel_sheets(tmp_path: Path) -> None:
    resolved = load_specs(SPECS).resolve("staffing-and-finance")
    assert resolved is not None
    typed = []
    for index in range(1, 5):
        values = dict(example_values(resolved, index), nhs_region="London")
        typed.append(values)
        build_workbook(resolved, tmp_path / f"s{index}.xlsx", values=values)
    spec = tmp_path / "range.yaml"
    spec.write_text(SHOW_RANGE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["benchmark", str(tmp_path), "--spec", str(spec), "--out", str(out),
                 "--specs", str(SPECS), "--date", DATE]) == 0  # fmt: skip
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert "Funnels" not in book.sheetnames and "Funnel plots" not in book.sheetnames
    (row,) = _table(out / "summary.xlsx", "Distributions", "Peer group")
    kpis = [v["staff_wte_served"] / v["lks_wte_qualified"] for v in typed]
    assert row["Group"] == "London" and row["Services with a value (n)"] == 4
    shown = [row[k] for k in ("Minimum", "Lower quartile", "Median", "Upper quartile", "Maximum")]
    assert shown == pytest.approx(list(np.quantile(kpis, [0, 0.25, 0.5, 0.75, 1])))
    assert audit_workbook(out / "summary.xlsx").passed
    left = _table(out / "summary.xlsx", "Left out", "File")
    assert left == [{"File": "No return was left out.", "ODS code": None,
                     "What is left out": None, "Problem code": None, "Why": None}]  # fmt: skip


@pytest.mark.engine
def test_libreoffice_recalculates_the_same_figures_and_no_error(
    run: tuple[int, Path], tmp_path: Path, soffice: str
) -> None:
    from engine import error_cells, recalculate

    _code, out = run
    (recalculated,) = recalculate([out / "summary.xlsx"], tmp_path)
    assert error_cells(recalculated) == []
    for sheet, first in (("Services", "ODS code"), ("Funnels", "KPI")):
        before = _table(out / "summary.xlsx", sheet, first)
        after = _table(recalculated, sheet, first)
        assert len(after) == len(before)
        for old, new in zip(before, after, strict=True):
            for key, value in old.items():
                if isinstance(value, float):
                    assert new[key] == pytest.approx(value, rel=1e-9), (sheet, key)
                else:
                    assert new[key] == value, (sheet, key)
