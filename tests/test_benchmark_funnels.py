"""Funnel plots in each service's workbook, from a run of ``monthly-activity-peers`` (two
funnel KPIs) over example returns: the group rate and limits equal those worked from the
typed values; where the service lies equals positions.csv; the chart holds the limit
curves at round populations and the service's own point only, so no other service's
population, rate or value is cached anywhere; charts are never cut across printed pages."""

from __future__ import annotations

import csv
import itertools
import math
import re
import zipfile
from pathlib import Path
from statistics import NormalDist
from typing import Any

import openpyxl
import pytest

from lks_templates.audit import audit_workbook
from lks_templates.benchmarking.examples import example_values
from lks_templates.cli import main
from lks_templates.spec import load_specs
from lks_templates.spec.models import BenchmarkSpec

SPECS = Path(__file__).parent.parent / "template_specs"
SERVICES = 24
TEMPLATE = "monthly-activity"
BENCHMARK = "monthly-activity-peers"
Z95, Z998 = NormalDist().inv_cdf(0.975), NormalDist().inv_cdf(0.999)
WORDS = {"above_998": "Above the 99.8% limit", "above_95": "Above the 95% limit",
         "inside": "Inside the 95% limits", "below_95": "Below the 95% limit",
         "below_998": "Below the 99.8% limit"}  # fmt: skip
"""The words of docs/benchmarking.md for each funnel_position."""


def _shipped() -> tuple[BenchmarkSpec, dict[str, str], dict[str, str]]:
    """The benchmark spec, KPI titles and peer-group titles as the shipped specs give them."""
    loaded = load_specs(SPECS)
    resolved, peers = loaded.resolve(TEMPLATE), loaded.get(BENCHMARK)
    assert resolved is not None and isinstance(peers, BenchmarkSpec)
    kpis = {k.name: k.title for k in resolved.template.kpis}  # type: ignore[union-attr]
    return peers, kpis, {g.name: g.title for g in peers.peer_groups}


PEERS, KPI_TITLES, GROUP_TITLES = _shipped()


def _typed() -> dict[str, dict[str, Any]]:
    resolved = load_specs(SPECS).resolve(TEMPLATE)
    assert resolved is not None
    found = [example_values(resolved, i) for i in range(1, SERVICES + 1)]
    return {str(v["org_ods_code"]): v for v in found}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    returns = tmp_path_factory.mktemp("returns")
    assert main(["example-returns", TEMPLATE, "--services", str(SERVICES), "--out",
                 str(returns), "--specs", str(SPECS)]) == 0  # fmt: skip
    out = tmp_path_factory.mktemp("out")
    assert main(["benchmark", str(returns), "--spec", BENCHMARK, "--out", str(out),
                 "--specs", str(SPECS), "--date", "2026-04-30"]) == 0  # fmt: skip
    return out


def _positions(out: Path) -> list[dict[str, str]]:
    with (out / "positions.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _funnel_rows(out: Path, code: str) -> list[dict[str, str]]:
    return [r for r in _positions(out) if r["org_ods_code"] == code and r["funnel_rate"]]


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n).decode("utf-8", "replace") for n in archive.namelist()}


def _funnel_table(path: Path, *, cached: bool = True) -> dict[tuple[str, str], tuple[Any, ...]]:
    """(KPI title, peer-group title) -> the row of the funnel table."""
    sheet = openpyxl.load_workbook(path, data_only=cached)["Benchmark"]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[3] == "Where your rate lies")
    found: dict[tuple[str, str], tuple[Any, ...]] = {}
    for row in rows[head + 1 :]:
        if row[0] is None or row[2] is None:
            break
        found[(str(row[0]), str(row[2]))] = row
    return found


def _limits(rate: float, n: float, per: float) -> list[float]:
    """Poisson limits worked from the docs' formula: per x (r0 -/+ z sqrt(r0 / n)), cut at 0."""
    r0 = rate / per
    return [max(r0 + z * math.sqrt(r0 / n), 0) * per for z in (-Z998, -Z95, Z95, Z998)]


