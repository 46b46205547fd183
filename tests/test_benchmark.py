"""``lks-templates benchmark`` and ``lks_templates.benchmark`` on returns built from the
shipped templates: every n, quartile, quarter and suppression recomputed with numpy from
the values typed in; hostile and left-out returns; the CSV files and their data package."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lks_templates.benchmarking.examples import example_values
from lks_templates.build import build_workbook
from lks_templates.cli import main
from lks_templates.spec import SpecSet, load_specs

SPECS = Path(__file__).parent.parent / "template_specs"
TYPES = ["Acute Large", "Community"]


@pytest.fixture(scope="module")
def specs() -> SpecSet:
    return load_specs(SPECS)


def _staffing_values(index: int) -> dict[str, Any]:
    values = example_values(load_specs(SPECS).resolve("staffing-and-finance"), index)  # type: ignore[arg-type]
    values["trust_type"] = TYPES[index % 2]
    if index in (3, 5):
        values["lks_wte_qualified"] = None  # two Community services without the KPI
    return values


@pytest.fixture(scope="module")
def returns(
    tmp_path_factory: pytest.TempPathFactory, specs: SpecSet
) -> tuple[Path, dict[int, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("returns")
    resolved = specs.resolve("staffing-and-finance")
    assert resolved is not None
    typed = {}
    for index in range(1, 13):
        typed[index] = _staffing_values(index)
        build_workbook(resolved, folder / f"s{index:02d}.xlsx", values=typed[index])
    # Hostile and left-out returns beside the good ones.
    shutil.copy(folder / "s01.xlsx", folder / "s99-copy-of-s01.xlsx")  # a duplicate: counted once
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    other = specs.resolve("impact")
    assert other is not None
    build_workbook(other, folder / "impact.xlsx", values=example_values(other, 1))
    late = dict(_staffing_values(13), reporting_year=2024)
    build_workbook(resolved, folder / "s13-old-year.xlsx", values=late)
    return folder, typed


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _kpi(values: dict[str, Any]) -> float | None:
    """staff_per_qualified_librarian worked independently: staff WTE / qualified WTE."""
    qualified = values["lks_wte_qualified"]
    return values["staff_wte_served"] / qualified if qualified else None


@pytest.fixture(scope="module")
def run(
    returns: tuple[Path, dict[int, dict[str, Any]]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, Path]:
    folder, _typed = returns
    out = tmp_path_factory.mktemp("out")
    code = main(["benchmark", str(folder), "--spec", "staffing-and-finance-peers",
                 "--out", str(out), "--specs", str(SPECS)])  # fmt: skip
    return code, out


def test_a_broken_file_costs_only_itself_and_exits_1(run: tuple[int, Path]) -> None:
    code, out = run
    assert code == 1  # as collect: some file could not be read
    problems = _read(out / "problems.csv")
    broken = [p for p in problems if p["file"].endswith("broken.xlsx")]
    assert [p["code"] for p in broken] == ["corrupt-file"]


def test_left_out_returns_say_why(run: tuple[int, Path]) -> None:
    _code, out = run
    left = {Path(p["file"]).name: p["message"] for p in _read(out / "problems.csv")
            if p["code"] == "left-out"}  # fmt: skip
    assert sorted(left) == ["impact.xlsx", "s13-old-year.xlsx", "s99-copy-of-s01.xlsx"]
    assert "not `staffing-and-finance`" in left["impact.xlsx"]
    assert "s01.xlsx" in left["s99-copy-of-s01.xlsx"]
    assert "for 2024" in left["s13-old-year.xlsx"] and "2025" in left["s13-old-year.xlsx"]


def test_same_type_statistics_match_numpy(
    run: tuple[int, Path], returns: tuple[Path, dict[int, dict[str, Any]]]
) -> None:
    _code, out = run
    _folder, typed = returns
    rows = {(r["group"], r["kpi"]): r for r in _read(out / "benchmark.csv")
            if r["peer_group"] == "same_type"}  # fmt: skip
    for index, trust_type in enumerate(TYPES):
        members = [v for i, v in typed.items() if i % 2 == index]
        values = [k for k in map(_kpi, members) if k is not None]
        row = rows[(trust_type, "staff_per_qualified_librarian")]
        assert int(row["n"]) == len(values)
        if len(values) < 5:
            assert (row["suppressed"], row["q1"], row["median"], row["q3"]) == ("true", "", "", "")
        else:
            expected = np.quantile(values, [0.25, 0.5, 0.75])
            shown = [float(row[c]) for c in ("q1", "median", "q3")]
            assert shown == pytest.approx(list(expected), rel=1e-12)
            assert row["suppressed"] == "false"
        assert (row["min"], row["max"]) == ("", "")  # show_range is false
    # Community: 6 services, 2 without qualified WTE -> n 4 < 5, suppressed; Acute Large 6.
    assert rows[("Community", "staff_per_qualified_librarian")]["n"] == "4"
    assert rows[("Acute Large", "staff_per_qualified_librarian")]["n"] == "6"
    # Suppression is statistic by statistic: Community's other KPIs are shown.
    assert rows[("Community", "spend_per_staff_wte")]["suppressed"] == "false"


def test_quarters_match_numpy(
    run: tuple[int, Path], returns: tuple[Path, dict[int, dict[str, Any]]]
) -> None:
    _code, out = run
    _folder, typed = returns
    large = [v for i, v in typed.items() if i % 2 == 0]
    values = [k for k in map(_kpi, large) if k is not None]
    cuts = np.quantile(values, [0.25, 0.5, 0.75])
    positions = [r for r in _read(out / "positions.csv")
                 if r["peer_group"] == "same_type" and r["kpi"] == "staff_per_qualified_librarian"
                 and r["group"] == "Acute Large"]  # fmt: skip
    assert len(positions) == 6
    for row in positions:
        value = float(row["value"])
        assert int(row["quartile"]) == 1 + int(np.sum(value > cuts))
        assert row["org_ods_code"].startswith("EX")


def test_nearest_groups_hold_the_service_and_ten_others(run: tuple[int, Path]) -> None:
    _code, out = run
    rows = [r for r in _read(out / "benchmark.csv") if r["peer_group"] == "nearest"
            and r["kpi"] == "spend_per_staff_wte"]  # fmt: skip
    # 12 services compared (the copy, the old year and the impact return left out).
    assert sorted(r["group"] for r in rows) == [f"EX{i:03d}" for i in range(1, 13)]
    assert {r["n"] for r in rows} == {"11"}  # itself and its 10 nearest


def test_data_package_validates(run: tuple[int, Path]) -> None:
    from frictionless import validate

    _code, out = run
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_python_api_gives_the_same_tables(
    run: tuple[int, Path], returns: tuple[Path, dict[int, dict[str, Any]]]
) -> None:
    import lks_templates

    _code, out = run
    folder, _typed = returns
    result = lks_templates.benchmark([folder], "staffing-and-finance-peers", specs=SPECS)
    assert result.returns == 12
    assert len(result.benchmark) == len(_read(out / "benchmark.csv"))
    assert list(result.positions.columns)[:12] == [
        "org_ods_code", "org_name", "peer_group", "group", "kpi", "value",
        "n", "q1", "median", "q3", "quartile", "suppressed",
    ]  # fmt: skip


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["benchmark", str(tmp_path / "nowhere"), "--spec", "x", "--out", str(tmp_path)]) == 2
    )
    assert "missing-path" in capsys.readouterr().err
    (tmp_path / "a.xlsx").write_bytes(b"")
    assert main(["benchmark", str(tmp_path), "--spec", "no-such-benchmark",
                 "--out", str(tmp_path / "o"), "--specs", str(SPECS)]) == 2  # fmt: skip
    assert "No benchmark spec has the id or file `no-such-benchmark`" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_example_returns_are_synthetic_and_deterministic(tmp_path: Path) -> None:
    args = ["example-returns", "monthly-activity", "--services", "3", "--specs", str(SPECS)]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    from lks_templates.readback import read_return

    names = []
    for path in sorted((tmp_path / "a").iterdir()):
        first = read_return(path, specs=SPECS)
        again = read_return(tmp_path / "b" / path.name, specs=SPECS)
        assert first.readable and first.problems == []
        assert (first.profile, first.measures) == (again.profile, again.measures)
        names.append(str(first.profile["org_name"]))
    assert all("Example" in name for name in names)
    assert len(set(names)) == 3


SHIPPED = ["e-resources", "impact", "monthly-activity", "reach-and-registration",
           "staffing-and-finance", "supplementary-return"]  # fmt: skip


@pytest.mark.parametrize("template", SHIPPED)
def test_every_shipped_benchmark_runs_on_example_returns(
    template: str, tmp_path: Path, specs: SpecSet
) -> None:
    from lks_templates.benchmarking import benchmark
    from lks_templates.benchmarking.examples import write_examples

    resolved = specs.resolve(template)
    assert resolved is not None
    write_examples(resolved, 6, tmp_path)
    result = benchmark([tmp_path], f"{template}-peers", specs=specs)
    assert result.returns == 6
    assert result.problems.empty  # example returns are clean and all compared
    kpis = {k.name for k in resolved.template.kpis}  # type: ignore[union-attr]
    assert set(result.benchmark["kpi"]) == kpis
    nearest = result.benchmark[result.benchmark["peer_group"] == "nearest"]
    assert set(nearest["n"]) <= {6}  # 6 services: each group is all of them
    funnels = {f.kpi for f in result.spec.funnels}
    with_funnel = result.positions.dropna(subset=["funnel_rate"])
    assert set(with_funnel["kpi"]) == funnels
