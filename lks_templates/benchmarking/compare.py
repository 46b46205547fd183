"""From read returns and a benchmark spec to the rows of benchmark.csv and positions.csv.

Which returns count: readable returns of the spec's template, the first copy of each
(the duplicate rule of ``collect``), covering like periods (``coverage``); every other
return is listed with a ``left-out`` problem saying why. A KPI counts for a service when
it is a number and none of its inputs has an error in that return.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from lks_templates.benchmarking import stats
from lks_templates.errors import Problem
from lks_templates.readback.duplicates import ReturnKey
from lks_templates.readback.result import Return
from lks_templates.spec.models import BenchmarkSpec, Funnel, PeerGroup, TemplateSpec

BENCHMARK_COLUMNS = (
    "benchmark_id", "benchmark_version", "peer_group", "group", "kpi",
    "n", "q1", "median", "q3", "min", "max", "suppressed",
)  # fmt: skip
FUNNEL_COLUMNS = (
    "funnel_numerator", "funnel_denominator", "funnel_rate", "funnel_group_rate",
    "funnel_lower_95", "funnel_upper_95", "funnel_lower_998", "funnel_upper_998",
    "funnel_position",
)  # fmt: skip
POSITION_COLUMNS = (
    "org_ods_code", "org_name", "peer_group", "group", "kpi", "value",
    "n", "q1", "median", "q3", "quartile", "suppressed", *FUNNEL_COLUMNS,
)  # fmt: skip

Row = dict[str, object]


@dataclass
class Service:
    """One compared return: who, their context values and their usable KPI values."""

    file: str
    code: str
    name: str
    profile: dict[str, object]
    kpis: dict[str, float]
    sums: dict[str, float]
    """Each measure summed over the periods entered (for funnels)."""


@dataclass
class Outcome:
    """The rows of a benchmark run and the problems it found."""

    benchmark: list[Row] = field(default_factory=list)
    positions: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    returns: int = 0
    """How many returns were compared."""
    sizes: dict[tuple[str, str], int] = field(default_factory=dict)
    """(peer group, group) -> how many services are in the group, with a value or not."""
    members: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(peer group, group) -> the ODS codes of its services (for the lead's summary only)."""


@dataclass
class Compared:
    """What a benchmark keeps of one return it read: who sent it, which periods it covers
    and the figures compared (:class:`Service`), nothing else, so the memory of a run
    grows with the figures compared, not with the workbooks read."""

    file: str
    readable: bool
    template_id: str
    template_version: str
    org_ods_code: str
    reporting_year: int | None
    key: ReturnKey | None
    """Its identity for the duplicate rule of ``collect``; None when it has none."""
    entered: tuple[str, ...]
    """The keys of the periods with any measure entered (every period if none are)."""
    every: tuple[str, ...]
    """The keys of all the template's periods."""
    service: Service
    refused: tuple[tuple[str, str], ...] = ()
    """For a return that could not be read: the code and message of each reason."""


def kept_names(spec: BenchmarkSpec) -> set[str]:
    """The profile fields and measures a benchmark uses beside the KPIs: the organisation's
    name and code, the context fields of its peer groups, the counts and populations of
    its funnels."""
    from lks_templates.spec.benchmark import numerator_name

    names = {"org_name", "org_ods_code"}
    for group in spec.peer_groups:
        names |= set(group.same or ())
        names |= {group.bands.field} if group.bands is not None else set()
        names |= set(group.nearest.fields) if group.nearest is not None else set()
    for funnel in spec.funnels:
        names |= {numerator_name(funnel.numerator), numerator_name(funnel.denominator)}
    return names


