"""What the generator promises about a template's workbook, prepared once per template.

Laying out a template is far slower than reading one return, so the expectations read-back
checks a workbook against (defined names, formulas, input cells, periods) are worked out
once per template id and version in a run, and kept in its
:class:`~lks_templates.readback.context.ReadContext`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from lks_templates.readback.context import ReadContext
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
    stored_formulas: dict[str, dict[bytes, bytes]]
    """Sheet -> ``A1`` -> the formula exactly as the generator stores it in the sheet's XML
    (no ``=``, XML-escaped): a sheet whose formula cells and texts are exactly these needs
    no closer look."""
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
    last_year: dict[str, str] = field(default_factory=dict)
    """Measure -> the defined name of its last year's values (``lks_last_year_<measure>``);
    those names are also in :attr:`names` and :attr:`fields`."""
    before_last_year: Contract | None = None
    """The same contract without the Last year block (its names, fields and formulas): what
    a return made before the block existed holds, read without missing any of it."""

    def without_last_year(self) -> Contract:
        """The contract a return without any ``lks_last_year_*`` name is checked against."""
        return self if self.before_last_year is None else self.before_last_year


def contract_for(
    resolved: ResolvedTemplate, context: ReadContext | None = None, layout: int | None = None
) -> Contract:
    """The contract of ``resolved``, prepared once per ``context`` (a run): the layout the
    generator gives it today, or (``layout``) the one recorded at ``resolved.layouts[layout]``
    when a release was built before the generator changed."""
    if context is None:
        context = ReadContext()
    if layout is None:
        known = context.contracts_by_object.get(id(resolved))
        if known is not None and known[0] is resolved:
            return known[1]
    key = (resolved.template.id, resolved.template.version, resolved.sha256(), layout)
    contracts = context.contracts
    if key not in contracts:
        if len(contracts) >= 64:
            contracts.clear()
            context.contracts_by_object.clear()
        contracts[key] = _prepare(resolved, key[2], context, layout)
    if layout is None:
        context.contracts_by_object[id(resolved)] = (resolved, contracts[key])
    return contracts[key]


def fits(
    names: dict[str, str], contract: Contract, known: dict[str, Reference | None] | None = None
) -> bool:
    """Whether a workbook's defined names (name -> reference text) are exactly where
    ``contract`` expects every one of them: the workbook was built with that layout.
    ``known``: the run's parsed references (``ReadContext.references``)."""
    for name, expected in contract.names.items():
        text = names.get(name)
        actual = parse_reference(text, known) if text else None
        if (
            actual is None
            or actual.corners != expected.corners
            or actual.sheet.casefold() != expected.sheet.casefold()
        ):
            return False
    return all(name in names for name in contract.name_texts)


@dataclass(frozen=True)
class _Layout:
    """What a contract is made from: today's plan or a recorded layout."""

    sheets: tuple[str, ...]
    names: dict[str, str]
    formulas: dict[tuple[str, str], str]
    last_year_inputs: tuple[str, ...]
    year_on_year_cells: frozenset[tuple[str, str]]


def _layout(resolved: ResolvedTemplate, layout: int | None) -> _Layout:
    if layout is not None:
        recorded = resolved.layouts[layout]
        return _Layout(
            sheets=tuple(recorded.sheets),
            names=dict(recorded.names),
            formulas={
                (sheet, cell): text
                for sheet, cells in recorded.formulas.items()
                for cell, text in cells.items()
            },
            last_year_inputs=tuple(recorded.last_year),
            # A recorded layout is one build exactly: it has no "before the block" variant.
            year_on_year_cells=frozenset(),
        )
    from lks_templates.layout import plan_workbook

    plan = plan_workbook(resolved)
    return _Layout(
        sheets=tuple(sheet.name for sheet in plan.sheets),
        names=dict(plan.defined_names),
        formulas=dict(plan.formulas),
        last_year_inputs=tuple(plan.last_year_inputs),
        year_on_year_cells=frozenset(plan.year_on_year_cells),
    )


def _prepare(
    resolved: ResolvedTemplate, sha256: str, context: ReadContext, layout: int | None = None
) -> Contract:
    from lks_templates.rules.lastyear import last_year_name
    from lks_templates.rules.periods import period_slots
    from lks_templates.rules.semantics import semantics_of

    plan = _layout(resolved, layout)
    names: dict[str, Reference] = {}
    for name, text in plan.names.items():
        ref = parse_reference(text, context.references)
        if ref is not None:
            names[name] = ref
    formulas: dict[str, dict[str, str]] = {}
    stored: dict[str, dict[bytes, bytes]] = {}
    for (sheet, cell), text in plan.formulas.items():
        formulas.setdefault(sheet, {})[cell] = normalise_formula(text)
        stored.setdefault(sheet, {})[cell.encode()] = _as_stored(text)
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
    last_year = {m: last_year_name(m) for m in plan.last_year_inputs}
    for measure, name in last_year.items():
        own = fields[measure]
        fields[name] = own.model_copy(
            update={
                "name": name,
                "title": f"{own.title} (last year)",
                "constraints": own.constraints.model_copy(update={"required": False}),
            }
        )
    contract = Contract(
        resolved=resolved,
        sheets=plan.sheets,
        names=names,
        name_texts=dict(plan.names),
        formulas=formulas,
        stored_formulas=stored,
        period_keys=keys,
        fields=fields,
        sha256=sha256,
        rule_cells=rule_cells,
        periodic_rules=frozenset(rule.name for rule in rules if semantics.per_period(rule)),
        semantics=semantics,
        last_year=last_year,
    )
    if (not last_year and not plan.year_on_year_cells) or layout is not None:
        return contract
    older = set(last_year.values())
    dropped = plan.year_on_year_cells
    return replace(
        contract,
        before_last_year=replace(
            contract,
            names={n: r for n, r in names.items() if n not in older},
            name_texts={n: t for n, t in contract.name_texts.items() if n not in older},
            formulas={
                sheet: {c: f for c, f in cells.items() if (sheet, c) not in dropped}
                for sheet, cells in formulas.items()
            },
            stored_formulas={
                sheet: {c: f for c, f in cells.items() if (sheet, c.decode()) not in dropped}
                for sheet, cells in stored.items()
            },
            fields={n: f for n, f in fields.items() if n not in older},
            last_year={},
        ),
    )


def _as_stored(text: str) -> bytes:
    """A formula as xlsxwriter writes it in ``<f>``: no ``=``, XML-escaped."""
    body = text[1:] if text.startswith("=") else text
    escaped = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.encode("utf-8")
