"""``import_counter``: COUNTER reports into a copy of a filled e-resources return.

The steps:

1. read every report (:mod:`.reports`); a damaged one is named and left out, the rest go on;
2. match platforms across reports by name and, where given, registry record;
3. drop second copies of a report (the same report of a platform and month given twice);
4. for each field, platform and month of the return's year, take the first source of the
   rule (:mod:`.rules`) that has a report, and sum the metric;
5. compare with what the return already holds: a different figure is a conflict, left as
   it was unless ``replace``;
6. build the template again with every value of the return and the imported figures
   (``build_workbook(values=...)``), so NEW is a normal workbook that reads back clean, and
   write beside it the table of where every figure came from.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lks_templates.counter.reports import DAMAGED_CODES, Report, UsageRow, read_report
from lks_templates.counter.rules import (
    PLATFORM_FIELDS,
    PLATFORM_REPORTS,
    RULES,
    USED_REPORTS,
    FieldRule,
)
from lks_templates.errors import Problem, Severity
from lks_templates.words import counted

if TYPE_CHECKING:
    from lks_templates.readback.result import Location, Return
    from lks_templates.spec.specset import SpecSource

SOURCE_COLUMNS = ("field", "month", "platform", "report", "file", "value")
"""The columns of ``NEW.counter.csv``: one row per figure taken from one report."""
TABLE_SUFFIX = ".counter.csv"


@dataclass(frozen=True)
class SourceRow:
    """One figure taken from one report: a row of ``NEW.counter.csv``."""

    field: str
    month: str
    """``2026-04``."""
    platform: str
    report: str
    """The Report_ID (PR_P1, TR_B1 ...)."""
    file: str
    value: int


@dataclass
class CounterImport:
    """What :func:`import_counter` did: the files written, the figures, every problem."""

    out: Path | None = None
    """The new workbook; None when nothing was written (the return could not take it)."""
    table: Path | None = None
    """``NEW.counter.csv``, the table of where each figure came from."""
    reports: list[Report] = field(default_factory=list)
    """The reports used (damaged ones and second copies left out)."""
    sources: list[SourceRow] = field(default_factory=list)
    """Every figure taken, by field, month, platform and report."""
    filled: dict[tuple[str, str], int] = field(default_factory=dict)
    """(field, month) -> the figure written into NEW."""
    problems: list[Problem] = field(default_factory=list)
    """Every problem: damaged reports, duplicates, months outside the year, gaps, conflicts."""

    @property
    def used(self) -> int:
        """How many report files supplied at least one figure."""
        return len({source.file for source in self.sources})

    @property
    def failed(self) -> bool:
        """Whether a conflict or a damaged report was found (the command then exits 1)."""
        return any(
            p.code in DAMAGED_CODES or p.code in ("counter-conflict", "counter-wrong-return")
            for p in self.problems
        )


def month_key(month: dt.date) -> str:
    """``2026-04``: a month as the table writes it."""
    return f"{month.year:04d}-{month.month:02d}"


def month_words(month: dt.date) -> str:
    """``Apr-2026``: a month as COUNTER's tabular reports write it."""
    return month.strftime("%b-%Y")


def _span(months: Sequence[dt.date]) -> str:
    """``Apr-2026`` or ``Apr-2026 to Jun-2026``."""
    ordered = sorted(months)
    if len(ordered) == 1:
        return month_words(ordered[0])
    return f"{month_words(ordered[0])} to {month_words(ordered[-1])}"


def _problem(
    code: str,
    message: str,
    file: str,
    severity: Severity = "warning",
    *,
    where: Location | None = None,
    field: str = "",
    period: str = "",
) -> Problem:
    sheet, cell = (where.sheet, where.cell) if where else ("", "")
    return Problem(
        code,
        message,
        file=file,
        severity=severity,
        sheet=sheet,
        cell=cell,
        field=field,
        period=period,
    )


