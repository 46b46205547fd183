"""Each service's benchmark workbook (``services/<ODS code>.xlsx``) from a run over example
returns: no other service's name, code or value in any zip part; n, quartiles and quarter
read back with openpyxl equal numpy's on the values typed in; suppression shows ``[c]``;
the accessibility audit passes; the same ``--date`` gives the same bytes."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

from lks_templates.audit import audit_workbook
from lks_templates.benchmarking.examples import example_values
from lks_templates.cli import main
from lks_templates.spec import load_specs

SPECS = Path(__file__).parent.parent / "template_specs"
SERVICES = 24
KPI = "staff_per_qualified_librarian"


def _titles() -> tuple[str, dict[str, str]]:
    """The KPI's title and the peer groups' titles, as the shipped specs give them (so an
    edit of their wording breaks no test here)."""
    from lks_templates.spec.models import BenchmarkSpec

    loaded = load_specs(SPECS)
    resolved, peers = loaded.resolve("staffing-and-finance"), loaded.get(BENCHMARK)
    assert resolved is not None and isinstance(peers, BenchmarkSpec)
    kpi = next(k.title for k in resolved.template.kpis if k.name == KPI)  # type: ignore[union-attr]
    return kpi, {g.name: g.title for g in peers.peer_groups}


BENCHMARK = "staffing-and-finance-peers"
KPI_TITLE, GROUP_TITLES = _titles()
HEADER_ROW = 8
"""1-based row of the table's headers."""


def _typed() -> dict[str, dict[str, Any]]:
    """ODS code -> the values example-returns typed into that service's return."""
    resolved = load_specs(SPECS).resolve("staffing-and-finance")
    assert resolved is not None
    found = [example_values(resolved, i) for i in range(1, SERVICES + 1)]
    return {str(v["org_ods_code"]): v for v in found}


def _kpi(values: dict[str, Any]) -> float | None:
    """staff_per_qualified_librarian worked independently: staff WTE / qualified WTE."""
    qualified = values["lks_wte_qualified"]
    return values["staff_wte_served"] / qualified if qualified else None


def _benchmark(returns: Path, out: Path) -> int:
    return main(["benchmark", str(returns), "--spec", "staffing-and-finance-peers",
                 "--out", str(out), "--specs", str(SPECS), "--date", "2026-04-30"])  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    returns = tmp_path_factory.mktemp("returns")
    assert main(["example-returns", "staffing-and-finance", "--services", str(SERVICES),
                 "--out", str(returns), "--specs", str(SPECS)]) == 0  # fmt: skip
    out = tmp_path_factory.mktemp("out")
    assert _benchmark(returns, out) == 0
    return returns, out


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n).decode("utf-8", "replace") for n in archive.namelist()}


def _table(path: Path, *, cached: bool = True) -> list[tuple[Any, ...]]:
    """The table's rows: cached values, or formulas where ``cached`` is false."""
    sheet = openpyxl.load_workbook(path, data_only=cached)["Benchmark"]
    assert [c.value for c in sheet[HEADER_ROW]][:3] == ["KPI", "Your value", "Peer group"]
    return [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]


def test_one_workbook_per_service(run: tuple[Path, Path]) -> None:
    _returns, out = run
    names = sorted(p.name for p in (out / "services").iterdir())
    assert names == [f"EX{i:03d}.xlsx" for i in range(1, SERVICES + 1)]


def test_no_other_service_named_or_coded_in_any_part(run: tuple[Path, Path]) -> None:
    _returns, out = run
    typed = _typed()
    for code, values in typed.items():
        parts = _parts(out / "services" / f"{code}.xlsx")
        text = "\n".join(parts.values())
        assert code in text and str(values["org_name"]) in text  # its own are there
        for other, theirs in typed.items():
            if other == code:
                continue
            for part, body in parts.items():
                assert other not in body, (code, part, other)
                assert str(theirs["org_name"]) not in body, (code, part, other)


def _numbers(parts: dict[str, str]) -> set[float]:
    """Every number cached in a cell (``<v>``) or a chart (``<c:v>``) of any part."""
    found: set[float] = set()
    for body in parts.values():
        for match in re.finditer(r"<(?:c:)?v>([^<]*)</(?:c:)?v>", body):
            try:
                found.add(round(float(match.group(1)), 9))
            except ValueError:
                continue  # a shared-string index is text-free too, but not a number here
    return found


