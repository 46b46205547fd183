"""What ``build`` would refuse in a valid spec's planned workbook, located in the spec.

Some limits can only be seen once the workbook is planned: the formula a cell holds wraps
the spec's formula in blank handling and lists every field it uses, directly or through
other figures, so a chain of figures over long names can pass every spec check and still
give a formula longer than Excel's 8,192 characters (a file Excel then "repairs"). Both
``build`` and ``validate`` call :func:`plan_problems`, so ``validate`` reports everything
``build`` would refuse. Imports the layout, never the renderer (xlsxwriter).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lks_templates.cells import column_letters
from lks_templates.errors import LksError, Problem
from lks_templates.layout import WorkbookPlan, plan_workbook
from lks_templates.spec.models import FaqSpec, FormSpec, ResolvedTemplate
from lks_templates.spec.specset import SpecSet

MAX_EXCEL_FORMULA = 8_192
"""Longest formula Excel accepts in a cell, in characters (without the leading ``=``)."""


def latest_resolved(specs: SpecSet) -> list[ResolvedTemplate]:
    """The latest version of every template and form, sorted by id: what ``build`` builds."""
    latest: dict[str, ResolvedTemplate] = {}
    for resolved in specs.resolved():  # oldest first, so later versions win
        latest[resolved.template.id] = resolved
    return [latest[key] for key in sorted(latest)]


def set_problems(specs: SpecSet) -> list[Problem]:
    """Every problem ``build`` would find in the workbooks of a valid set of specs."""
    return [
        problem for resolved in latest_resolved(specs) for problem in plan_problems(resolved)[1]
    ]


def plan_problems(
    resolved: ResolvedTemplate, faq: FaqSpec | None = None, *, notes: Sequence[str] = ()
) -> tuple[WorkbookPlan | None, list[Problem]]:
    """The planned workbook of a validated template or form, and every problem that would
    make ``build`` refuse it (None and the problems when it cannot be planned at all)."""
    try:
        plan = plan_workbook(resolved, faq, notes=notes)
    except LksError as error:
        return None, list(error.problems)
    return plan, list(_long_formulas(resolved, plan))


def _long_formulas(resolved: ResolvedTemplate, plan: WorkbookPlan) -> Iterator[Problem]:
    reported: set[str] = set()
    for (sheet, cell), text in sorted(plan.formulas.items()):
        length = len(text) - 1  # without the "="
        if length <= MAX_EXCEL_FORMULA:
            continue
        owner = _owner(plan, sheet, cell)
        if owner in reported:
            continue  # one problem per figure, not one per period
        reported.add(owner or f"{sheet}!{cell}")
        what = f"`{owner}`" if owner else "this template"
        line, column = _formula_position(resolved, owner)
        yield Problem(
            "formula-too-long",
            f"The formula the workbook computes for {what} ({sheet}!{cell}) would be "
            f"{length:,} characters; Excel allows {MAX_EXCEL_FORMULA:,}. It lists every "
            "field used, directly or through other figures: use fewer, or shorter names.",
            file=resolved.source,
            line=line,
            column=column,
        )


def _owner(plan: WorkbookPlan, sheet: str, cell: str) -> str | None:
    """The spec name whose defined name covers ``sheet!cell``, if any."""
    row, col = _a1(cell)
    for name, ref in plan.defined_names.items():
        where, _, span = ref.rpartition("!")
        if where.strip("'").replace("''", "'") != sheet:
            continue
        first, _, last = span.replace("$", "").partition(":")
        top, left = _a1(first)
        bottom, right = _a1(last or first)
        if top <= row <= bottom and left <= col <= right:
            return name
    if sheet == "Dashboard" and row > 2:
        # A KPI tile's status cell (it names what is missing) is two rows below its value.
        return _owner(plan, sheet, f"{column_letters(col)}{row - 2}")
    return None


def _a1(cell: str) -> tuple[int, int]:
    from lks_templates.cells import split_cell  # the project's one A1 reader

    found = split_cell(cell)
    return found if found is not None else (0, 0)


def _formula_position(
    resolved: ResolvedTemplate, name: str | None
) -> tuple[int | None, int | None]:
    """Line and column of the formula of figure ``name`` in the spec file."""
    from lks_templates.spec.loader import load_document

    if name is None or not resolved.source:
        return None, None
    doc, _ = load_document(resolved.source)
    if doc is None:
        return None, None
    spec = resolved.template
    groups = [("rules", "check")] if isinstance(spec, FormSpec) else [
        ("derived", "formula"), ("kpis", "formula"), ("rules", "check"),
    ]  # fmt: skip
    for group, key in groups:
        for index, item in enumerate(doc.data.get(group) or []):
            if isinstance(item, dict) and item.get("name") == name:
                where = doc.value_position((group, index, key))
                return where.line, where.column
    return None, None
