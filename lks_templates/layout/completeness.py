"""Completeness on the Checks sheet: entries made, required entries left blank, coverage.

``lks_missing`` counts what ``read`` reports as ``required-missing`` (a blank reporting
year, required profile fields, a required measure in a period that has other entries);
``lks_periods_entered`` counts the periods with any entry; ``lks_coverage`` names them in
words ("April to June 2025 (3 of 12 months)"), as :func:`~lks_templates.rules.periods.
coverage_text` does for ``read``. The Dashboard's status line and tiles show them.
"""

from __future__ import annotations

from lks_templates.layout.data import DATA, FIRST_COL, LABEL_COL, DataPositions
from lks_templates.layout.model import SheetPlan, cell_name, range_name, sheet_ref
from lks_templates.rules.periods import FULL_MONTHS, period_slots
from lks_templates.spec.models import ResolvedTemplate, TemplateSpec

MISSING_ROW = 4
"""The row under ``Checks that need attention`` (``lks_failures``)."""


def add_completeness(
    sheet: SheetPlan,
    resolved: ResolvedTemplate,
    pos: DataPositions | None,
    names: dict[str, str],
) -> None:
    """Add the completeness rows to the Checks ``sheet`` and their names to ``names``.

    ``pos`` is None for a form (no periods: only its required fields are counted).
    """
    label_col = LABEL_COL
    count = sheet_ref(sheet.name, MISSING_ROW, FIRST_COL)
    sheet.put(MISSING_ROW, label_col, "Required entries left blank", style="label_bold")
    sheet.row_heights[MISSING_ROW] = 22
    required = [f.name for f in resolved.profile_fields if f.constraints.required]
    terms = [f"(COUNTA({name})=0)" for name in required]
    template = resolved.template
    if pos is not None and isinstance(template, TemplateSpec) and pos.header_row is not None:
        terms.insert(0, "(COUNTA(reporting_year)=0)")
        terms.append(_period_rows(sheet, resolved, pos, names))
    sheet.put(MISSING_ROW, FIRST_COL, formula="=" + ("+".join(terms) or "0"), style="count")
    names["lks_missing"] = count


def _period_rows(
    sheet: SheetPlan, resolved: ResolvedTemplate, pos: DataPositions, names: dict[str, str]
) -> str:
    """Rows per period under the checks; returns the term lks_missing adds for them."""
    template = resolved.template
    assert isinstance(template, TemplateSpec)
    cols = list(pos.period_cols())
    total_col = cols[-1] + 1
    row = max(r for r, _ in sheet.cells) + 2
    required = {f.name for f in resolved.measure_fields if f.constraints.required}
    label_col = LABEL_COL
    sheet.put(row, label_col, "Entries made in the period", style="label")
    sheet.put(row + 1, label_col, "Required entries left blank in the period", style="label")
    sheet.put(row + 2, label_col, "Periods entered", style="label")
    for col in cols:
        cells = [f"{DATA}!{cell_name(r, col)}" for r in pos.measures.values()]
        sheet.put(row, col, formula=f"=COUNTA({','.join(cells)})", style="total")
        blanks = [
            f'({DATA}!{cell_name(r, col)}="")' for n, r in pos.measures.items() if n in required
        ]
        entered = cell_name(row, col)
        body = f"=IF({entered}>0,{'+'.join(blanks)},0)" if blanks else "=0"
        sheet.put(row + 1, col, formula=body, style="total")
    entries = range_name(row, cols[0], row, cols[-1])
    sheet.put(row + 2, FIRST_COL, formula=f'=COUNTIF({entries},">0")', style="total")
    blanks_total = range_name(row + 1, cols[0], row + 1, cols[-1])
    sheet.put(row + 1, total_col, formula=f"=SUM({blanks_total})", style="total")
    names["lks_periods_entered"] = sheet_ref(sheet.name, row + 2, FIRST_COL)
    sheet.put(row + 3, label_col, "Reporting period covered", style="label")
    flags = [cell_name(row, col) for col in cols]
    sheet.put(row + 3, FIRST_COL, formula=coverage_formula(resolved, flags), style="text")
    names["lks_coverage"] = sheet_ref(sheet.name, row + 3, FIRST_COL)
    return f"SUM({blanks_total})"


def _index(flags: list[str], last: bool) -> str:
    """Nested IF giving the 1-based position of the first (or last) flag above 0."""
    order = list(enumerate(flags, start=1))
    if last:
        order.reverse()
    text = "0"
    for number, cell in reversed(order):
        text = f"IF({cell}>0,{number},{text})"
    return text


def coverage_formula(resolved: ResolvedTemplate, flags: list[str]) -> str:
    """``lks_coverage``: the periods entered in words, blank while none is.

    ``flags`` are the cells counting each period's entries. The text is what
    :func:`~lks_templates.rules.periods.coverage_text` gives for the same entries.
    """
    template = resolved.template
    assert isinstance(template, TemplateSpec)
    period = template.period
    slots = period_slots(period)
    n = len(slots)
    year = "reporting_year"
    known = f"ISNUMBER({year})"
    entered = f'COUNTIF({flags[0]}:{flags[-1]},">0")'
    if period.frequency == "annual":
        span = _span(year, period.year_start_month)
        return f'=IF({entered}=0,"","Whole year"&IF({known}," "&{span},""))'
    first, last = _index(flags, False), _index(flags, True)
    if period.frequency == "monthly":
        months = [FULL_MONTHS[(period.year_start_month - 1 + s.month_offset) % 12] for s in slots]
        shift = [(period.year_start_month - 1 + s.month_offset) // 12 for s in slots]
        names = ",".join(f'"{m}"' for m in months)
        shifts = ",".join(str(s) for s in shift)
        year_of = {k: f"({year}+CHOOSE({i},{shifts}))" for k, i in (("f", first), ("l", last))}
        text = (
            f"CHOOSE({first},{names})&IF(AND({known},{year_of['f']}<>{year_of['l']}),"
            f'" "&{year_of["f"]},"")&IF({first}<>{last}," to "&CHOOSE({last},{names}),"")'
            f'&IF({known}," "&{year_of["l"]},"")'
        )
        unit = "months"
    else:
        labels = ",".join(f'"{s.fallback}"' for s in slots)
        span = _span(year, period.year_start_month)
        text = (
            f'CHOOSE({first},{labels})&IF({first}<>{last}," to "&CHOOSE({last},{labels}),"")'
            f'&IF({known}," "&{span},"")'
        )
        unit = "quarters"
    return f'=IF({entered}=0,"",{text}&" ("&{entered}&" of {n} {unit})")'


def _span(year: str, start_month: int) -> str:
    if start_month == 1:
        return f'{year}&""'
    return f'{year}&"-"&RIGHT({year}+1,2)'
