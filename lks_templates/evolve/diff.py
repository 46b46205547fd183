"""``diff``: what changed between two versions of one template or form, and the bump it needs.

:func:`compare` takes two :class:`~lks_templates.spec.models.ResolvedTemplate` of one id
(the older, the newer) and lists each :class:`Change`, located in the newer spec, with the
semver bump it needs (the table is in ``docs/evolving-specs.md``):

- ``major``: returns of the two versions can no longer be read or compared as one series: a
  field removed or renamed, a changed type, unit, definition (a field's ``description``),
  frequency or Year to date rule; a changed formula of a derived figure or KPI; a changed
  period; constraints that refuse a value the older version accepted.
- ``minor``: something added (a field, derived figure, KPI, rule, chart), constraints that
  accept more, a changed target, direction, rule or chart: the figures still line up.
- ``patch``: wording only: titles, counting guidance, messages, FAQ answers, the
  template's description and where to send it.

Fields are matched through renames (:func:`lks_templates.evolve.renames.field_map`), and
formulas compared after renaming, so one rename is one change, not one per formula.
"""

from __future__ import annotations

from lks_templates.evolve.change import BUMP_RANK, Bump, Change, needed_bump
from lks_templates.evolve.change import make_change as _change
from lks_templates.evolve.change import shown as _shown
from lks_templates.evolve.items import (
    CHART_KEYS,
    DERIVED_KEYS,
    KPI_KEYS,
    RULE_KEYS,
    chart_changes,
    faq_changes,
    named_changes,
)
from lks_templates.evolve.locate import Locator
from lks_templates.evolve.renames import field_map
from lks_templates.spec.models import Constraints, FieldSpec, ResolvedTemplate, TemplateSpec

# The template's own keys, and the bump a change to each needs.
TEMPLATE_KEYS: tuple[tuple[str, Bump], ...] = (
    ("title", "patch"),
    ("description", "patch"),
    ("send_to", "patch"),
    ("dataset", "patch"),
    ("faq", "patch"),
    ("infographic", "minor"),
)


def _field(resolved: ResolvedTemplate, name: str) -> FieldSpec | None:
    return next((f for f in resolved.dataset.fields if f.name == name), None)


def _role(resolved: ResolvedTemplate, name: str) -> tuple[str, str]:
    """(what the field is to the template, the template key listing it)."""
    if resolved.is_form:
        return "form field", "fields"
    if name in resolved.measure_names:
        return "measure", "measures"
    return "profile field", "profile"


def compare(old: ResolvedTemplate, new: ResolvedTemplate, where: Locator) -> list[Change]:
    """Every change from ``old`` to ``new`` (two versions of one id), located by ``where``
    in the newer spec, in the order: template, fields, derived figures, KPIs, rules,
    charts, FAQ."""
    mapping = field_map(old, new)
    renamed = {name: now for name, now in mapping.items() if now is not None}

    def rename(name: str) -> str:
        return renamed.get(name, name)

    changes = _template_changes(old, new, where)
    changes += _field_changes(old, new, mapping, where)
    old_t, new_t = old.template, new.template
    if isinstance(old_t, TemplateSpec) and isinstance(new_t, TemplateSpec):
        changes += named_changes(
            "derived", "derived figure", old_t.derived, new_t.derived, DERIVED_KEYS, rename, where
        )
        changes += named_changes("kpi", "KPI", old_t.kpis, new_t.kpis, KPI_KEYS, rename, where)
        changes += chart_changes(old_t.charts, new_t.charts, rename, where)
    changes += named_changes("rule", "rule", old_t.rules, new_t.rules, RULE_KEYS, rename, where)
    changes += faq_changes(old, new, where)
    return changes


def _template_changes(old: ResolvedTemplate, new: ResolvedTemplate, where: Locator) -> list[Change]:
    old_t, new_t = old.template, new.template
    found: list[Change] = []
    if type(old_t) is not type(new_t):
        found.append(
            _change(
                "template-kind",
                new_t.id,
                "major",
                where.template("kind"),
                f"changed from a {old_t.kind} to a {new_t.kind}",
            )
        )
    for key, bump in TEMPLATE_KEYS:
        before, after = getattr(old_t, key, None), getattr(new_t, key, None)
        if before != after:
            found.append(
                _change(
                    f"template-{key.replace('_', '-')}",
                    key,
                    bump,
                    where.template(key),
                    f"template {key} changed: {_shown(before)} -> {_shown(after)}",
                )
            )
    if (
        isinstance(old_t, TemplateSpec)
        and isinstance(new_t, TemplateSpec)
        and old_t.period != new_t.period
    ):
        before, after = old_t.period, new_t.period
        found.append(
            _change(
                "period",
                "period",
                "major",
                where.template("period"),
                f"period changed: {before.frequency} from month {before.year_start_month} "
                f"-> {after.frequency} from month {after.year_start_month}",
            )
        )
    return found


