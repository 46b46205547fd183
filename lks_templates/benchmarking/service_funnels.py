"""The funnel part of a service's own workbook: a table and a funnel plot per funnel KPI
and peer group, from the service's own rows of positions.csv.

Sensitive by construction: a service's funnel plot shows the group's rate, the control
limits (group statistics, drawn at round populations only) and this service's own point,
never another service's point; the lead's summary is where every service is plotted. The
limits at the service's own population and where it lies are formulas of the figures
beside them, so a spreadsheet shows how each follows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lks_templates.benchmarking.compare import Row
from lks_templates.benchmarking.funnel_chart import (
    POSITIONS,
    Funnel,
    FunnelPoint,
    limit_formula,
    place_funnel,
    service_range,
)
from lks_templates.benchmarking.stats import Z95, Z998
from lks_templates.layout.model import ChartPlan, SheetPlan, cell_name
from lks_templates.spec.models import BenchmarkSpec, Kpi, PeerGroup

NO_VALUE = "[x]"
HEADERS = (
    "KPI", "Your rate", "Peer group", "Where your rate lies", "Your population",
    "Lower 99.8% limit", "Lower 95% limit", "Group rate", "Upper 95% limit",
    "Upper 99.8% limit",
)  # fmt: skip
LIMIT_COLUMNS = ((5, "funnel_lower_998", -Z998), (6, "funnel_lower_95", -Z95),
                 (8, "funnel_upper_95", Z95), (9, "funnel_upper_998", Z998))  # fmt: skip
FUNNEL_HEIGHT = 340


def funnel_rows(rows: Sequence[Row], spec: BenchmarkSpec) -> list[Row]:
    """The service's rows (in the order given) of the KPIs that have a funnel, in groups
    that are not suppressed (a suppressed group shows no statistic, its rate included)."""
    kpis = {f.kpi for f in spec.funnels}
    return [r for r in rows if r["kpi"] in kpis and not r["suppressed"]]


def _population_title(text: str, titles: Mapping[str, str]) -> str:
    from lks_templates.spec.benchmark import numerator_name

    name = numerator_name(text)
    title = titles.get(name, name.replace("_", " "))
    return f"{title} (year)" if text.strip().upper().startswith("SUM(") else title


def _position_formula(rate: str, limits: Sequence[str]) -> str:
    """Where the rate lies, in the words of :data:`POSITIONS`, as a formula of the cells."""
    low998, low95, up95, up998 = limits
    words = list(POSITIONS.values())
    tests = [f"{rate}>{up998}", f"{rate}>{up95}", f"{rate}<{low998}", f"{rate}<{low95}"]
    picks = [words[0], words[1], words[4], words[3]]
    formula = f'"{words[2]}"'
    for test, word in reversed(list(zip(tests, picks, strict=True))):
        formula = f'IF({test},"{word}",{formula})'
    return "=" + formula


def plan_table(
    sheet: SheetPlan,
    rows: Sequence[Row],
    spec: BenchmarkSpec,
    kpis: Mapping[str, Kpi],
    groups: Mapping[str, PeerGroup],
    start: int,
    titles: Mapping[str, str],
) -> int:
    """The funnel table from ``start`` (a heading, its headers, a row per funnel KPI and peer
    group); returns the first row below it (``start`` when no KPI has a funnel)."""
    shown = funnel_rows(rows, spec)
    if not shown:
        return start
    funnels = {f.kpi: f for f in spec.funnels}
    sheet.put(start, 0, "Funnel plots: your rate beside the control limits of your group",
              style="section")  # fmt: skip
    sheet.merges.append((start + 1, 0, start + 1, len(HEADERS) - 1))
    sheet.row_heights[start + 1] = 40
    sheet.put(start + 1, 0, (
        "Limits around the group's rate (all its services' counts over all their "
        "populations) at your population: a rate outside the 95% limits is unusual, outside "
        "the 99.8% limits very unusual, for a service of your size. Populations: "
        + "; ".join(f"{kpis[k].title if k in kpis else k}: "
                    f"{_population_title(f.denominator, titles)}" for k, f in funnels.items())
        + f". Groups where fewer than {spec.min_group_size} services have a value are left "
        "out, as in the table above."), style="about_text")  # fmt: skip
    head = start + 2
    for col, text in enumerate(HEADERS):
        sheet.put(head, col, text, style="dict_header")
    sheet.row_heights[head] = 40
    at = head + 1
    for row in shown:
        funnel = funnels[str(row["kpi"])]
        kpi = kpis.get(str(row["kpi"]))
        fmt = kpi.format if kpi is not None else "0.0"
        group = groups[str(row["peer_group"])]
        sheet.row_heights[at] = 27
        sheet.put(at, 0, kpi.title if kpi is not None else str(row["kpi"]), style="dict_cell")
        sheet.put(at, 2, group.title or group.name, style="dict_cell")
        rate, population = row["funnel_rate"], row["funnel_denominator"]
        group_rate = row["funnel_group_rate"]
        filled = isinstance(rate, float) and isinstance(group_rate, float)
        for col, value, number_format in ((1, rate, fmt), (4, population, "#,##0"),
                                          (7, group_rate, fmt)):  # fmt: skip
            if filled and isinstance(value, float):
                sheet.put(at, col, value, style="calc", number_format=number_format)
            else:
                sheet.put(at, col, NO_VALUE, style="calc")
        if not filled:  # the service's own count or population is blank or in error
            for col, _key, _z in LIMIT_COLUMNS:
                sheet.put(at, col, NO_VALUE, style="calc")
            sheet.put(at, 3, NO_VALUE, style="dict_cell")
            at += 1
            continue
        you, people, middle = (cell_name(at, c) for c in (1, 4, 7))
        for col, key, z in LIMIT_COLUMNS:
            formula = limit_formula(middle, people, funnel.limits, float(funnel.per), z)
            sheet.put(at, col, row[key], style="calc", number_format=fmt,  # type: ignore[arg-type]
                      formula=formula)  # fmt: skip
        limits = [cell_name(at, c) for c, _key, _z in LIMIT_COLUMNS]
        sheet.put(at, 3, POSITIONS[str(row["funnel_position"])], style="dict_cell",
                  formula=_position_formula(you, limits))  # fmt: skip
        at += 1
    return at


def plan_charts(
    sheet: SheetPlan,
    rows: Sequence[Row],
    spec: BenchmarkSpec,
    kpis: Mapping[str, Kpi],
    groups: Mapping[str, PeerGroup],
    start: int,
    titles: Mapping[str, str],
) -> tuple[list[ChartPlan], int]:
    """The figures (hidden rows from ``start``) and chart of each funnel that is shown; the
    charts are placed by the caller. Returns them and the first row below the figures."""
    funnels = {f.kpi: f for f in spec.funnels}
    charts: list[ChartPlan] = []
    at = start
    for row in funnel_rows(rows, spec):
        rate, population = row["funnel_rate"], row["funnel_denominator"]
        group_rate = row["funnel_group_rate"]
        if not (isinstance(rate, float) and isinstance(population, float)
                and isinstance(group_rate, float)):  # fmt: skip
            continue  # suppressed, or the service's own count or population is missing
        funnel = funnels[str(row["kpi"])]
        kpi = kpis.get(str(row["kpi"]))
        kpi_title = kpi.title if kpi is not None else str(row["kpi"])
        group = groups[str(row["peer_group"])]
        low, high = service_range(population)
        plot = Funnel(
            title=f"{kpi_title}: {group.title or group.name}",
            group_rate=group_rate, model=funnel.limits, per=float(funnel.per),
            points=[FunnelPoint("Your service", population, rate)], low=low, high=high,
            rate_title=kpi_title,
            population_title=_population_title(funnel.denominator, titles),
            number_format=kpi.format if kpi is not None else "0.0",
            where="; your own figures and the limits at your population are in the funnel "
            "table above",
        )  # fmt: skip
        placed = place_funnel(sheet, plot, row=at, col=0, chart_row=0, height=FUNNEL_HEIGHT)
        charts.append(placed.chart)
        at = placed.next_row
    return charts, at