def test_group_rate_and_limits_equal_those_worked_from_the_typed_values(run: Path) -> None:
    """Same trust type: r0 = the members' summed counts over their summed staff headcounts,
    the limits at the service's own headcount by the formula, per 1,000."""
    typed = _typed()
    funnels = {f.kpi: f for f in PEERS.funnels}
    checked = 0
    for code, values in typed.items():
        table = _funnel_table(run / "services" / f"{code}.xlsx")
        peers = [v for v in typed.values() if v["trust_type"] == values["trust_type"]]
        for kpi, funnel in funnels.items():
            key = (KPI_TITLES[kpi], GROUP_TITLES["same_type"])
            if len(peers) < PEERS.min_group_size:
                assert key not in table  # a suppressed group shows no funnel
                continue
            measure = funnel.numerator.removeprefix("SUM(").removesuffix(")")
            count = sum(sum(v[measure]) for v in peers)
            people = sum(v["staff_headcount_served"] for v in peers)
            rate = count / people * 1000
            own_n = values["staff_headcount_served"]
            own = sum(values[measure]) / own_n * 1000
            row = table[key]
            assert row[1] == pytest.approx(own, rel=1e-12)
            assert row[4] == own_n
            assert row[7] == pytest.approx(rate, rel=1e-12)
            assert list(row[5:7] + row[8:10]) == pytest.approx(_limits(rate, own_n, 1000))
            checked += 1
    assert checked >= 8


def test_where_the_service_lies_equals_positions_csv(run: Path) -> None:
    seen = set()
    for index in range(1, SERVICES + 1):
        code = f"EX{index:03d}"
        path = run / "services" / f"{code}.xlsx"
        table = _funnel_table(path)
        formulas = _funnel_table(path, cached=False)
        rows = _funnel_rows(run, code)
        assert len(table) == len(rows)
        for row in rows:
            key = (KPI_TITLES[row["kpi"]], GROUP_TITLES[row["peer_group"]])
            assert table[key][3] == WORDS[row["funnel_position"]]
            assert str(formulas[key][3]).startswith("=IF(")
            seen.add(row["funnel_position"])
        # Each funnel chart names the service's position in its point's series.
        charts = [b for n, b in _parts(path).items() if "<c:scatterChart>" in b]
        assert len(charts) == len(rows)
        named = sorted(re.findall(r"<c:v>Your service: ([^<]*)</c:v>", "".join(charts)))
        assert named == sorted(WORDS[r["funnel_position"]].lower() for r in rows)
    assert "inside" in seen and len(seen) >= 2  # more than one position is exercised


def _series(chart: str) -> list[tuple[str, list[float], list[float]]]:
    """(name, x values, y values) of each series of a scatter chart, from its caches."""
    found = []
    for body in re.findall(r"<c:ser>.*?</c:ser>", chart, re.DOTALL):
        name = re.search(r"<c:tx>.*?<c:v>([^<]*)</c:v>", body, re.DOTALL)
        xs = re.search(r"<c:xVal>(.*?)</c:xVal>", body, re.DOTALL)
        ys = re.search(r"<c:yVal>(.*?)</c:yVal>", body, re.DOTALL)
        assert name and xs and ys
        values = [[float(v) for v in re.findall(r"<c:v>([^<]*)</c:v>", part.group(1))]
                  for part in (xs, ys)]  # fmt: skip
        found.append((name.group(1), values[0], values[1]))
    return found


