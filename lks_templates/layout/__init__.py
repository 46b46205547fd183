"""Spec to workbook plan: every sheet, cell, formula, defined name and chart, as pure data.

``plan_workbook(resolved)`` is the one entry point. The plan is what the renderer writes
and what read-back compares a returned workbook against (``plan.defined_names``,
``plan.inputs``, ``plan.formulas``). The workbook contract it follows is documented in
``docs/workbook-contract.md``. This package never imports xlsxwriter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lks_templates import __version__
from lks_templates.errors import BuildError, Problem
from lks_templates.layout.about import ABOUT, About
from lks_templates.layout.checks import CHECKS, checks_sheet
from lks_templates.layout.completeness import add_completeness
from lks_templates.layout.dashboard import DASHBOARD, Dashboard
from lks_templates.layout.data import DATA, DataPositions, DataSheet
from lks_templates.layout.form import FORM, form_sheet
from lks_templates.layout.infographic import INFOGRAPHIC, infographic_sheet
from lks_templates.layout.lastyear import add_last_year
from lks_templates.layout.model import (
    Cell,
    ChartPlan,
    ChartSeries,
    ConditionalFormat,
    ImagePlan,
    PageSetup,
    SheetPlan,
    Validation,
    WorkbookPlan,
    cell_name,
    column_letter,
    sheet_ref,
)
from lks_templates.rules.periods import PeriodSlot, period_slots, period_starts
from lks_templates.rules.semantics import Figure, Semantics, semantics_of
from lks_templates.spec.models import FaqSpec, FormSpec, ResolvedTemplate
from lks_templates.spec.names import GENERATOR_NAMES, generator_name_message, is_generator_name

__all__ = [
    "ABOUT",
    "CHECKS",
    "DASHBOARD",
    "DATA",
    "FORM",
    "INFOGRAPHIC",
    "RESERVED_NAMES",
    "Cell",
    "ChartPlan",
    "ChartSeries",
    "ConditionalFormat",
    "Figure",
    "ImagePlan",
    "PageSetup",
    "PeriodSlot",
    "Semantics",
    "SheetPlan",
    "Validation",
    "WorkbookPlan",
    "cell_name",
    "column_letter",
    "period_slots",
    "period_starts",
    "plan_workbook",
    "semantics_of",
    "sheet_ref",
]


RESERVED_NAMES = tuple(sorted(GENERATOR_NAMES))
"""Defined names the generator adds (from ``spec.names``, the one list); no field, derived
figure, KPI or rule may take them. ``validate`` reports one with its place; this is the
last guard for a spec that was never validated."""


def _check_reserved(resolved: ResolvedTemplate, semantics: Semantics) -> None:
    used = [
        *semantics.profile,
        *semantics.measures,
        *semantics.derived_names,
        *semantics.kpi_names,
        *semantics.rule_specs,
    ]
    clashes = sorted({name for name in used if is_generator_name(name)})
    if clashes:
        raise BuildError(
            [
                Problem("reserved-name", generator_name_message(name), resolved.source)
                for name in clashes
            ]
        )


def plan_workbook(
    resolved: ResolvedTemplate, faq: FaqSpec | None = None, *, notes: Sequence[str] = ()
) -> WorkbookPlan:
    """Plan the workbook of a validated template or form (``faq`` overrides its own FAQ;
    ``notes``: paragraphs for the About sheet, such as what an import filled in)."""
    semantics = semantics_of(resolved)
    _check_reserved(resolved, semantics)
    names: dict[str, str] = {}
    inputs: dict[str, list[tuple[str, str]]] = {}
    about = About(resolved, faq if faq is not None else resolved.faq, notes).build()
    if isinstance(resolved.template, FormSpec):
        form = form_sheet(resolved, names, inputs)
        positions = DataPositions(period_slots_for_form())
        checks = checks_sheet(semantics, positions, _names_only, names)
        add_completeness(checks, resolved, None, names)
        sheets = [about, form, checks]
    else:
        data = DataSheet(resolved, semantics, names, inputs)
        data_sheet, _ = data.build()
        add_last_year(data)
        checks = checks_sheet(semantics, data.pos, data.period_refs, names)
        add_completeness(checks, resolved, data.pos, names)
        dashboard = Dashboard(resolved, semantics, data, names).build()
        sheets = [about, data_sheet, checks, dashboard]
        if resolved.template.infographic:
            sheets.append(infographic_sheet(resolved, data))
    spec = resolved.template
    last_year: dict[str, list[tuple[str, str]]] = {}
    compared: frozenset[tuple[str, str]] = frozenset()
    if not isinstance(resolved.template, FormSpec):
        last_year, compared = data.last_year_inputs, frozenset(data.year_on_year_cells)
    return WorkbookPlan(
        template_id=spec.id,
        template_version=spec.version,
        title=spec.title,
        sheets=sheets,
        defined_names=dict(sorted(names.items())),
        inputs=inputs,
        properties={
            "lks_template_id": spec.id,
            "lks_template_version": spec.version,
            "lks_spec_sha256": resolved.sha256(),
            "lks_generator_version": __version__,
        },
        subject="NHS library and knowledge services statistics",
        comments=spec.description,
        hidden_ranges=[names["lks_chart_data"]] if "lks_chart_data" in names else [],
        last_year_inputs=last_year,
        year_on_year_cells=compared,
    )


def period_slots_for_form() -> list[PeriodSlot]:
    """A form is one record: a single slot, so checks have one result column."""
    return [PeriodSlot(0, 0, "Result", "General", "record")]


def _names_only(col: int) -> Callable[[str], str]:
    """Form formulas refer to every field by its defined name."""
    del col
    return lambda name: name