def _field_changes(
    old: ResolvedTemplate,
    new: ResolvedTemplate,
    mapping: dict[str, str | None],
    where: Locator,
) -> list[Change]:
    """Fields added, removed, renamed, moved or reordered, and each kept field's changes."""
    found: list[Change] = []
    for name, now in mapping.items():
        role, key = _role(old, name)
        if now is None:
            found.append(
                _change(
                    "field-removed", name, "major", where.template(key), f"{role} removed: {name}"
                )
            )
            continue
        if now != name:
            found.append(
                _change(
                    "field-renamed",
                    name,
                    "major",
                    where.field(now),
                    f"{role} renamed: {name} -> {now}",
                )
            )
        new_role, new_key = _role(new, now)
        if new_role != role:
            found.append(
                _change(
                    "field-moved",
                    now,
                    "major",
                    where.list_entry(new_key, now),
                    f"{role} {now} is now a {new_role}",
                )
            )
        before, after = _field(old, name), _field(new, now)
        if before is not None and after is not None:
            found += _field_definition(before, after, new_role, where)
    kept = set(mapping.values())
    for name in [*new.profile_names, *new.measure_names]:
        if name not in kept:
            role, key = _role(new, name)
            defined = where.field(name)
            at = f" (defined at {defined.file}:{defined.line})" if defined.line else ""
            found.append(
                _change(
                    "field-added",
                    name,
                    "minor",
                    where.list_entry(key, name),
                    f"{role} added: {name}{at}",
                )
            )
    for key, old_names, new_names in (
        ("profile", old.profile_names, new.profile_names),
        ("measures", old.measure_names, new.measure_names),
    ):
        before_order = [mapping[n] for n in old_names if mapping[n] in new_names]
        after_order = [n for n in new_names if n in before_order]
        if before_order != after_order:
            list_key = "fields" if new.is_form else key
            found.append(
                _change(
                    "fields-reordered",
                    list_key,
                    "patch",
                    where.template(list_key),
                    f"order of the {list_key} changed",
                )
            )
    return found


# A field's keys, and the bump a change to each needs. ``description`` is the definition
# of what is counted; ``guidance`` helps to count it the same way, so it is wording.
FIELD_KEYS: tuple[tuple[str, Bump, str], ...] = (
    ("description", "major", "definition"),
    ("type", "major", "type"),
    ("unit", "major", "unit"),
    ("frequency", "major", "frequency"),
    ("aggregate", "major", "Year to date rule (aggregate)"),
    ("weighted_by", "major", "weighting of the Year to date (weighted_by)"),
    ("blank_means_zero", "major", "blank_means_zero"),
    ("rollover", "minor", "rollover rule"),
    ("title", "patch", "title"),
    ("guidance", "patch", "counting guidance"),
    ("standard", "patch", "standard"),
    ("section", "patch", "section"),
    ("format", "patch", "format"),
    ("example", "patch", "example"),
)


def _field_definition(
    before: FieldSpec, after: FieldSpec, role: str, where: Locator
) -> list[Change]:
    found: list[Change] = []
    name = after.name
    for key, bump, label in FIELD_KEYS:
        old_value, new_value = getattr(before, key), getattr(after, key)
        if old_value != new_value:
            found.append(
                _change(
                    f"field-{key.replace('_', '-')}",
                    name,
                    bump,
                    where.field(name, key),
                    f"{role} {name}: {label} changed: {_shown(old_value)} -> {_shown(new_value)}",
                )
            )
    constraint = constraints_change(before.constraints, after.constraints)
    if constraint is not None:
        bump, detail = constraint
        found.append(
            _change(
                "field-constraints",
                name,
                bump,
                where.field(name, "constraints"),
                f"{role} {name}: {detail}",
            )
        )
    return found


def constraints_change(old: Constraints, new: Constraints) -> tuple[Bump, str] | None:
    """The bump a change of constraints needs and what changed; None when equal.

    Narrowed (some value the older version accepted is now refused: ``required`` added, a
    minimum raised, an allowed value or a pattern changed) is major: an older return may no
    longer read clean. Widened only is minor; a reordered ``enum`` alone is a patch.
    """
    if old == new:
        return None
    narrowed = widened = False
    if old.required != new.required:
        narrowed, widened = narrowed or new.required, widened or not new.required
    for key, higher_narrows in (
        ("minimum", True),
        ("minLength", True),
        ("maximum", False),
        ("maxLength", False),
    ):
        before, after = getattr(old, key), getattr(new, key)
        if before == after:
            continue
        if after is None or before is None:
            tighter = before is None
        else:
            tighter = (after > before) == higher_narrows
        narrowed, widened = narrowed or tighter, widened or not tighter
    if old.enum != new.enum:
        before_set, after_set = set(old.enum or []), set(new.enum or [])
        if old.enum is None or (new.enum is not None and not before_set <= after_set):
            narrowed = True
        elif new.enum is None or after_set > before_set:
            widened = True
    if old.pattern != new.pattern:
        narrowed, widened = narrowed or new.pattern is not None, widened or new.pattern is None
    detail = ", ".join(
        f"{key} {_shown(getattr(old, key))} -> {_shown(getattr(new, key))}"
        for key in Constraints.model_fields
        if getattr(old, key) != getattr(new, key)
    )
    if narrowed:
        return "major", f"constraints narrowed: {detail}"
    if widened:
        return "minor", f"constraints widened: {detail}"
    return "patch", f"constraints reordered: {detail}"


# Every table of bumps, in one place (docs/evolving-specs.md says the same in words).
__all__ = [
    "BUMP_RANK",
    "CHART_KEYS",
    "DERIVED_KEYS",
    "FIELD_KEYS",
    "KPI_KEYS",
    "RULE_KEYS",
    "TEMPLATE_KEYS",
    "Bump",
    "Change",
    "compare",
    "constraints_change",
    "needed_bump",
]
