"""Carry the values of a read return into another version of its template.

``migrate`` carries a return into a newer version (the same year, every value where it
was); ``rollover`` starts next year's workbook from it (the profile carried, this year's
period values moved into the Last year block). Both go through here, by field name and
through renames (:func:`lks_templates.evolve.renames.field_map`).

A value is carried only when it arrives exactly as it was. Each value that cannot be is
a ``not-carried`` problem, located at the return's cell, saying why, and is left out,
never guessed:

- its field is not in the new version (removed, or no longer collected by the template),
  or moved between the profile and the measures;
- its period is not in the new version (another frequency or year start);
- its field's type changed (but a whole number into a number field, which is exact);
- the new version refuses it: it is checked against the new field by the rules read-back
  checks every cell with (:func:`lks_templates.readback.values.check_value`);
- the return itself could not use it: a cell with an error in the return (a type error,
  a formula, a value outside the old constraints) is not carried, so that migrating never
  turns a value the return's own checks refused into one that looks clean. The return's
  own problems are kept with the result (:attr:`Carry.source`), for the report.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from lks_templates.errors import Problem
from lks_templates.evolve.renames import field_map
from lks_templates.readback.result import Return
from lks_templates.readback.values import Value, check_value, check_year, format_value
from lks_templates.rules.periods import period_slots
from lks_templates.spec.models import FieldSpec, ResolvedTemplate, TemplateSpec
from lks_templates.spec.names import LAST_YEAR_PREFIX

YEAR = "reporting_year"
"""The input name of the reporting year (``build_workbook`` values, problems' field)."""
EXACT_WIDENINGS = frozenset({("integer", "number")})
"""Type changes every value survives exactly."""


@dataclass
class Carry:
    """What carrying one return into a target version gives: the values to build the new
    workbook with, and what was and was not carried."""

    source: Return
    """The return as read (its own problems in ``source.problems``)."""
    target: ResolvedTemplate
    """The version carried into."""
    values: dict[str, Any] = field(default_factory=dict)
    """Input values for :func:`lks_templates.build.build_workbook` (``values=``)."""
    last_year: dict[str, list[float | None]] = field(default_factory=dict)
    """Measure -> last year's values in period order (``build_workbook(last_year=)``)."""
    profile_carried: int = 0
    """Profile values carried (fields entered once)."""
    periods_carried: int = 0
    """Period values carried (into the measures, or into the Last year block)."""
    year_carried: bool = False
    """Whether a reporting year was written."""
    renamed: dict[str, str] = field(default_factory=dict)
    """Old name -> new name, for each field with a value carried under its new name."""
    cleared: list[str] = field(default_factory=list)
    """``rollover``: profile fields left blank because they say ``rollover: clear``."""
    added: list[str] = field(default_factory=list)
    """Input fields of the target that nothing was carried into (new in that version)."""
    problems: list[Problem] = field(default_factory=list)
    """One ``not-carried`` problem per value left out, located at the return's cell."""

    @property
    def carried(self) -> int:
        """Every value carried: profile and period values (the year not counted)."""
        return self.profile_carried + self.periods_carried


def period_keys(resolved: ResolvedTemplate) -> list[str]:
    """The period keys of a template, in order (none for a form)."""
    template = resolved.template
    if not isinstance(template, TemplateSpec):
        return []
    return [slot.key for slot in period_slots(template.period)]


def carry_return(
    source: Return,
    old: ResolvedTemplate,
    new: ResolvedTemplate,
    blocks: Collection[str] | None = None,
) -> Carry:
    """The values of ``source`` (read against ``old``) as ``new`` takes them: profile and
    period values by field name through renames, the return's own last year's figures
    and the reporting year. ``blocks``: the measures with last year's cells in ``new``
    (``Contract.last_year``); None takes every measure to have them."""
    carry = _Carrier(source, old, new, blocks)
    carry.profile(clear=False)
    carry.measures(into_last_year=False)
    carry.own_last_year()
    carry.year(step=0)
    return carry.finish()


def roll_over(
    source: Return,
    old: ResolvedTemplate,
    new: ResolvedTemplate,
    blocks: Collection[str] | None = None,
) -> Carry:
    """Next year's values from ``source``: the profile (but fields that say ``rollover:
    clear``), the reporting year plus one, and this year's period values as last year's
    (``lks_last_year_<measure>``); this year's period cells stay blank. ``blocks`` as for
    :func:`carry_return`."""
    carry = _Carrier(source, old, new, blocks)
    carry.profile(clear=True)
    carry.measures(into_last_year=True)
    carry.year(step=1)
    return carry.finish()


class _Carrier:
    """The work of one carry, sharing the return, both versions and the result."""

    def __init__(
        self,
        source: Return,
        old: ResolvedTemplate,
        new: ResolvedTemplate,
        blocks: Collection[str] | None,
    ) -> None:
        self.source = source
        self.blocks = blocks
        self.old = old
        self.new = new
        self.result = Carry(source=source, target=new)
        self.names = field_map(old, new)
        self.old_fields = {f.name: f for f in [*old.profile_fields, *old.measure_fields]}
        self.new_fields = {f.name: f for f in [*new.profile_fields, *new.measure_fields]}
        # The return's own errors, by cell: such a value is never carried (module docstring).
        self.own_errors: dict[tuple[str, str], str] = {}
        for problem in source.problems:
            if problem.severity == "error" and problem.field:
                self.own_errors.setdefault((problem.field, problem.period), problem.code)

    # -- the three parts ----------------------------------------------------------------

    def profile(self, *, clear: bool) -> None:
        for name, value in self.source.profile.items():
            target = self._target(name, "", value, profile=True)
            if target is None:
                continue
            if clear and self.new_fields[target].rollover == "clear":
                self.result.cleared.append(target)
                continue
            carried = self._value(name, target, "", value)
            if carried is not None:
                self.result.values[target] = carried
                self.result.profile_carried += 1
                self._carried(name, target)

    def measures(self, *, into_last_year: bool) -> None:
        """This year's period values: into the same cells, or into last year's."""
        for name, series in self.source.measures.items():
            self._series(name, name, series, into_last_year=into_last_year)

    def own_last_year(self) -> None:
        """The Last year block of the return itself (``migrate`` keeps it)."""
        for name, series in self.source.last_year.items():
            self._series(name, LAST_YEAR_PREFIX + name, series, into_last_year=True)

    def _series(
        self, name: str, cell: str, series: list[Value | None], *, into_last_year: bool
    ) -> None:
        """One measure's values, in period order; ``cell``: the input name its cells
        are read (and located) under, the measure's own or its last year's."""
        new_keys = period_keys(self.new)
        same_year = self._same_year_start()
        cells = [(p.key, v) for p, v in zip(self.source.periods, series, strict=True)]
        entered = [(key, v) for key, v in cells if self._has_entry(cell, key, v)]
        if not entered:
            return
        target = self.names.get(name)
        if target is None or target not in self.new.measure_names:
            reason = self._missing_reason(name, target, profile=False)
            for key, _ in entered:
                self._not_carried(cell, key, reason)
            return
        if into_last_year and self.blocks is not None and target not in self.blocks:
            version = f"{self.new.template.id} {self.new.template.version}"
            for key, _ in entered:
                self._not_carried(cell, key, f"{version} has no last year's cells for `{target}`")
            return
        values: list[Value | None] = [None] * len(new_keys)
        for key, value in entered:
            if key not in new_keys or not same_year:
                self._not_carried(cell, key, self._period_reason(key, new_keys, same_year))
                continue
            carried = self._value(name, target, key, value, cell=cell)
            if carried is None:
                continue
            if into_last_year and (
                isinstance(carried, bool) or not isinstance(carried, int | float)
            ):
                self._not_carried(cell, key, "last year's cells take numbers only")
                continue
            values[new_keys.index(key)] = carried
            self.result.periods_carried += 1
            self._carried(name, target)
        if into_last_year:
            numbers = [float(v) if isinstance(v, int | float) else None for v in values]
            if any(v is not None for v in numbers):
                self.result.last_year[target] = numbers
        elif any(v is not None for v in values):
            self.result.values[target] = values

    def year(self, *, step: int) -> None:
        year = self.source.reporting_year
        if year is None:
            if (YEAR, "") in self.source.raw_errors:
                self._not_carried(YEAR, "", "the return's reporting year could not be read")
            elif step:
                self._not_carried(
                    YEAR,
                    "",
                    "the return has no reporting year, so next year's is not known; enter it",
                )
            return
        checked = check_year(year + step)
        if checked.value is None:
            detail = checked.findings[0].detail.removesuffix(".") if checked.findings else ""
            self._not_carried(YEAR, "", f"next year's would not be a year ({detail})")
            return
        self.result.values[YEAR] = year + step
        self.result.year_carried = True

    def finish(self) -> Carry:
        inputs = [*self.new.profile_names, *self.new.measure_names]
        known = set(self.names.values())
        self.result.added = [name for name in inputs if name not in known]
        return self.result

    # -- one field, one value -----------------------------------------------------------

    def _target(self, name: str, key: str, value: Value | None, *, profile: bool) -> str | None:
        """The new field ``name`` is carried into; None (with a problem for an entered
        value) when there is none of the same kind."""
        target = self.names.get(name)
        wanted = self.new.profile_names if profile else self.new.measure_names
        if target is not None and target in wanted:
            return target
        if self._has_entry(name, key, value):
            self._not_carried(name, key, self._missing_reason(name, target, profile=profile))
        return None

    def _value(
        self, name: str, target: str, key: str, value: Value | None, *, cell: str = ""
    ) -> Value | None:
        """``value`` as the new field takes it, exactly; None (with a problem) otherwise.
        ``cell``: the input name the value was read under, when not ``name``."""
        cell = cell or name
        if value is None:
            # A blank carries as a blank; a cell the return could not read is reported.
            if (cell, key) in self.source.raw_errors:
                shown = _short(format_value(_plain(self.source.raw_errors[(cell, key)])))
                code = self.own_errors.get((cell, key), "type-error")
                self._not_carried(
                    cell,
                    key,
                    f'the return\'s cell holds "{shown}", which it could not use ({code})',
                )
            return None
        own = self.own_errors.get((cell, key))
        if own is not None:
            self._not_carried(cell, key, f"the return itself has a {own} problem there")
            return None
        old_field, new_field = self.old_fields.get(name), self.new_fields[target]
        if old_field is not None and not _same_type(old_field, new_field):
            self._not_carried(
                cell, key, f"its type changed from {old_field.type} to {new_field.type}"
            )
            return None
        checked = check_value(new_field, value)
        if checked.findings or checked.value != value:
            detail = checked.findings[0].detail if checked.findings else "it would change"
            detail = detail.removesuffix("; correct it.").removesuffix(".")
            version = self.new.template.version
            self._not_carried(cell, key, f"version {version} refuses it: {detail}")
            return None
        return checked.value

    def _has_entry(self, name: str, key: str, value: Value | None) -> bool:
        """Whether the return holds something in that cell (a value, or one it could not use)."""
        return value is not None or (name, key) in self.source.raw_errors

    def _carried(self, name: str, target: str) -> None:
        if name != target:
            self.result.renamed[name] = target

    # -- reasons and problems -----------------------------------------------------------

    def _missing_reason(self, name: str, target: str | None, *, profile: bool) -> str:
        version = f"{self.new.template.id} {self.new.template.version}"
        if target is None:
            return (
                f"{version} has no field `{name}` (it was removed, or the template no "
                "longer collects it)"
            )
        if profile:
            return f"`{target}` is entered per period in {version}, not once"
        return f"`{target}` is entered once in {version}, not per period"

    def _same_year_start(self) -> bool:
        old, new = self.old.template, self.new.template
        if not isinstance(old, TemplateSpec) or not isinstance(new, TemplateSpec):
            return True
        return old.period.year_start_month == new.period.year_start_month

    def _period_reason(self, key: str, new_keys: list[str], same_year: bool) -> str:
        version = f"{self.new.template.id} {self.new.template.version}"
        if not same_year:
            return f"the reporting year of {version} starts in another month"
        shown = ", ".join(_ranges(new_keys)) or "none"
        return f"{version} has no period {key} (its periods: {shown})"

    def _not_carried(self, name: str, key: str, reason: str) -> None:
        where = self.source.locations.get((name, key))
        title = self._title(name)
        during = f" for {key}" if key else ""
        place = f" in {where.sheet}!{where.cell}" if where is not None else ""
        self.result.problems.append(
            Problem(
                "not-carried",
                f"{title}{during}{place} was not carried: {reason}. "
                "Enter it in the new workbook by hand if it still applies.",
                file=self.source.file,
                sheet=where.sheet if where is not None else "",
                cell=where.cell if where is not None else "",
                field=name,
                period=key,
            )
        )

    def _title(self, name: str) -> str:
        if name == YEAR:
            return "Reporting year"
        measure = name.removeprefix(LAST_YEAR_PREFIX)
        known = self.old_fields.get(measure)
        if known is None:
            return f"`{name}`"
        last = " (last year)" if measure != name else ""
        return f"{known.title}{last} (`{name}`)"


def _same_type(old: FieldSpec, new: FieldSpec) -> bool:
    return old.type == new.type or (old.type, new.type) in EXACT_WIDENINGS


def _plain(raw: object) -> Value:
    """A cell's raw content as text-able value for a message."""
    if isinstance(raw, str | int | float | bool):
        return raw
    return str(raw)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ranges(keys: Iterable[str]) -> list[str]:
    """``m01 to m12`` for a run of keys, else the keys."""
    keys = list(keys)
    if len(keys) > 2:
        return [f"{keys[0]} to {keys[-1]}"]
    return keys