def _is_round_grid(xs: list[float]) -> bool:
    """Every x a multiple of one step of 1, 2 or 5 times a power of ten, step by step."""
    step = xs[1] - xs[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    return round(mantissa, 9) in (1, 2, 5) and all(
        math.isclose(b - a, step) and round(a / step, 9).is_integer()
        for a, b in itertools.pairwise(xs)
    )


def test_each_funnel_shows_the_limits_at_round_populations_and_only_its_own_point(
    run: Path,
) -> None:
    typed = _typed()
    for code in ("EX001", "EX007", "EX019"):
        rows = {f"{KPI_TITLES[r['kpi']]}: {GROUP_TITLES[r['peer_group']]}": r
                for r in _funnel_rows(run, code)}  # fmt: skip
        charts = [b for b in _parts(run / "services" / f"{code}.xlsx").values()
                  if "<c:scatterChart>" in b]  # fmt: skip
        for chart in charts:
            series = _series(chart)
            names = [s[0] for s in series]
            assert names[:5] == ["Group rate", "95% limits", "Lower 95% limit", "99.8% limits",
                                 "Lower 99.8% limit"]  # fmt: skip
            assert len(series) == 6 and names[5].startswith("Your service: ")
            (_name, point_x, point_y) = series[5]
            title = "".join(re.findall(r"<a:t>([^<]*)</a:t>", chart.split("</c:title>")[0]))
            row = rows[title]
            assert names[5] == f"Your service: {WORDS[row['funnel_position']].lower()}"
            assert point_y == pytest.approx([float(row["funnel_rate"])], rel=1e-12)
            assert point_x == [typed[code]["staff_headcount_served"]]
            xs = series[0][1]
            assert _is_round_grid(xs) and xs[0] <= point_x[0] <= xs[-1]
            rate = float(row["funnel_group_rate"])
            assert series[0][2] == pytest.approx([rate] * len(xs), rel=1e-12)
            worked = [_limits(rate, x, 1000) for x in xs]
            for index, column in ((1, 2), (2, 1), (3, 3), (4, 0)):
                assert series[index][1] == xs
                assert series[index][2] == pytest.approx([w[column] for w in worked])


def _numbers(parts: dict[str, str]) -> list[float]:
    found = []
    for body in parts.values():
        for match in re.finditer(r"<(?:c:)?v>([^<]*)</(?:c:)?v>", body):
            try:
                found.append(float(match.group(1)))
            except ValueError:
                continue
    return found


def test_no_other_services_population_rate_or_value_is_cached(run: Path) -> None:
    """Every number cached in any part is one of the service's own figures (its rows of
    positions.csv, funnel columns included), a shared-string index, a round population of
    a curve, or a limit worked here from the group's rate at that population: none is
    another service's population, count, rate or KPI value unless it equals one of those."""
    typed = _typed()
    positions = _positions(run)
    per = 1000.0
    numeric = ("value", "n", "q1", "median", "q3", "quartile", "funnel_numerator",
               "funnel_denominator", "funnel_rate", "funnel_group_rate", "funnel_lower_95",
               "funnel_upper_95", "funnel_lower_998", "funnel_upper_998")  # fmt: skip
    for code in typed:
        path = run / "services" / f"{code}.xlsx"
        parts = _parts(path)
        own = [r for r in positions if r["org_ods_code"] == code]
        figures = {round(float(r[c]), 9) for r in own for c in numeric if r[c]}
        # Shared-string indexes are cached numbers too: allow 0 .. count of strings.
        indexes = {float(i) for i in range(parts["xl/sharedStrings.xml"].count("<si>") + 1)}
        allowed = figures | indexes
        rounds: set[float] = set()
        for chart in (b for b in parts.values() if "<c:scatterChart>" in b):
            xs = _series(chart)[0][1]
            assert _is_round_grid(xs)
            rounds |= {round(x, 9) for x in xs}
            for rate in {float(r["funnel_group_rate"]) for r in own if r["funnel_rate"]}:
                for x in xs:
                    allowed |= {round(v, 9) for v in _limits(rate, x, per)}
        assert rounds  # the funnels are there
        found = {round(v, 9) for v in _numbers(parts)}
        assert found <= allowed | rounds, (code, sorted(found - allowed - rounds)[:5])
        for other, values in typed.items():
            if other == code:
                continue
            people = values["staff_headcount_served"]
            theirs = {float(people), sum(values["evidence_searches"]) / people * per,
                      sum(values["training_attendees"]) / people * per}  # fmt: skip
            theirs |= {float(r["value"]) for r in positions
                       if r["org_ods_code"] == other and r["value"]}  # fmt: skip
            for number in map(lambda v: round(v, 9), theirs):
                # Only where it equals one of this service's own figures, a string index,
                # or a round population that any curve of that range is drawn at.
                ok = figures | indexes | rounds
                assert number not in found or number in ok, (code, other, number)


def _anchors(parts: dict[str, str]) -> list[tuple[int, int]]:
    """(first row, last row), 0-based, of every chart drawn on the sheet."""
    drawing = parts["xl/drawings/drawing1.xml"]
    found = []
    for anchor in re.findall(r"<xdr:twoCellAnchor.*?</xdr:twoCellAnchor>", drawing, re.DOTALL):
        rows = re.findall(r"<xdr:row>(\d+)</xdr:row>", anchor)
        found.append((int(rows[0]), int(rows[1])))
    return found


def test_page_breaks_never_fall_inside_a_chart(run: Path) -> None:
    parts = _parts(run / "services" / "EX001.xlsx")
    sheet = parts["xl/worksheets/sheet1.xml"]
    breaks = [int(b) for b in re.findall(r'<brk id="(\d+)"', sheet)]
    anchors = _anchors(parts)
    assert len(anchors) >= 6 and breaks
    # A break with id r starts a page at 0-based row r: a chart is cut when r is inside it.
    assert not [(b, a) for b in breaks for a in anchors if a[0] < b <= a[1]]
    assert min(breaks) == min(a[0] for a in anchors) - 1  # the charts start a page
    assert "<pageSetup" in sheet and 'scale="' in sheet and "fitToPage" not in sheet


def test_the_audit_passes(run: Path) -> None:
    for name in ("EX001.xlsx", "EX012.xlsx"):
        result = audit_workbook(run / "services" / name)
        assert result.passed, [f.message for f in result.failures]


Word = tuple[float, float, float, float, str]


def _pages(pdf: Path) -> list[list[Word]]:
    """The words of each page with their boxes in points (pdftotext -bbox)."""
    import subprocess

    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
    return [[(*map(float, m[:4]), m[4]) for m in re.findall(pattern, body)]
            for body in xml.split("<page ")[1:]]  # fmt: skip


def _ink(pdf: Path, page: int) -> Any:
    """A test of whether a word's box on ``page`` has any dark pixel (a 72 dpi render, so
    one pixel is one point)."""
    import subprocess

    raw = subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", str(page), "-l", str(page),
                          str(pdf)], capture_output=True, check=True).stdout  # fmt: skip
    magic, width, height, _depth, data = raw.split(maxsplit=4)
    assert magic == b"P5"
    w, h = int(width), int(height)

    def dark(word: Word) -> bool:
        x0, y0, x1, y1, _text = word
        return any(data[y * w + x] < 200 for y in range(int(y0), min(h, int(y1) + 1))
                   for x in range(int(x0), min(w, int(x1) + 1)))  # fmt: skip

    return dark


