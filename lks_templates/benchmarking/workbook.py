"""Each service's benchmark workbook, ``services/<ODS code>.xlsx``, as a layout plan.

Built as a :class:`WorkbookPlan` and written by the same renderer as the templates.
Sensitive by construction: the plan is made from one service's own rows of positions.csv
and the words describing its groups, so no other service's name, ODS code or value can
reach any cell, name or property. A group's make-up is described in words ("16 services
sharing its trust type"), never listed. Suppressed statistics show ``[c]`` with a note.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from lks_templates.benchmarking import service_funnels
from lks_templates.benchmarking.compare import Row, Service
from lks_templates.layout.model import (
    ChartPlan,
    ChartSeries,
    PageSetup,
    SheetPlan,
    WorkbookPlan,
    cell_name,
    sheet_ref,
)
from lks_templates.layout.pages import stack_charts
from lks_templates.spec.models import BenchmarkSpec, Kpi, PeerGroup, TemplateSpec

SHEET = "Benchmark"
SUPPRESSED = "[c]"
"""The Government Statistical Service's shorthand for a confidential (suppressed) figure."""
NO_VALUE = "[x]"
"""The GSS shorthand for a figure that is not available."""
HEADERS = (
    "KPI", "Your value", "Peer group", "Who is in the group", "Services with a value (n)",
    "Lower quartile", "Median", "Upper quartile", "Your quarter (1 lowest, 4 highest)", "Note",
)  # fmt: skip
WIDTHS = (30, 11, 16, 46, 11, 11, 11, 11, 11, 52)
_SAFE_CODE = re.compile(r"[^A-Za-z0-9_-]")


def file_name(code: str) -> str:
    """``<ODS code>.xlsx``, any character unsafe in a file name replaced by ``_``."""
    return (_SAFE_CODE.sub("_", code) or "service") + ".xlsx"


def file_names(codes: Sequence[str]) -> list[str]:
    """:func:`file_name` of each code, made unique: two codes that clean up to one name
    (``A/B`` and ``A_B``), or differ only in case (the same file on Windows and macOS),
    would overwrite each other's workbook, so each later one gets ``_2``, ``_3``..."""
    taken: set[str] = set()
    names: list[str] = []
    for code in codes:
        base = file_name(code)[: -len(".xlsx")]
        name, count = base, 1
        while name.casefold() in taken:
            count += 1
            name = f"{base}_{count}"
        taken.add(name.casefold())
        names.append(name + ".xlsx")
    return names


def _title(name: str, titles: Mapping[str, str]) -> str:
    """A field's title mid-sentence: first letter lowered unless it starts an acronym."""
    text = titles.get(name, name.replace("_", " "))
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _band(label: str) -> str:
    """``< 3,000`` -> ``below 3,000``; ``>= 6,000`` -> ``6,000 or more``."""
    if label.startswith(">= "):
        return label[3:] + " or more"
    return label.replace("< ", "below ")


def describe(
    group: PeerGroup, label: str, size: int, titles: Mapping[str, str], *, lead: bool = False
) -> str:
    """The make-up of a group in words: how many services and what they share. A
    service's workbook speaks to the service ("as yours"); the lead's (``lead``) names the
    group by its label (for a most-similar group, the ODS code whose peers they are)."""
    services = f"{size:,} service{'s' if size != 1 else ''}"
    if group.same is not None:
        fields = " and ".join(_title(f, titles) for f in group.same)
        return f"{services} with the same {fields}{'' if lead else ' as yours'} ({label})"
    if group.bands is not None:
        return f"{services} whose {_title(group.bands.field, titles)} is {_band(label)}"
    if group.nearest is not None:
        fields = ", ".join(_title(f, titles) for f in group.nearest.fields)
        whose = label if lead else "yours"
        return f"{services}: {whose} and the {size - 1:,} most similar by {fields}"
    return services


def vintage(spec: BenchmarkSpec, template: TemplateSpec, returns: int, date: dt.date) -> str:
    """The run's facts, as every benchmark workbook states them: spec id and version, the
    number of returns compared and the date (one wording for the services and the lead)."""
    return (f"benchmark {spec.id} version {spec.version}, on {returns:,} returns of "
            f"{template.id}, run on {date.isoformat()}.")  # fmt: skip


