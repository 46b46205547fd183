"""What the generator promises about a template's workbook, prepared once per template.

Laying out a template is far slower than reading one return, so the expectations read-back
checks a workbook against (defined names, formulas, input cells, periods) are worked out
once per template id and version and cached for the life of the process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lks_templates.readback.formulas import normalise_formula
from lks_templates.readback.workbook import Reference, parse_reference

if TYPE_CHECKING:
    from lks_templates.rules.semantics import Semantics
    from lks_templates.spec.models import FieldSpec, ResolvedTemplate

YEAR_NAME = "reporting_year"


@dataclass(frozen=True)
class Contract:
    """A template's workbook contract, as read-back needs it."""

    resolved: ResolvedTemplate
    sheets: tuple[str, ...]
    """Sheet names, in order."""
    names: dict[str, Reference]
    """Every defined name the generator writes -> where it points."""
    name_texts: dict[str, str]
    formulas: dict[str, dict[str, str]]
    """Sheet -> ``A1`` -> normalised formula, for every formula cell."""
    stored_formulas: dict[str, list[bytes]]
    """Sheet -> the formulas exactly as the generator stores them (XML-escaped), in cell
    order: a sheet whose ``<f>`` elements are exactly these needs no closer look."""
    period_keys: tuple[str, ...]
    fields: dict[str, FieldSpec]
    """Every input field (profile then measures) by name."""
    sha256: str
    rule_cells: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    """(rule name, result index) -> its pass/fail cell (sheet, ``A1``)."""
    periodic_rules: frozenset[str] = frozenset()
    """Rules checked period by period (they name measures)."""
    semantics: Semantics | None = None
    """Parsed formulas, shared by every return of this template."""


def contract_for(resolved: ResolvedTemplate) -> Contract:
    """The (cached) contract of ``resolved``."""
    known = _BY_OBJECT.get(id(resolved))
    if known is not None and known[0] is resolved:
        return known[1]
    key = (resolved.template.id, resolved.template.version, resolved.sha256())
    if key not in _CACHE:
        if len(_CACHE) >= 64:
            _CACHE.clear()
            _BY_OBJECT.clear()
        _CACHE[key] = _prepare(resolved, key[2])
    _BY_OBJECT[id(resolved)] = (resolved, _CACHE[key])
    return _CACHE[key]


_CACHE: dict[tuple[str, str, str], Contract] = {}
# Hashing the spec for the key costs more than reading a small return, so the same
# resolved object (the usual case: one spec set for a whole collection) skips it.
_BY_OBJECT: dict[int, tuple[ResolvedTemplate, Contract]] = {}


def _prepare(resolved: ResolvedTemplate, sha256: str) -> Contract:
    from lks_templates.layout import plan_workbook
    from lks_templates.rules.periods import period_slots
    from lks_templates.rules.semantics import semantics_of

    plan = plan_workbook(resolved)
    names: dict[str, Reference] = {}
    for name, text in plan.defined_names.items():
        ref = parse_reference(text)
        if ref is not None:
            names[name] = ref
    formulas: dict[str, dict[str, str]] = {}
    stored: dict[str, list[bytes]] = {}
    for (sheet, cell), text in plan.formulas.items():
        formulas.setdefault(sheet, {})[cell] = normalise_formula(text)
        stored.setdefault(sheet, []).append(_as_stored(text))
    if resolved.is_form:
        keys: tuple[str, ...] = ()
    else:
        keys = tuple(slot.key for slot in period_slots(resolved.template.period))  # type: ignore[union-attr]
    fields = {f.name: f for f in [*resolved.profile_fields, *resolved.measure_fields]}
    rule_cells: dict[tuple[str, int], tuple[str, str]] = {}
    semantics = semantics_of(resolved)
    rules = semantics.rules
    for rule in rules:
        if rule.name in names:
            for index, cell in enumerate(names[rule.name].cells):
                rule_cells[(rule.name, index)] = (names[rule.name].sheet, cell)
    return Contract(
        resolved=resolved,
        sheets=tuple(sheet.name for sheet in plan.sheets),
        names=names,
        name_texts=dict(plan.defined_names),
        formulas=formulas,
        stored_formulas=stored,
        period_keys=keys,
        fields=fields,
        sha256=sha256,
        rule_cells=rule_cells,
        periodic_rules=frozenset(rule.name for rule in rules if semantics.per_period(rule)),
        semantics=semantics,
    )


def _as_stored(text: str) -> bytes:
    """A formula as xlsxwriter writes it in ``<f>``: no ``=``, XML-escaped."""
    body = text[1:] if text.startswith("=") else text
    escaped = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.encode("utf-8")