def test_no_other_services_value_is_cached(run: tuple[Path, Path]) -> None:
    """Each number in the file is one of the service's own rows of positions.csv (its value,
    an n, a quartile, its quarter); another service's value appears only where it equals
    one of those (a quartile of five values is one of them)."""
    _returns, out = run
    typed = _typed()
    kpis = {c: _kpi(v) for c, v in typed.items()}
    with (out / "positions.csv").open(encoding="utf-8", newline="") as handle:
        positions = list(csv.DictReader(handle))
    for code in typed:
        path = out / "services" / f"{code}.xlsx"
        own = [r for r in positions if r["org_ods_code"] == code]
        allowed = {round(float(r[c]), 9) for r in own
                   for c in ("value", "n", "q1", "median", "q3", "quartile") if r[c]}  # fmt: skip
        # Shared-string indexes are cached numbers too: allow 0 .. count of strings.
        strings = _parts(path)["xl/sharedStrings.xml"].count("<si>")
        allowed |= {float(i) for i in range(strings + 1)}
        found = _numbers(_parts(path))
        assert found <= allowed, (code, sorted(found - allowed)[:5])
        for other, value in kpis.items():
            if other != code and value is not None and round(value, 9) not in allowed:
                assert round(value, 9) not in found


def test_n_quartiles_and_quarter_match_numpy(run: tuple[Path, Path]) -> None:
    _returns, out = run
    typed = _typed()
    checked = suppressed = 0
    for code, values in typed.items():
        peers = [v for v in typed.values() if v["trust_type"] == values["trust_type"]]
        kpis = [k for k in map(_kpi, peers) if k is not None]
        rows = [r for r in _table(out / "services" / f"{code}.xlsx")
                if r[0] == KPI_TITLE and r[2] == GROUP_TITLES["same_type"]]  # fmt: skip
        assert len(rows) == 1
        row = rows[0]
        own = _kpi(values)
        assert own is not None and row[1] == pytest.approx(own, rel=1e-12)
        assert row[4] == len(kpis)
        assert row[3].startswith(f"{len(peers)} service")
        assert str(values["trust_type"]) in row[3]
        if len(kpis) < 5:
            assert row[5:9] == ("[c]", "[c]", "[c]", "[c]")
            assert row[9].startswith("[c] Fewer than 5 services")
            suppressed += 1
            continue
        cuts = np.quantile(kpis, [0.25, 0.5, 0.75])
        assert list(row[5:8]) == pytest.approx(list(cuts), rel=1e-12)
        assert row[8] == 1 + int(np.sum(own > cuts))
        checked += 1
        formulas = [r for r in _table(out / "services" / f"{code}.xlsx", cached=False)
                    if r[0] == KPI_TITLE and r[2] == GROUP_TITLES["same_type"]]  # fmt: skip
        assert re.fullmatch(r"=1\+\(B(\d+)>F\1\)\+\(B\1>G\1\)\+\(B\1>H\1\)", formulas[0][8])
    assert checked and suppressed  # both branches are exercised by this run


def test_method_and_vintage_are_stated(run: tuple[Path, Path]) -> None:
    _returns, out = run
    book = openpyxl.load_workbook(out / "services" / "EX001.xlsx")
    text = " ".join(str(c.value) for row in book["Benchmark"].iter_rows() for c in row[:1])
    assert f"staffing-and-finance-peers version 1.0.0, on {SERVICES} returns" in text
    assert "2026-04-30" in text
    custom = _parts(out / "services" / "EX001.xlsx")["docProps/custom.xml"]
    for name, value in (("lks_benchmark_id", "staffing-and-finance-peers"),
                        ("lks_benchmark_version", "1.0.0"), ("lks_benchmark_date", "2026-04-30"),
                        ("lks_benchmark_returns", str(SERVICES))):  # fmt: skip
        assert re.search(rf'name="{name}"><vt:lpwstr>{re.escape(value)}</vt:lpwstr>', custom)


def test_the_audit_passes(run: tuple[Path, Path]) -> None:
    _returns, out = run
    for path in sorted((out / "services").iterdir())[:3]:
        result = audit_workbook(path)
        assert result.passed, [f.message for f in result.failures]


def test_the_same_date_gives_the_same_bytes(run: tuple[Path, Path], tmp_path: Path) -> None:
    returns, out = run
    assert _benchmark(returns, tmp_path) == 0
    for name in ("EX001.xlsx", "EX017.xlsx"):
        assert (tmp_path / "services" / name).read_bytes() == (out / "services" / name).read_bytes()