def vintage_properties(spec: BenchmarkSpec, returns: int, date: dt.date) -> dict[str, str]:
    """The same facts as custom document properties."""
    return {
        "lks_benchmark_id": spec.id,
        "lks_benchmark_version": spec.version,
        "lks_benchmark_date": date.isoformat(),
        "lks_benchmark_returns": str(returns),
    }


def _note(row: Row, spec: BenchmarkSpec) -> str:
    if row["suppressed"]:
        return (f"[c] Fewer than {spec.min_group_size} services in this group have a value, "
                "so no statistic is shown.")  # fmt: skip
    if row["value"] is None:
        return "[x] Your value is blank, or one of its inputs has an error."
    return ""


def plan_service(
    service: Service,
    rows: Sequence[Row],
    sizes: Mapping[tuple[str, str], int],
    spec: BenchmarkSpec,
    template: TemplateSpec,
    *,
    returns: int,
    date: dt.date,
    titles: Mapping[str, str],
) -> WorkbookPlan:
    """The plan of one service's workbook from its own rows of positions.csv."""
    sheet = SheetPlan(name=SHEET, protect=True)
    for col, width in enumerate(WIDTHS):
        sheet.column_widths[col] = width
    name = service.name or service.code
    sheet.put(0, 0, f"{name}: {spec.title}", style="title")
    sheet.row_heights[0] = 24
    facts = [
        f"ODS code: {service.code}",
        f"Compared with similar services under {vintage(spec, template, returns, date)}",
        "Quartiles by linear interpolation (as Excel's QUARTILE.INC). Your quarter is 1 plus "
        "the number of quartiles your value is above: 1 is the lowest quarter, 4 the highest.",
        f"Where fewer than {spec.min_group_size} services in a group have a value, no "
        f"statistic is shown ({SUPPRESSED}), so that no service can be picked out. "
        f"{NO_VALUE} means your value is not available.",
        "No other service is named here: each group is described by what its members share.",
    ]
    for offset, text in enumerate(facts, start=1):
        sheet.put(offset, 0, text, style="subtitle" if offset == 1 else "note")
    head = len(facts) + 2
    for col, text in enumerate(HEADERS):
        sheet.put(head, col, text, style="dict_header")
    sheet.row_heights[head] = 40
    groups = {g.name: g for g in spec.peer_groups}
    kpis = {k.name: k for k in template.kpis}
    row_at = head + 1
    # KPI by KPI, each with its peer groups in the spec's order: one KPI reads as a block.
    kpi_order = {name: i for i, name in enumerate(kpis)}
    group_order = {name: i for i, name in enumerate(groups)}
    ordered = sorted(rows, key=lambda r: (kpi_order.get(str(r["kpi"]), len(kpi_order)),
                                          group_order[str(r["peer_group"])]))  # fmt: skip
    for row in ordered:
        sheet.row_heights[row_at] = 27
        kpi = kpis.get(str(row["kpi"]))
        fmt = kpi.format if kpi is not None else "0.0"
        group = groups[str(row["peer_group"])]
        label = str(row["group"])
        value = row["value"]
        sheet.put(row_at, 0, kpi.title if kpi is not None else str(row["kpi"]), style="dict_cell")
        if isinstance(value, float):
            sheet.put(row_at, 1, value, style="calc", number_format=fmt)
        else:
            sheet.put(row_at, 1, NO_VALUE, style="calc")
        sheet.put(row_at, 2, group.title or group.name, style="dict_cell")
        size = sizes[(group.name, label)]
        sheet.put(row_at, 3, describe(group, label, size, titles), style="dict_cell")
        sheet.put(row_at, 4, row["n"], style="calc", number_format="0")  # type: ignore[arg-type]
        for col, key in ((5, "q1"), (6, "median"), (7, "q3")):
            cut = row[key]
            if isinstance(cut, float):
                sheet.put(row_at, col, cut, style="calc", number_format=fmt)
            else:
                sheet.put(row_at, col, SUPPRESSED, style="calc")
        quartile = row["quartile"]
        if isinstance(quartile, int):
            # A formula, so the quarter follows the figures beside it if they are checked.
            you, q1, md, q3 = (cell_name(row_at, c) for c in (1, 5, 6, 7))
            sheet.put(row_at, 8, quartile, style="calc", number_format="0",
                      formula=f"=1+({you}>{q1})+({you}>{md})+({you}>{q3})")  # fmt: skip
        else:
            sheet.put(row_at, 8, SUPPRESSED if row["suppressed"] else NO_VALUE, style="calc")
        sheet.put(row_at, 9, _note(row, spec), style="dict_cell")
        row_at += 1
    after = service_funnels.plan_table(sheet, ordered, spec, kpis, groups, row_at + 1, titles)
    bars, data_row = _bar_charts(sheet, ordered, kpis, groups, after + 1, spec)
    funnels, data_row = service_funnels.plan_charts(sheet, ordered, spec, kpis, groups,
                                                    data_row, titles)  # fmt: skip
    sheet.freeze = (head + 1, 1)
    sheet.page = PageSetup(landscape=True, repeat_rows=(head, head))
    # Charts below their hidden figures, each whole on a printed page.
    stack_charts(sheet, [*bars, *funnels], data_row + 1, columns=len(WIDTHS))
    return WorkbookPlan(
        template_id=spec.id,
        template_version=spec.version,
        title=f"{name}: {spec.title}",
        sheets=[sheet],
        defined_names={},
        inputs={},
        properties={**vintage_properties(spec, returns, date), "lks_org_ods_code": service.code},
        subject=f"Benchmark of {template.id} returns",
        comments="Each KPI beside the quartiles of similar services; no other service named.",
    )