def compared_of(
    result: Return, inputs: dict[str, set[str]], kpis: Sequence[str], keep: set[str]
) -> Compared:
    """The part of ``result`` a benchmark keeps (``keep``: :func:`kept_names`)."""
    from lks_templates.readback.duplicates import return_key

    service = service_of(result, inputs, kpis, keep) if result.readable else Service(
        result.file, result.org_ods_code or result.file, "", {}, {}, {})  # fmt: skip
    return Compared(
        file=result.file,
        readable=result.readable,
        template_id=result.template_id,
        template_version=result.template_version,
        org_ods_code=result.org_ods_code,
        reporting_year=result.reporting_year,
        key=return_key(result),
        entered=_entered(result),
        every=tuple(p.key for p in result.periods),
        service=service,
        refused=()
        if result.readable
        else tuple((p.code, p.message) for p in (result.errors or result.problems)),
    )


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _entered(result: Return) -> tuple[str, ...]:
    """The keys of the periods with any measure entered (every period if none are per period)."""
    if not result.measures:
        return tuple(p.key for p in result.periods)
    return tuple(
        p.key
        for index, p in enumerate(result.periods)
        if any(len(v) > index and v[index] is not None for v in result.measures.values())
    )


def _left_out(result: Compared, why: str) -> Problem:
    return Problem(
        "left-out", f"This return is not compared: {why}", file=result.file, severity="warning"
    )


def choose_returns(
    results: Sequence[Compared], spec: BenchmarkSpec
) -> tuple[list[Compared], list[Problem]]:
    """The returns to compare (like periods, first copies) and why each other one is not."""
    from lks_templates.readback.duplicates import FirstCopies

    problems: list[Problem] = []
    candidates: list[Compared] = []
    first = FirstCopies()
    for result in results:
        if not result.readable:
            continue  # its own problem says why it was not read
        if result.template_id != spec.template:
            why = f"it is a return of `{result.template_id}`, not `{spec.template}`."
            problems.append(_left_out(result, why))
            continue
        key = result.key
        earlier = first.repeated(key, result.file) if key is not None else None
        if key is not None and earlier is not None:
            problems.append(_left_out(result, f"it repeats {earlier} ({key.shown}), which "
                                      "is compared instead."))  # fmt: skip
            continue
        if result.reporting_year is None:
            problems.append(_left_out(result, "its reporting year is blank."))
            continue
        candidates.append(result)
    if spec.coverage == "whole_year":
        whole = []
        for result in candidates:
            entered, every = result.entered, result.every
            if entered == every:
                whole.append(result)
            else:
                problems.append(_left_out(result, f"it covers {len(entered)} of "
                                          f"{len(every)} periods and this benchmark compares "
                                          "whole years only."))  # fmt: skip
        candidates = whole
    # Like periods: the commonest (reporting year, periods entered); the latest on a tie.
    shapes = Counter((r.reporting_year, r.entered) for r in candidates)
    if not shapes:
        return [], problems
    year, periods = max(shapes, key=lambda s: (shapes[s], s[0] or 0, len(s[1])))
    chosen = []
    for result in candidates:
        if (result.reporting_year, result.entered) == (year, periods):
            chosen.append(result)
        elif result.reporting_year != year:
            problems.append(_left_out(result, f"it is for {result.reporting_year} and the "
                                      f"benchmark compares {year}."))  # fmt: skip
        else:
            problems.append(_left_out(result, f"it covers the periods "
                                      f"{_span(result.entered)} and the benchmark compares "
                                      f"{_span(periods)}."))  # fmt: skip
    return chosen, problems


def _span(keys: tuple[str, ...]) -> str:
    return f"{keys[0]} to {keys[-1]} ({len(keys)})" if keys else "none"


def kpi_inputs(template: TemplateSpec) -> dict[str, set[str]]:
    """KPI -> the measures and profile fields it uses, through derived figures too."""
    from lks_templates.rules.semantics import Semantics

    semantics = Semantics(template.profile, template.measures, template.derived, template.kpis)
    return {f.name: {*f.measures, *f.profile} for f in semantics.kpis}


