"""Changes to the named parts of a template: derived figures, KPIs, rules, charts, FAQ.

Formulas are compared written out again (:func:`canonical_formula`) with the older
version's field names renamed, so that spacing, line breaks or a rename alone are no
change of formula.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lks_templates.evolve.change import Bump, Change
from lks_templates.evolve.change import make_change as _change
from lks_templates.evolve.change import shown as _shown
from lks_templates.evolve.locate import Locator
from lks_templates.formula import FormulaSyntaxError, parse, to_excel
from lks_templates.spec.models import Chart, Derived, Kpi, ResolvedTemplate, Rule


def canonical_formula(text: str, rename: Callable[[str], str]) -> str:
    """A formula written out again with renamed names, so that spacing, line breaks and a
    rename alone do not count as a change of formula."""
    try:
        return to_excel(parse(text), rename)
    except FormulaSyntaxError:
        return " ".join(text.split())


# The keys of derived figures, KPIs, rules and charts, and the bump a change to each needs.
DERIVED_KEYS: tuple[tuple[str, Bump], ...] = (
    ("formula", "major"),
    ("unit", "major"),
    ("title", "patch"),
    ("format", "patch"),
    ("description", "patch"),
)
KPI_KEYS: tuple[tuple[str, Bump], ...] = (
    ("formula", "major"),
    ("unit", "major"),
    ("target", "minor"),
    ("direction", "minor"),
    ("title", "patch"),
    ("format", "patch"),
    ("description", "patch"),
)
RULE_KEYS: tuple[tuple[str, Bump], ...] = (
    ("check", "minor"),
    ("severity", "minor"),
    ("message", "patch"),
)
CHART_KEYS: tuple[tuple[str, Bump], ...] = (
    ("type", "minor"),
    ("series", "minor"),
    ("cumulative", "minor"),
    ("title", "patch"),
    ("alt_text", "patch"),
)
_FORMULA_KEYS = {"formula", "check"}


def named_changes(
    kind: str,
    label: str,
    old_items: Sequence[Derived | Kpi | Rule],
    new_items: Sequence[Derived | Kpi | Rule],
    keys: tuple[tuple[str, Bump], ...],
    rename: Callable[[str], str],
    where: Locator,
) -> list[Change]:
    """Derived figures, KPIs or rules (``kind``) added, removed or changed, by name. A
    removed derived figure or KPI is major (its figures stop); a removed rule is minor."""
    list_key = {"kpi": "kpis", "rule": "rules"}.get(kind, kind)
    old_by_name = {item.name: item for item in old_items}
    new_names = {item.name for item in new_items}
    found: list[Change] = []
    for item in old_items:
        if item.name not in new_names:
            bump: Bump = "minor" if kind == "rule" else "major"
            found.append(
                _change(
                    f"{kind}-removed",
                    item.name,
                    bump,
                    where.template(list_key),
                    f"{label} removed: {item.name}",
                )
            )
    for item in new_items:
        before = old_by_name.get(item.name)
        if before is None:
            found.append(
                _change(
                    f"{kind}-added",
                    item.name,
                    "minor",
                    where.item(list_key, item.name),
                    f"{label} added: {item.name}",
                )
            )
            continue
        for key, bump in keys:
            old_value, new_value = getattr(before, key), getattr(item, key)
            if key in _FORMULA_KEYS:
                same = canonical_formula(old_value, rename) == canonical_formula(
                    new_value, lambda n: n
                )
            else:
                same = old_value == new_value
            if not same:
                found.append(
                    _change(
                        f"{kind}-{key}",
                        item.name,
                        bump,
                        where.item(list_key, item.name, key),
                        f"{label} {item.name}: {key} changed: {_shown(old_value)} "
                        f"-> {_shown(new_value)}",
                    )
                )
    return found


def chart_changes(
    old_charts: Sequence[Chart],
    new_charts: Sequence[Chart],
    rename: Callable[[str], str],
    where: Locator,
) -> list[Change]:
    """Charts have no names: matched by title, then the rest by position. What a chart
    shows (type, series, running totals) is minor; its title and alt text are patches."""
    unmatched = list(old_charts)
    matched: list[Chart | None] = []
    for chart in new_charts:
        same = next((c for c in unmatched if c.title == chart.title), None)
        if same is not None:
            unmatched.remove(same)
        matched.append(same)
    # A chart whose title changed is the old chart left over at the same turn.
    rest = iter(unmatched)
    matched = [before if before is not None else next(rest, None) for before in matched]
    found: list[Change] = []
    for index, (chart, before) in enumerate(zip(new_charts, matched, strict=True)):
        if before is None:
            found.append(
                _change(
                    "chart-added",
                    chart.title,
                    "minor",
                    where.template("charts", index, key=False),
                    f"chart added: {chart.title}",
                )
            )
            continue
        for key, bump in CHART_KEYS:
            old_value, new_value = getattr(before, key), getattr(chart, key)
            if key == "series":
                old_value = [rename(s) for s in old_value]
            if old_value != new_value:
                found.append(
                    _change(
                        f"chart-{key.replace('_', '-')}",
                        chart.title,
                        bump,
                        where.template("charts", index, key),
                        f"chart {chart.title!r}: {key} changed: {_shown(old_value)} "
                        f"-> {_shown(new_value)}",
                    )
                )
    for before in rest:
        found.append(
            _change(
                "chart-removed",
                before.title,
                "minor",
                where.template("charts"),
                f"chart removed: {before.title}",
            )
        )
    return found


def faq_changes(old: ResolvedTemplate, new: ResolvedTemplate, where: Locator) -> list[Change]:
    """Questions added, removed or answered differently: all wording, so patches."""
    old_entries = {e.question: e for e in (old.faq.entries if old.faq else [])}
    new_entries = new.faq.entries if new.faq else []
    found: list[Change] = []
    asked = {e.question for e in new_entries}
    for question in old_entries:
        if question not in asked:
            found.append(
                _change(
                    "faq-removed",
                    question,
                    "patch",
                    where.faq(question),
                    f"FAQ question removed: {_shown(question)}",
                )
            )
    for entry in new_entries:
        before = old_entries.get(entry.question)
        if before is None:
            found.append(
                _change(
                    "faq-added",
                    entry.question,
                    "patch",
                    where.faq(entry.question),
                    f"FAQ question added: {_shown(entry.question)}",
                )
            )
            continue
        for key in ("answer", "topic"):
            if getattr(before, key) != getattr(entry, key):
                found.append(
                    _change(
                        f"faq-{key}",
                        entry.question,
                        "patch",
                        where.faq(entry.question, key),
                        f"FAQ {key} changed: {_shown(entry.question)}",
                    )
                )
    return found