class _Platforms:
    """Platforms matched across reports by name and, where given, registry record."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.names: dict[str, str] = {}

    def _find(self, token: str) -> str:
        while self.parent.setdefault(token, token) != token:
            token = self.parent[token]
        return token

    def add(self, name: str, registry: str) -> None:
        token = "name:" + " ".join(name.split()).casefold()
        self.names.setdefault(self._find(token), name)
        if registry:
            reg = "registry:" + registry.strip().rstrip("/").casefold()
            a, b = self._find(token), self._find(reg)
            if a != b and b in self.names:
                self.parent[a] = b  # seen before under another name: keep the first name
            elif a != b:
                self.parent[b] = a

    def key(self, name: str) -> str:
        return self._find("name:" + " ".join(name.split()).casefold())

    def name(self, key: str) -> str:
        return self.names.get(key, key)


def import_counter(
    reports: Iterable[str | os.PathLike[str]],
    into: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    replace: bool = False,
    specs: SpecSource = None,
    now: dt.datetime | None = None,
) -> CounterImport:
    """Read COUNTER R5 / R5.1 reports and write ``out``: the return ``into`` with them in.

    ``into`` is never changed. ``replace``: take the reports' figure where the return holds
    a different one (otherwise that is a ``counter-conflict``, left as it was). ``specs``:
    as for :func:`~lks_templates.read_return`. ``now``: the time noted on the About sheet
    (default: the current time, UTC). Writes ``out`` and ``OUT.counter.csv`` beside it;
    never raises for a problem with a report or the return: see ``problems``.
    """
    from lks_templates.readback.read import load_spec_set, read_return

    result = CounterImport()
    spec_set = load_spec_set(specs)
    into_label = str(into)
    read = read_return(into, specs=spec_set)
    resolved = spec_set.resolve(read.template_id, read.template_version or None)
    why = _why_not_importable(read, resolved)
    if why or resolved is None:
        result.problems.append(
            _problem("counter-wrong-return", why or "", into_label, severity="error")
        )
        return result
    year_months = [p.start for p in read.periods if p.start is not None]
    loaded = _load(reports, result)
    result.reports = _without_duplicates(loaded, result)
    platforms = _Platforms()
    for report in result.reports:
        for name in report.platforms:
            platforms.add(name, report.registry if len(report.platforms) == 1 else "")
    _outside_year(result, year_months)
    claims = _claims(result, platforms, set(year_months))
    totals = _figures(result, claims, platforms, year_months)
    values = _merge(read, totals, result, replace, into_label)
    _gaps_and_lacks(result, claims, platforms, year_months)
    result.out = _write(resolved, read, values, result, Path(out), now)
    return result


def _why_not_importable(read: Return, resolved: object) -> str:
    wanted = {rule.field for rule in RULES}
    if not read.readable:
        first = read.problems[0].message if read.problems else "it cannot be read"
        return f"The return cannot be read: {first}"
    if resolved is None or not wanted & set(read.measures):
        return (
            f"This return is template {read.template_id!r}, which has no COUNTER fields "
            "(counter_total_item_requests ...); import into the e-resources return."
        )
    if read.reporting_year is None or len(read.periods) != 12:
        return (
            "The return has no reporting year, so its months are not known; type the year on "
            "the Data sheet, save, and import again."
        )
    return ""


def _load(paths: Iterable[str | os.PathLike[str]], result: CounterImport) -> list[Report]:
    loaded = []
    for path in paths:
        report, problems = read_report(path)
        result.problems.extend(problems)
        if report is not None:
            if report.report_id not in USED_REPORTS:
                result.problems.append(
                    _problem(
                        "counter-unused-report",
                        f"{report.report_id} supplies none of the return's figures (see the "
                        "rule in docs/counter.md); it was read and not used.",
                        report.file,
                    )
                )
                continue
            loaded.append(report)
    return loaded


def _without_duplicates(reports: list[Report], result: CounterImport) -> list[Report]:
    """The first of each report of the same type, platforms and period."""
    seen: dict[tuple[str, tuple[str, ...], dt.date, dt.date], Report] = {}
    kept = []
    for report in reports:
        names = tuple(sorted(" ".join(n.split()).casefold() for n in report.platforms))
        key = (report.report_id, names, report.begin, report.end)
        first = seen.get(key)
        if first is None:
            seen[key] = report
            kept.append(report)
            continue
        differ = "" if first.same_content(report) else " Its figures differ; the first is used."
        of = ", ".join(report.platforms) or "no platform"
        result.problems.append(
            _problem(
                "counter-duplicate",
                f"The same {report.report_id} report of {of} "
                f"for {_span(report.months)} as {first.file}: counted once.{differ}",
                report.file,
            )
        )
    return kept


def _outside_year(result: CounterImport, year_months: list[dt.date]) -> None:
    wanted = set(year_months)
    for report in result.reports:
        outside = [m for m in report.months if m not in wanted]
        if not outside:
            continue
        used = (
            "none of its months is used"
            if len(outside) == len(report.months)
            else ("those months are not used")
        )
        result.problems.append(
            _problem(
                "counter-outside-year",
                f"The report covers {_span(outside)} outside the return's year "
                f"({_span(year_months)}); {used}.",
                report.file,
            )
        )


Claims = dict[tuple[str, str, dt.date], Report]
"""(platform key, report type, month) -> the one report that supplies it."""


def _claims(result: CounterImport, platforms: _Platforms, wanted: set[dt.date]) -> Claims:
    """The first report covering each platform, report type and month of the year.

    A later report that covers some of the same months (a year's report and a month's report
    of the same platform) gives nothing for those months: it would count the use twice.
    """
    claims: Claims = {}
    for report in result.reports:
        overlap: list[dt.date] = []
        for name in report.platforms:
            for month in report.months:
                if month not in wanted:
                    continue
                key = (platforms.key(name), report.report_id, month)
                if key in claims and claims[key] is not report:
                    overlap.append(month)
                else:
                    claims[key] = report
        if overlap:
            first = {claims[(platforms.key(n), report.report_id, m)].file
                     for n in report.platforms for m in overlap}  # fmt: skip
            result.problems.append(
                _problem(
                    "counter-duplicate",
                    f"{_span(sorted(set(overlap)))} of this {report.report_id} report are also in "
                    f"{', '.join(sorted(first))}: taken from there, counted once.",
                    report.file,
                )
            )
    return claims


def _figures(
    result: CounterImport, claims: Claims, platforms: _Platforms, year_months: list[dt.date]
) -> dict[tuple[str, dt.date], int]:
    """(field, month) -> the sum over platforms, by the rule; fills ``result.sources``."""
    keys = list(dict.fromkeys(platforms.key(n) for r in result.reports for n in r.platforms))
    totals: dict[tuple[str, dt.date], int] = {}
    index = _index(result.reports, platforms)
    for rule in RULES:
        for month in year_months:
            for key in keys:
                for report, value in _one(rule, claims, index, key, month):
                    totals[(rule.field, month)] = totals.get((rule.field, month), 0) + value
                    result.sources.append(
                        SourceRow(
                            rule.field,
                            month_key(month),
                            platforms.name(key),
                            report.report_id,
                            report.file,
                            value,
                        )
                    )
    return totals


Index = dict[tuple[int, str, str, dt.date], list[UsageRow]]
"""(report's id, platform key, metric, month) -> its rows: each report is scanned once."""


def _index(reports: list[Report], platforms: _Platforms) -> Index:
    index: Index = {}
    for report in reports:
        for row in report.rows:
            key = (id(report), platforms.key(row.platform), row.metric, row.month)
            index.setdefault(key, []).append(row)
    return index


def _one(
    rule: FieldRule, claims: Claims, index: Index, key: str, month: dt.date
) -> list[tuple[Report, int]]:
    """The figures of one platform and month: from the first source with a report."""
    for source in rule.sources:
        found = [
            claims[(key, r, month)]
            for r in source.reports
            if (key, r, month) in claims and claims[(key, r, month)].carries(rule.metric)
        ]
        if found:
            return [
                (
                    report,
                    sum(
                        row.count
                        for row in index.get((id(report), key, rule.metric, month), [])
                        if source.keep(row)
                    ),
                )
                for report in found
            ]
    return []


def _merge(
    read: Return,
    totals: dict[tuple[str, dt.date], int],
    result: CounterImport,
    replace: bool,
    into: str,
) -> dict[str, object]:
    """Every value of the return, with the imported figures in where they may go."""
    values: dict[str, object] = {"reporting_year": read.reporting_year}
    for name, value in read.profile.items():
        values[name] = read.raw_errors.get((name, ""), value)
    keys = [p.key for p in read.periods]
    for name, series in read.measures.items():
        values[name] = [
            read.raw_errors.get((name, k), v) for k, v in zip(keys, series, strict=True)
        ]
    for (name, month), figure in totals.items():
        if name not in read.measures:
            continue
        index = [p.start for p in read.periods].index(month)
        column = values[name]
        assert isinstance(column, list)
        held = column[index]
        if held is None or held == figure:
            column[index] = figure
            result.filled[(name, month_key(month))] = figure
            continue
        where = read.locations.get((name, keys[index]))
        shown = f"{held:,}" if isinstance(held, int | float) else repr(held)
        if replace:
            column[index] = figure
            result.filled[(name, month_key(month))] = figure
            result.problems.append(
                _problem(
                    "counter-replaced",
                    f"{name} for {month_words(month)} was {shown}; replaced by the reports' "
                    f"{figure:,} (--replace).",
                    into,
                    field=name,
                    period=keys[index],
                    where=where,
                )
            )
        else:
            result.problems.append(
                _problem(
                    "counter-conflict",
                    f"{name} for {month_words(month)} holds {shown}; the reports give "
                    f"{figure:,}. Left as it was; check which is right, or import with "
                    "--replace to take the reports' figure.",
                    into,
                    "error",
                    field=name,
                    period=keys[index],
                    where=where,
                )
            )
    result.sources = [s for s in result.sources if (s.field, s.month) in result.filled]
    return values


def _gaps_and_lacks(
    result: CounterImport, claims: Claims, platforms: _Platforms, year_months: list[dt.date]
) -> None:
    covered: dict[str, set[dt.date]] = {}
    types: dict[str, set[str]] = {}
    files: dict[str, str] = {}
    for (key, report_id, month), report in claims.items():
        covered.setdefault(key, set()).add(month)
        types.setdefault(key, set()).add(report_id)
        files.setdefault(key, report.file)
    for key, months in covered.items():
        name = platforms.name(key)
        inside = [m for m in year_months if min(months) <= m <= max(months)]
        missing = [m for m in inside if m not in months]
        if missing:
            result.problems.append(
                _problem(
                    "counter-gap",
                    f"Platform {name!r} has reports for {_span(sorted(months))} but none for "
                    f"{', '.join(month_words(m) for m in missing)}: those months are not "
                    "filled for it. Download the missing months' reports.",
                    files[key],
                )
            )
        if not types[key] & set(PLATFORM_REPORTS):
            result.problems.append(
                _problem(
                    "counter-no-platform-report",
                    f"Platform {name!r} has no platform report (PR_P1 or PR), only "
                    f"{', '.join(sorted(types[key]))}: {' and '.join(PLATFORM_FIELDS)} are "
                    "not filled for it. Download its PR_P1 report to count its item requests.",
                    files[key],
                )
            )


def about_note(result: CounterImport, when: dt.datetime, table: str) -> str:
    """The About sheet's note of the import: when, from how many reports, and where to look."""
    months = sorted({month for _field, month in result.filled})
    span = f"{months[0]} to {months[-1]}" if len(months) > 1 else "".join(months)
    return (
        f"COUNTER usage figures were imported on {when:%Y-%m-%d at %H:%M} UTC from "
        f"{counted(result.used, 'report')} by lks-templates import-counter"
        + (f", for {span}" if span else "")
        + f". Where each figure came from is listed in {table}."
    )


def _write(
    resolved: object,
    read: Return,
    values: dict[str, object],
    result: CounterImport,
    out: Path,
    now: dt.datetime | None,
) -> Path:
    from lks_templates.atomic import write_atomically
    from lks_templates.build import build_workbook
    from lks_templates.spec.models import ResolvedTemplate

    assert isinstance(resolved, ResolvedTemplate)
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    table = out.with_name(out.stem + TABLE_SUFFIX)
    note = about_note(result, when, table.name)
    del read
    path = build_workbook(resolved, out, values=values, notes=[note])  # type: ignore[arg-type]
    result.table = write_atomically(table, lambda temp: write_sources(result.sources, temp))
    return path


def write_sources(rows: Sequence[SourceRow], path: str | os.PathLike[str]) -> None:
    """Write the table of sources as CSV in the project's one dialect (see
    :mod:`lks_templates.collection.output`: a field holding a comma, a quote or any line
    break, a lone CR included, is quoted), every text cell guarded against formula
    injection."""
    from lks_templates.collection import escape_text, write_rows

    with open(path, "w", encoding="utf-8", newline="") as stream:
        write_rows(stream, [SOURCE_COLUMNS])
        write_rows(
            stream,
            [
                [
                    escape_text(row.field),
                    escape_text(row.month),
                    escape_text(row.platform),
                    escape_text(row.report),
                    escape_text(row.file),
                    str(row.value),
                ]
                for row in rows
            ],
        )