@pytest.mark.engine
def test_libreoffice_recalculates_the_funnel_table_and_prints_charts_whole(
    run: Path, tmp_path: Path, soffice: str
) -> None:

    from lks_templates.preview import convert

    source = run / "services" / "EX003.xlsx"
    (recalculated,) = convert([source], tmp_path)
    before, after = _funnel_table(source), _funnel_table(recalculated)
    assert after.keys() == before.keys() and after
    for key, row in before.items():
        assert after[key][3] == row[3]
        assert list(after[key][5:10]) == pytest.approx(list(row[5:10]), rel=1e-12)
    book = openpyxl.load_workbook(recalculated, data_only=True)["Benchmark"]
    errors = [c.value for r in book.iter_rows() for c in r
              if isinstance(c.value, str) and c.value.startswith("#")]  # fmt: skip
    assert errors == []
    (pdf,) = convert([source], tmp_path / "pdf", to="pdf")
    titles = [f"{KPI_TITLES[r['kpi']]}: {GROUP_TITLES[r['peer_group']]}"
              for r in _funnel_rows(run, "EX003")]  # fmt: skip
    found = 0
    for page, words in enumerate(_pages(pdf), start=1):
        # A chart printed whole shows its title (at its top) and its legend (at its foot)
        # on the same page. LibreOffice writes a chart below a page break into the page
        # above too, clipped out of sight: only text with ink under it counts.
        ink = _ink(pdf, page)
        seen = [w for w in words if ink(w)]
        line = " ".join(w[4] for w in seen)
        shown = sum(t in line for t in titles)
        assert sum(w[4] == "service:" for w in seen) == shown, page
        found += shown
    assert found == len(titles)