def service_of(
    result: Return,
    inputs: dict[str, set[str]],
    kpis: Sequence[str],
    keep: set[str] | None = None,
) -> Service:
    """The compared figures of one return; a KPI with an input in error counts as blank.
    With ``keep``, only those profile fields and measure sums are kept."""
    broken = {p.field for p in result.errors if p.field}
    values: dict[str, float] = {}
    for name in kpis:
        value = _number(result.kpis.get(name))
        if value is not None and not (inputs.get(name, set()) & broken):
            values[name] = value
    sums = {
        name: sum(v for v in (_number(x) for x in items) if v is not None)
        for name, items in result.measures.items()
        if keep is None or name in keep
    }
    org = result.profile.get("org_name")
    return Service(
        file=result.file,
        code=result.org_ods_code or result.file,
        name=str(org) if org is not None else "",
        profile={k: v for k, v in result.profile.items() if keep is None or k in keep},
        kpis=values,
        sums=sums,
    )


def group_members(
    group: PeerGroup, services: Sequence[Service], spec: BenchmarkSpec
) -> tuple[dict[str, list[Service]], dict[str, str], list[Problem]]:
    """Group label -> members; service code -> its group label; problems for missing values."""
    problems: list[Problem] = []
    by_code = {s.code: s for s in services}
    home: dict[str, str] = {}
    members: dict[str, list[Service]] = {}

    def missing(service: Service, name: str) -> None:
        problems.append(Problem("no-peer-group", f"{service.code} has no `{group.name}` peer "
                                f"group: its `{name}` is blank or not a number.", file=service.file,
                                severity="warning", field=name))  # fmt: skip

    if group.same is not None:
        for service in services:
            values = [service.profile.get(name) for name in group.same]
            blank = [n for n, v in zip(group.same, values, strict=True) if v in (None, "")]
            if blank:
                missing(service, blank[0])
                continue
            label = " / ".join(str(v) for v in values)
            home[service.code] = label
            members.setdefault(label, []).append(service)
    elif group.bands is not None:
        name = group.bands.field
        present = {s.code: v for s in services if (v := _number(s.profile.get(name))) is not None}
        for service in services:
            if service.code not in present:
                missing(service, name)
        breaks = (
            [float(b) for b in group.bands.breaks]
            if group.bands.breaks is not None
            else stats.quantile_breaks(list(present.values()), group.bands.quantiles or 2)
            if present
            else []
        )
        for code, value in present.items():
            label = stats.band_label(stats.band_index(value, breaks), breaks)
            home[code] = label
            members.setdefault(label, []).append(by_code[code])
    elif group.nearest is not None:
        weights = {k: float(w) for k, w in group.nearest.fields.items()}
        complete: dict[str, dict[str, float]] = {}
        for service in services:
            found = {f: _number(service.profile.get(f)) for f in weights}
            gap = [f for f, v in found.items() if v is None]
            if gap:
                missing(service, gap[0])
            else:
                complete[service.code] = {f: v for f, v in found.items() if v is not None}
        if complete:
            for code, codes in stats.nearest_groups(complete, weights, group.nearest.k).items():
                home[code] = code
                members[code] = [by_code[c] for c in codes]
    return members, home, problems


def _count(service: Service, text: str) -> float | None:
    from lks_templates.spec.benchmark import numerator_name

    name = numerator_name(text)
    if name in service.sums:
        return service.sums[name]
    return _number(service.profile.get(name))


def compare_kpis(spec: BenchmarkSpec, template: TemplateSpec) -> list[str]:
    """The KPIs a benchmark compares: those it names, else every KPI of the template."""
    return list(spec.kpis) if spec.kpis is not None else [k.name for k in template.kpis]


