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
    period_keys: tuple[str, ...]
    fields: dict[str, FieldSpec]
    """Every input field (profile then measures) by name."""
    sha256: str
    rule_cells: dict[tuple[str, int], str] = field(default_factory=dict)
    """(rule name, period index) -> its pass/fail cell on the Checks sheet, when known."""

    @property
    def input_names(self) -> list[str]:
        """Defined names holding inputs: the reporting year, profile, then measures."""
        names = [*self.resolved.profile_names, *self.resolved.measure_names]
        return ([YEAR_NAME] if YEAR_NAME in self.names and YEAR_NAME not in names else []) + names


def contract_for(resolved: ResolvedTemplate) -> Contract:
    """The (cached) contract of ``resolved``."""
    key = (resolved.template.id, resolved.template.version, resolved.sha256())
    if key not in _CACHE:
        if len(_CACHE) >= 64:
            _CACHE.clear()
        _CACHE[key] = _prepare(resolved, key[2])
    return _CACHE[key]


_CACHE: dict[tuple[str, str, str], Contract] = {}


def _prepare(resolved: ResolvedTemplate, sha256: str) -> Contract:
    from lks_templates.layout import plan_workbook
    from lks_templates.layout.periods import period_slots

    plan = plan_workbook(resolved)
    names: dict[str, Reference] = {}
    for name, text in plan.defined_names.items():
        ref = parse_reference(text)
        if ref is not None:
            names[name] = ref
    formulas: dict[str, dict[str, str]] = {}
    for (sheet, cell), text in plan.formulas.items():
        formulas.setdefault(sheet, {})[cell] = normalise_formula(text)
    if resolved.is_form:
        keys: tuple[str, ...] = ()
    else:
        keys = tuple(slot.key for slot in period_slots(resolved.template.period))  # type: ignore[union-attr]
    fields = {f.name: f for f in [*resolved.profile_fields, *resolved.measure_fields]}
    return Contract(
        resolved=resolved,
        sheets=tuple(sheet.name for sheet in plan.sheets),
        names=names,
        name_texts=dict(plan.defined_names),
        formulas=formulas,
        period_keys=keys,
        fields=fields,
        sha256=sha256,
    )
