"""The lead's workbook, ``summary.xlsx``: every service by name with its values and quarter in
each peer group, the distributions, the funnel figures and plots, and the returns left out.

Built as a :class:`WorkbookPlan` and written by the same renderer as the templates and the
services' workbooks. Unlike those, it names every service: it is for the lead, who holds
the returns already; each service is sent only its own ``services/<ODS code>.xlsx``.
The figures are the rows of benchmark.csv and positions.csv, and each quarter is a formula
over the Distributions sheet, so a checked figure moves its quarter with it.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

from lks_templates.atomic import write_atomically
from lks_templates.benchmarking.compare import Compared, Outcome, Row, Service
from lks_templates.benchmarking.workbook import (
    NO_VALUE,
    SUPPRESSED,
    _title,
    describe,
    vintage_properties,
)
from lks_templates.layout.model import PageSetup, SheetPlan, WorkbookPlan, cell_name, sheet_ref
from lks_templates.spec.models import BenchmarkSpec, Kpi, PeerGroup, TemplateSpec

FILE = "summary.xlsx"
ABOUT, SERVICES, DISTRIBUTIONS, GROUPS, LEFT_OUT = (
    "About",
    "Services",
    "Distributions",
    "Groups",
    "Left out",
)
WHOLE = "The whole return"
"""What a left-out return leaves out (the other: a service's place in one peer group)."""
NO_GROUP = "[z]"
"""The GSS shorthand for "not applicable": the service has no group in that peer group."""
LINE = 13.0
"""Points per line of wrapped text (Arial 10)."""
HEAD = 4
"""0-based row of each table's headers (the title, up to two lines of notes and a gap above)."""
PLAIN, BOLD = 1.2, 1.05
"""Characters of Arial 10 per unit of column width, plain and bold (a unit is one digit)."""


@lru_cache(maxsize=8192)
def text_lines(text: str, width: float, *, bold: bool = False) -> int:
    """Lines ``text`` wraps to in a column ``width`` units wide, breaking at spaces as a
    spreadsheet does (a word longer than the line is broken where it must be)."""
    chars = max(int(width * (BOLD if bold else PLAIN)), 4)
    return sum(max(1, len(textwrap.wrap(part, chars))) for part in text.split("\n"))


@dataclass(frozen=True)
class LeftOut:
    """A return not compared, or a service without a group in one peer group, and why."""

    file: str
    code: str
    """The ODS code, when the return could be read far enough to tell."""
    what: str
    """What is left out: the whole return, or the service from one peer group."""
    problem: str
    """The problem code(s), as problems.csv gives them."""
    why: str


def left_out(results: Sequence[Compared], outcome: Outcome, spec: BenchmarkSpec) -> list[LeftOut]:
    """Every return not compared (unreadable, or left out by the benchmark's rules) and every
    service without a group in a peer group, in the order the returns were read."""
    order = {r.file: i for i, r in enumerate(results)}
    found: list[tuple[int, LeftOut]] = []
    for result in results:
        if not result.readable:
            why = " ".join(message for _, message in result.refused) or "It could not be read."
            codes = ", ".join(sorted({code for code, _ in result.refused}))
            found.append(
                (
                    order[result.file],
                    LeftOut(result.file, result.org_ods_code, WHOLE, codes, why),
                )
            )
    by_file = {r.file: r for r in results}
    titles = {g.name: g.title or g.name for g in spec.peer_groups}
    for problem in outcome.problems:
        if problem.code not in ("left-out", "no-peer-group"):
            continue
        known = by_file.get(problem.file)
        what = WHOLE
        if problem.code == "no-peer-group":
            group = next(
                (g for g in spec.peer_groups if f"`{g.name}` peer" in problem.message), None
            )
            what = f"Its place in {titles[group.name]}" if group else "Its place in a peer group"
        code = known.org_ods_code if known is not None else ""
        found.append(
            (
                order.get(problem.file, len(order)),
                LeftOut(problem.file, code, what, problem.code, problem.message),
            )
        )
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


@dataclass
class Context:
    """What every sheet of the summary is planned from."""

    outcome: Outcome
    spec: BenchmarkSpec
    template: TemplateSpec
    date: dt.date
    titles: Mapping[str, str]
    """Profile field name -> its title, for describing groups in words."""
    left: Sequence[LeftOut] = ()
    kpis: list[str] = field(default_factory=list)
    by_kpi: dict[str, Kpi] = field(default_factory=dict)
    groups: dict[str, PeerGroup] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_kpi = {k.name: k for k in self.template.kpis}
        self.kpis = list(self.spec.kpis or self.by_kpi)
        self.groups = {g.name: g for g in self.spec.peer_groups}

    def kpi_title(self, name: str) -> str:
        kpi = self.by_kpi.get(name)
        return kpi.title if kpi is not None else name

    def kpi_format(self, name: str) -> str:
        kpi = self.by_kpi.get(name)
        return kpi.format if kpi is not None else "0.0"

    def group_title(self, name: str) -> str:
        group = self.groups[name]
        return group.title or group.name

    @property
    def services(self) -> list[Service]:
        """The compared services by ODS code."""
        return sorted(self.outcome.services, key=lambda s: s.code)


def band_order(label: str) -> tuple[int, float, str]:
    """Size bands from the lowest up (``< 3,000``, ``3,000 to < 6,000``, ``>= 6,000``);
    other labels in text order."""

    def number(text: str) -> float:
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return 0.0

    if label.startswith("< "):
        return (0, number(label[2:]), label)
    if label.startswith(">= "):
        return (2, number(label[3:]), label)
    if " to < " in label:
        return (1, number(label.split(" to < ")[0]), label)
    return (1, 0.0, label)


def header_row(sheet: SheetPlan, row: int, headers: Sequence[str], widths: Sequence[float]) -> None:
    """A table's one header row, tall enough for its longest wrapped heading."""
    lines = 1
    for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.put(row, col, text, style="dict_header")
        sheet.column_widths[col] = width
        lines = max(lines, text_lines(text, width, bold=True))
    sheet.row_heights[row] = LINE * lines + 4


def fit_row(sheet: SheetPlan, row: int, widths: Sequence[float]) -> None:
    """The height of a table row from the wrapped text of its cells."""
    lines = 1
    for col, width in enumerate(widths):
        cell = sheet.cells.get((row, col))
        if cell is not None and isinstance(cell.value, str) and cell.style == "dict_cell":
            lines = max(lines, text_lines(cell.value, width))
    sheet.row_heights[row] = LINE * lines + 4


def titled(name: str, title: str, *notes: str) -> SheetPlan:
    """A sheet with its title in A1 and up to two lines of notes below (each short enough to
    read on one line; the table starts at :data:`HEAD`)."""
    sheet = SheetPlan(name=name, protect=True)
    sheet.put(0, 0, title, style="title")
    sheet.row_heights[0] = 24
    for offset, note in enumerate(notes[: HEAD - 2], start=1):
        sheet.put(offset, 0, note, style="note")
    return sheet


def number_or(sheet: SheetPlan, row: int, col: int, value: object, fmt: str, text: str) -> None:
    """A number in its format, or ``text`` (``[c]``, ``[x]``) where there is none."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        sheet.put(row, col, value, style="dict_figure", number_format=fmt)
    else:
        sheet.put(row, col, text, style="dict_figure")


def _distributions(ctx: Context) -> tuple[SheetPlan, dict[tuple[str, str, str], int]]:
    """One row per peer group, group and KPI (benchmark.csv); where each row is."""
    spec = ctx.spec
    ranged = spec.show_range
    headers = [
        "Peer group",
        "Group",
        "Services in the group",
        "KPI",
        "Services with a value (n)",
        "Lower quartile",
        "Median",
        "Upper quartile",
        *(["Minimum", "Maximum"] if ranged else []),
        "Note",
    ]
    widths = [18, 22, 11, 38, 11, 11, 11, 11, *([11, 11] if ranged else []), 36]
    sheet = titled(
        DISTRIBUTIONS,
        "Distributions: each KPI in each group",
        f"{SUPPRESSED}: fewer than {spec.min_group_size} services in the group have "
        "a value, so no statistic is shown (the count n always is).",
    )
    header_row(sheet, HEAD, headers, widths)
    kpi_order = {k: i for i, k in enumerate(ctx.kpis)}
    group_order = {g: i for i, g in enumerate(ctx.groups)}
    rows = sorted(
        ctx.outcome.benchmark,
        key=lambda r: (
            group_order[str(r["peer_group"])],
            band_order(str(r["group"])),
            kpi_order.get(str(r["kpi"]), len(kpi_order)),
        ),
    )
    where: dict[tuple[str, str, str], int] = {}
    at = HEAD + 1
    for row in rows:
        name, label, kpi = str(row["peer_group"]), str(row["group"]), str(row["kpi"])
        where[(name, label, kpi)] = at
        size = ctx.outcome.sizes.get((name, label), 0)
        fmt = ctx.kpi_format(kpi)
        for col, text in enumerate((ctx.group_title(name), label, "", ctx.kpi_title(kpi))):
            sheet.put(at, col, text, style="dict_cell")
        sheet.put(at, 2, size, style="dict_figure", number_format="#,##0")
        number_or(sheet, at, 4, row["n"], "#,##0", "")
        keys = ["q1", "median", "q3", *(["min", "max"] if ranged else [])]
        for col, key in enumerate(keys, start=5):
            number_or(sheet, at, col, row[key], fmt, SUPPRESSED)
        note = (
            f"{SUPPRESSED} Fewer than {spec.min_group_size} with a value."
            if row["suppressed"]
            else ""
        )
        sheet.put(at, len(headers) - 1, note or None, style="dict_cell")
        fit_row(sheet, at, widths)
        at += 1
    sheet.freeze = (HEAD + 1, 2)
    sheet.page = PageSetup(landscape=True, fit_width=1, repeat_rows=(HEAD, HEAD))
    return sheet, where


Q_COLS = (5, 6, 7)
"""Columns of the lower quartile, median and upper quartile on the Distributions sheet."""


def _services(ctx: Context, where: Mapping[tuple[str, str, str], int]) -> SheetPlan:
    """One row per service: its group in each peer group, each KPI's value and its quarter
    in each peer group (a formula over the Distributions sheet)."""
    spec, groups = ctx.spec, list(ctx.groups)
    # A most-similar group is named by the service's own code: the Groups sheet lists it.
    named = [g for g in groups if ctx.groups[g].nearest is None]
    headers = ["ODS code", "Service", *(f"{ctx.group_title(g)}: group" for g in named)]
    widths: list[float] = [10, 46, *(20 for _ in named)]
    for kpi in ctx.kpis:
        headers.append(ctx.kpi_title(kpi))
        widths.append(13)
        headers += [f"{ctx.kpi_title(kpi)}: quarter in {ctx.group_title(g)}" for g in groups]
        widths += [14 for _ in groups]
    headers.append("Notes")
    widths.append(80)
    sheet = titled(
        SERVICES,
        "Services: each KPI's value and its quarter in each peer group",
        "Quarter: 1 is the lowest quarter of the group, 4 the highest (1 plus how many "
        "of the lower quartile, median and upper quartile the value is above).",
        f"{SUPPRESSED}: fewer than {spec.min_group_size} services in the group have a "
        f"value. {NO_VALUE}: no value (blank, or an input has an error). {NO_GROUP}: no "
        "group (a value the group is chosen by is blank).",
    )
    header_row(sheet, HEAD, headers, widths)
    positions: dict[tuple[str, str, str], Row] = {
        (str(r["org_ods_code"]), str(r["peer_group"]), str(r["kpi"])): r
        for r in ctx.outcome.positions
    }
    homes = {
        (str(r["org_ods_code"]), str(r["peer_group"])): str(r["group"])
        for r in ctx.outcome.positions
    }
    missing = {(p.file, p.field): p for p in ctx.outcome.problems if p.code == "no-peer-group"}
    at = HEAD + 1
    for service in ctx.services:
        sheet.put(at, 0, service.code, style="dict_cell")
        sheet.put(at, 1, service.name, style="dict_cell")
        for col, g in enumerate(named, start=2):
            sheet.put(at, col, homes.get((service.code, g), NO_GROUP), style="dict_cell")
        col = 2 + len(named)
        blank: list[str] = []
        small: dict[str, None] = {}
        for kpi in ctx.kpis:
            value = service.kpis.get(kpi)
            fmt = ctx.kpi_format(kpi)
            number_or(sheet, at, col, value, fmt, NO_VALUE)
            if value is None:
                blank.append(ctx.kpi_title(kpi))
            you = cell_name(at, col)
            for g in groups:
                col += 1
                row = positions.get((service.code, g, kpi))
                if row is None:
                    sheet.put(at, col, NO_GROUP, style="dict_figure")
                    continue
                if row["suppressed"]:
                    small[f"{ctx.group_title(g)} ({row['group']})"] = None
                    sheet.put(at, col, SUPPRESSED, style="dict_figure")
                    continue
                quarter = row["quartile"]
                if not isinstance(quarter, int):
                    sheet.put(at, col, NO_VALUE, style="dict_figure")
                    continue
                found = where[(g, str(row["group"]), kpi)]
                q1, md, q3 = (sheet_ref(DISTRIBUTIONS, found, c) for c in Q_COLS)
                sheet.put(
                    at,
                    col,
                    quarter,
                    style="dict_figure",
                    number_format="0",
                    formula=f"=1+({you}>{q1})+({you}>{md})+({you}>{q3})",
                )
            col += 1
        notes = []
        if small:
            notes.append(
                f"{SUPPRESSED} Fewer than {spec.min_group_size} services with a value "
                f"in {', '.join(small)}."
            )
        if blank:
            notes.append(
                f"{NO_VALUE} No value for {', '.join(blank)}: blank, or an input has an error."
            )
        for (file, name), _problem in missing.items():
            if file == service.file:
                without = [ctx.group_title(g) for g in groups if (service.code, g) not in homes]
                notes.append(
                    f"{NO_GROUP} No group in {', '.join(without)}: its "
                    f"{_title(name, ctx.titles)} is blank or not a number."
                )
        sheet.put(at, col, " ".join(notes) or None, style="dict_cell")
        fit_row(sheet, at, widths)
        at += 1
    sheet.freeze = (HEAD + 1, 2)
    # Too wide for one page: printed across pages at full size, each with the services' names.
    sheet.page = PageSetup(landscape=True, repeat_rows=(HEAD, HEAD), repeat_columns=(0, 1))
    return sheet


def _groups(ctx: Context) -> SheetPlan:
    """Who is in each group, by ODS code (the lead may see it; the services may not)."""
    headers = ["Peer group", "Group", "Who is in the group", "Services (ODS codes)"]
    widths = [18, 18, 44, 70]
    sheet = titled(
        GROUPS,
        "Groups: which services are compared with which",
        "Each group of each peer group, and the ODS codes of the services in it "
        "(the Services sheet names them).",
    )
    header_row(sheet, HEAD, headers, widths)
    group_order = {g: i for i, g in enumerate(ctx.groups)}
    keys = sorted(ctx.outcome.members, key=lambda k: (group_order[k[0]], band_order(k[1])))
    at = HEAD + 1
    for name, label in keys:
        codes = sorted(ctx.outcome.members[(name, label)])
        texts = [
            ctx.group_title(name),
            label,
            describe(ctx.groups[name], label, len(codes), ctx.titles, lead=True),
            ", ".join(codes),
        ]
        for col, text in enumerate(texts):
            sheet.put(at, col, text, style="dict_cell")
        fit_row(sheet, at, widths)
        at += 1
    sheet.freeze = (HEAD + 1, 0)
    sheet.page = PageSetup(landscape=True, fit_width=1, repeat_rows=(HEAD, HEAD))
    return sheet


def _left_out_sheet(ctx: Context) -> SheetPlan:
    """The returns not compared and the services without a group, with why."""
    headers = ["File", "ODS code", "What is left out", "Problem code", "Why"]
    widths = [36, 10, 22, 18, 70]
    sheet = titled(
        LEFT_OUT,
        "Left out: returns not compared, and why",
        "As problems.csv lists them: returns that could not be read, returns the "
        "benchmark's rules leave out, and services without a group.",
    )
    header_row(sheet, HEAD, headers, widths)
    at = HEAD + 1
    for item in ctx.left:
        for col, text in enumerate((item.file, item.code, item.what, item.problem, item.why)):
            sheet.put(at, col, text, style="dict_cell")
        fit_row(sheet, at, widths)
        at += 1
    if not ctx.left:
        sheet.put(at, 0, "No return was left out.", style="dict_cell")
    sheet.freeze = (HEAD + 1, 0)
    sheet.page = PageSetup(landscape=True, fit_width=1, repeat_rows=(HEAD, HEAD))
    return sheet


SHEET_GUIDE = {
    SERVICES: "one row per service: its group in each peer group, each KPI's value and its "
    "quarter in each group.",
    DISTRIBUTIONS: "for each peer group, group and KPI: n, the quartiles, and whether they are "
    "suppressed (benchmark.csv).",
    GROUPS: "which services are in each group, by ODS code.",
    LEFT_OUT: "the returns not compared, and services without a group, with why (problems.csv).",
}


def plan_summary(ctx: Context) -> WorkbookPlan:
    """The plan of the lead's summary workbook."""
    from lks_templates.benchmarking.summary_about import about_sheet
    from lks_templates.benchmarking.summary_funnels import FUNNEL_GUIDE, funnel_sheets

    distributions, where = _distributions(ctx)
    funnels = funnel_sheets(ctx)
    guide = [(SERVICES, SHEET_GUIDE[SERVICES]), (DISTRIBUTIONS, SHEET_GUIDE[DISTRIBUTIONS])]
    guide += [(s.name, FUNNEL_GUIDE[s.name]) for s in funnels]
    guide += [(GROUPS, SHEET_GUIDE[GROUPS]), (LEFT_OUT, SHEET_GUIDE[LEFT_OUT])]
    sheets = [
        about_sheet(ctx, guide),
        _services(ctx, where),
        distributions,
        *funnels,
        _groups(ctx),
        _left_out_sheet(ctx),
    ]
    spec = ctx.spec
    return WorkbookPlan(
        template_id=spec.id,
        template_version=spec.version,
        title=f"Summary for the lead: {spec.title}",
        sheets=sheets,
        defined_names={},
        inputs={},
        properties={
            **vintage_properties(spec, ctx.outcome.returns, ctx.date),
            "lks_benchmark_summary": "lead",
        },
        subject=f"Benchmark of {ctx.template.id} returns: every service, for the lead",
        comments="Every service named, with its quarter in each peer group; for the lead only.",
    )


def write_summary(out: Path, ctx: Context) -> Path:
    """Write ``out/summary.xlsx`` atomically."""
    from lks_templates.render.workbook import render_workbook

    plan = plan_summary(ctx)
    return write_atomically(out / FILE, partial(render_workbook, plan), suffix=".xlsx")