def test_a_bad_date_is_a_usage_error(run: tuple[Path, Path], tmp_path: Path) -> None:
    returns, _out = run
    with pytest.raises(SystemExit) as stopped:
        main(["benchmark", str(returns), "--spec", "staffing-and-finance-peers",
              "--out", str(tmp_path), "--specs", str(SPECS), "--date", "30/04/2026"])  # fmt: skip
    assert stopped.value.code == 2
    assert not (tmp_path / "services").exists()


def test_a_chart_per_kpi_shows_only_groups_that_are_not_suppressed(
    run: tuple[Path, Path],
) -> None:
    _returns, out = run
    with (out / "positions.csv").open(encoding="utf-8", newline="") as handle:
        positions = [r for r in csv.DictReader(handle) if r["org_ods_code"] == "EX001"]
    assert any(r["suppressed"] == "true" for r in positions)  # a group to leave out
    shown: dict[str, set[str]] = {}
    for row in positions:
        if row["suppressed"] == "false":
            shown.setdefault(row["kpi"], set()).add(row["peer_group"])
    titles = GROUP_TITLES
    parts = _parts(out / "services" / "EX001.xlsx")
    charts = [
        body for name, body in parts.items() if re.fullmatch(r"xl/charts/chart\d+\.xml", name)
    ]
    assert len(charts) == len(shown)
    found = []
    for body in charts:
        categories = body.split("<c:cat>")[1].split("</c:cat>")[0]
        found.append(set(re.findall(r"<c:v>([^<]*)</c:v>", categories)))
        assert "[c]" not in body
    expected = [{titles[g] for g in groups} for groups in shown.values()]
    assert sorted(map(sorted, found)) == sorted(map(sorted, expected))


@pytest.mark.engine
def test_libreoffice_recalculates_the_same_quarters(
    run: tuple[Path, Path], tmp_path: Path, soffice: str
) -> None:
    from lks_templates.preview import convert

    _returns, out = run
    source = out / "services" / "EX002.xlsx"
    (recalculated,) = convert([source], tmp_path)
    before, after = _table(source), _table(recalculated)
    assert len(after) == len(before)
    quarters = [r[8] for r in after if isinstance(r[8], int | float)]
    assert quarters and [r[8] for r in after] == [r[8] for r in before]
    errors = [v for r in after for v in r if isinstance(v, str) and v.startswith("#")]
    assert errors == []


def test_no_band_edge_in_any_text_is_another_services_figure(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """25 services cut into 3 size bands: unrounded, the cuts would be the 9th and 17th
    services' own staff WTE (24 / 3 steps), named in every workbook's text."""
    count = 25
    returns = tmp_path_factory.mktemp("returns25")
    assert main(["example-returns", "staffing-and-finance", "--services", str(count),
                 "--out", str(returns), "--specs", str(SPECS)]) == 0  # fmt: skip
    out = tmp_path_factory.mktemp("out25")
    assert _benchmark(returns, out) == 0
    resolved = load_specs(SPECS).resolve("staffing-and-finance")
    assert resolved is not None
    typed = [example_values(resolved, i) for i in range(1, count + 1)]
    wte = {str(v["org_ods_code"]): float(v["staff_wte_served"]) for v in typed}
    exact = np.quantile(sorted(wte.values()), [1 / 3, 2 / 3])
    assert set(exact) <= set(wte.values())  # the case that would leak
    for code in wte:
        strings = _parts(out / "services" / f"{code}.xlsx")["xl/sharedStrings.xml"]
        shown = {float(m.replace(",", "")) for m in re.findall(r"\d[\d,]*(?:\.\d+)?", strings)}
        others = {v for c, v in wte.items() if c != code and v != wte[code]}
        assert not shown & others, (code, sorted(shown & others))


def test_service_file_names_never_collide() -> None:
    """Codes that clean up to one name, or differ only in case (one file on Windows and
    macOS), would overwrite each other's workbook: later ones get a number."""
    from lks_templates.benchmarking.workbook import file_names

    codes = ["A/B", "A_B", "rxx", "RXX", "A?B", "R1A"]
    assert file_names(codes) == [
        "A_B.xlsx", "A_B_2.xlsx", "rxx.xlsx", "RXX_2.xlsx", "A_B_3.xlsx", "R1A.xlsx",
    ]  # fmt: skip
    assert len({n.casefold() for n in file_names(codes)}) == len(codes)