def compare(
    results: Sequence[Return | Compared], spec: BenchmarkSpec, template: TemplateSpec
) -> Outcome:
    """Every row of benchmark.csv and positions.csv for ``results`` (returns read, or what
    :func:`compared_of` keeps of them)."""
    kpis = compare_kpis(spec, template)
    inputs, keep = kpi_inputs(template), kept_names(spec)
    items = [r if isinstance(r, Compared) else compared_of(r, inputs, kpis, keep)
             for r in results]  # fmt: skip
    chosen, problems = choose_returns(items, spec)
    services = [r.service for r in chosen]
    outcome = Outcome(problems=problems, services=services, returns=len(chosen))
    funnels = {f.kpi: f for f in spec.funnels}
    head = {"benchmark_id": spec.id, "benchmark_version": spec.version}
    for group in spec.peer_groups:
        members, home, found = group_members(group, services, spec)
        outcome.problems += found
        outcome.sizes.update({(group.name, label): len(m) for label, m in members.items()})
        outcome.members.update({(group.name, label): [s.code for s in m]
                                for label, m in members.items()})  # fmt: skip
        spreads: dict[tuple[str, str], stats.Spread | None] = {}
        for label in sorted(members):
            for kpi in kpis:
                values = [s.kpis[kpi] for s in members[label] if kpi in s.kpis]
                shown = stats.spread(values) if len(values) >= spec.min_group_size else None
                spreads[(label, kpi)] = shown
                row: Row = {**head, "peer_group": group.name, "group": label, "kpi": kpi}
                row.update(_spread_cells(shown, len(values), spec.show_range))
                outcome.benchmark.append(row)
        for service in services:
            own = home.get(service.code)
            if own is None:
                continue
            for kpi in kpis:
                cuts = spreads[(own, kpi)]
                value = service.kpis.get(kpi)
                n = sum(kpi in s.kpis for s in members[own])
                row = {"org_ods_code": service.code, "org_name": service.name,
                       "peer_group": group.name, "group": own, "kpi": kpi, "value": value,
                       **_spread_cells(cuts, n, False), "quartile": None}  # fmt: skip
                del row["min"], row["max"]
                if cuts is not None and value is not None:
                    row["quartile"] = stats.quarter(value, cuts)
                row.update(_funnel_cells(funnels.get(kpi), service, members[own], cuts))
                outcome.positions.append(row)
    return outcome


def _spread_cells(cuts: stats.Spread | None, n: int, show_range: bool) -> Row:
    if cuts is None:
        return {"n": n, "q1": None, "median": None, "q3": None, "min": None, "max": None,
                "suppressed": True}  # fmt: skip
    return {"n": n, "q1": cuts.q1, "median": cuts.median, "q3": cuts.q3,
            "min": cuts.min if show_range else None, "max": cuts.max if show_range else None,
            "suppressed": False}  # fmt: skip


def _funnel_cells(
    funnel: Funnel | None, service: Service, members: Sequence[Service], cuts: object
) -> Row:
    cells: Row = dict.fromkeys(FUNNEL_COLUMNS)
    if funnel is None or cuts is None:
        return cells  # no funnel for this KPI, or the group is suppressed
    pairs = [(_count(s, funnel.numerator), _count(s, funnel.denominator)) for s in members]
    usable = [(o, n) for o, n in pairs if o is not None and n is not None and n > 0]
    own_o, own_n = _count(service, funnel.numerator), _count(service, funnel.denominator)
    total_n = sum(n for _, n in usable)
    if own_o is None or own_n is None or own_n <= 0 or total_n <= 0:
        return cells
    limits = stats.funnel_limits(
        sum(o for o, _ in usable), total_n, own_n, funnel.limits, float(funnel.per)
    )
    rate = own_o / own_n * float(funnel.per)
    cells.update({
        "funnel_numerator": own_o, "funnel_denominator": own_n, "funnel_rate": rate,
        "funnel_group_rate": limits.group_rate, "funnel_lower_95": limits.lower_95,
        "funnel_upper_95": limits.upper_95, "funnel_lower_998": limits.lower_998,
        "funnel_upper_998": limits.upper_998,
        "funnel_position": stats.funnel_position(rate, limits),
    })  # fmt: skip
    return cells