SERIES = (("Lower quartile", "q1"), ("Median", "median"), ("Upper quartile", "q3"),
          ("Your value", "value"))  # fmt: skip


def _bar_charts(
    sheet: SheetPlan,
    rows: Sequence[Row],
    kpis: Mapping[str, Kpi],
    groups: Mapping[str, PeerGroup],
    start: int,
    spec: BenchmarkSpec,
) -> tuple[list[ChartPlan], int]:
    """A bar chart per KPI: the quartiles of each peer group that is shown, beside the
    service's own value. Its figures sit in hidden rows from ``start`` (the same figures
    as the table, without the suppressed groups, so no ``[c]`` plots as zero). Returns the
    charts (placed by the caller) and the first row below their figures."""
    shown = [r for r in rows if not r["suppressed"]]
    by_kpi: dict[str, list[Row]] = {}
    for row in shown:
        by_kpi.setdefault(str(row["kpi"]), []).append(row)
    data_row = start
    blocks: list[tuple[str, int, int]] = []
    for name, items in by_kpi.items():
        fmt = kpis[name].format if name in kpis else "0.0"
        first = data_row
        for row in items:
            group = groups[str(row["peer_group"])]
            sheet.put(data_row, 0, group.title or group.name, style="chart_data")
            for col, (_title_text, key) in enumerate(SERIES, start=1):
                value = row[key]
                if isinstance(value, float):
                    sheet.put(data_row, col, value, style="chart_data", number_format=fmt)
            sheet.hidden_rows.add(data_row)
            data_row += 1
        blocks.append((name, first, data_row - 1))
    charts = []
    for name, first, last in blocks:
        kpi = kpis.get(name)
        title = kpi.title if kpi is not None else name
        series = [ChartSeries(label, sheet_ref(SHEET, first, col, last, col),
                              sheet_ref(SHEET, first, 0, last, 0))
                  for col, (label, _key) in enumerate(SERIES, start=1)]  # fmt: skip
        charts.append(ChartPlan(
            kind="bar", title=title, series=series, row=0, col=0, width=720, height=300,
            alt_text=f"{title}: for each peer group with at least {spec.min_group_size} "
            "services with a value, bars for the lower quartile, median and upper quartile, "
            "and a bar for your value; the same figures as the table above.",
            show_hidden=True, categories_in_order=True, legend=True, category_format="General",
            number_format=kpi.format if kpi is not None else "0.0",
        ))  # fmt: skip
    return charts, data_row
