"""The Data sheet: profile block, measures by period, derived rows, hidden chart data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lks_templates import formula
from lks_templates.layout import fields as fieldkit
from lks_templates.layout.model import (
    ConditionalFormat,
    SheetPlan,
    Validation,
    cell_name,
    column_letter,
    range_name,
    sheet_ref,
)
from lks_templates.rules.numbers import shown_format, shown_unit
from lks_templates.rules.periods import PeriodSlot, period_slots
from lks_templates.rules.semantics import Figure, Semantics, year_to_date_formula
from lks_templates.spec.models import Chart, FieldSpec, ResolvedTemplate, TemplateSpec

DATA = "Data"
LABEL_COL = 1
UNIT_COL = 2
FIRST_COL = 3
"""Every input starts in column D: the profile value, or the first period."""
NAME_CHARS = 50
"""Length of a long organisation name, e.g. "Example Valley Hospitals NHS Foundation Trust"."""
ENTRY_WIDTH = {"annual": 50.0, "several": 26.0}
"""Width (characters) of column D, the profile entry column: an annual template's holds
NAME_CHARS on a line; where D is also the first period it holds them in two wrapped lines,
wider than the other periods but not so wide that the grid reads badly."""
PERIOD_WIDTH = {"monthly": 11.0, "quarterly": 14.0}
TEXT_ROW_HEIGHT = 3 * 12.75 + 2
"""Three lines of Arial 10: the height of a wrapped text entry row where D is narrow. Two
lines clipped the longer NHS trust names (58 characters and more); three hold about 80."""
FROZEN_ROWS = 6
"""Most rows frozen above the entry cells: the heading and the period table's header row
(a template of several periods puts that table first, so it always fits); more would take
too much of a laptop screen, so an annual template, whose profile comes first, freezes the
label columns only."""


@dataclass
class DataPositions:
    """Where the Data sheet put things, for the other sheets to refer to."""

    slots: list[PeriodSlot]
    year_cell: tuple[int, int] = (0, 0)
    header_row: int | None = None
    total_col: int | None = None
    profile: dict[str, tuple[int, int]] = field(default_factory=dict)
    measures: dict[str, int] = field(default_factory=dict)
    derived: dict[str, int] = field(default_factory=dict)
    chart_rows: dict[tuple[str, bool], int] = field(default_factory=dict)
    """(series name, cumulative) -> hidden row whose blanks are #N/A, so charts show gaps."""
    part_rows: dict[int, int] = field(default_factory=dict)
    """Chart index -> first of two hidden rows (series titles, values) for a chart that
    plots each series as one category: a pie of year totals, or any chart of several
    series in a template with a single period (one bar per part reads far better than
    one bar per series over one category)."""
    category_rows: dict[str, int] = field(default_factory=dict)
    """``short`` and ``initial`` -> hidden row of month labels as text (``Apr``, ``A``), the
    categories of a monthly template's charts (:meth:`categories_ref`)."""
    chart_data_rows: tuple[int, int] | None = None
    chart_data_last_col: int = FIRST_COL
    """Last column the chart-data rows use (part rows may reach past the periods)."""
    last_year: dict[str, int] = field(default_factory=dict)
    """Measure -> its row of last year's values (``lks_last_year_<measure>``)."""
    compare_col: int | None = None
    """First of the Last year, Change and Change % columns beside the Year to date."""

    @property
    def last_col(self) -> int:
        return FIRST_COL + len(self.slots) - 1

    def period_cols(self) -> range:
        return range(FIRST_COL, FIRST_COL + len(self.slots))

    def row_ref(self, row: int) -> str:
        """Absolute reference of a row of period cells, without the total."""
        return sheet_ref(DATA, row, FIRST_COL, row, self.last_col)

    def labels_ref(self) -> str:
        assert self.header_row is not None
        return self.row_ref(self.header_row)

    def categories_ref(self, narrow: bool = False) -> str:
        """A chart's period labels: the month-label row (initials when ``narrow``), else
        the period header (quarters and years are text already)."""
        row = self.category_rows.get("initial" if narrow else "short")
        return self.labels_ref() if row is None else self.row_ref(row)


class DataSheet:
    """Lays out the Data sheet of a template and records where everything went."""

    def __init__(
        self,
        resolved: ResolvedTemplate,
        semantics: Semantics,
        names: dict[str, str],
        inputs: dict[str, list[tuple[str, str]]],
    ) -> None:
        self.resolved = resolved
        self.template = template_of(resolved)
        self.semantics = semantics
        self.names = names
        self.inputs = inputs
        self.sheet = SheetPlan(DATA, tab_color="#005EB8")
        self.pos = DataPositions(period_slots(self.template.period))
        self.row = 0
        self.last_year_inputs: dict[str, list[tuple[str, str]]] = {}
        """Measure -> its cells of last year's values, in period order."""
        self.year_on_year_cells: set[tuple[str, str]] = set()
        """(sheet, ``A1``) of every formula that compares this year with last year."""

    # -- public ---------------------------------------------------------------------------
    def build(self) -> tuple[SheetPlan, DataPositions]:
        self._heading()
        if self.periods_first:
            # The period table first, so that only the rows above its header are frozen
            # (at most FROZEN_ROWS); the profile, entered once, follows the figures.
            self._figures()
            self.row += 1
            self._profile_block()
        else:
            self._profile_block()
            if self.template.measures:
                self.row += 1
                self._figures()
        if self.template.measures:
            self._chart_data()
        self._columns()
        return self.sheet, self.pos

    @property
    def periods_first(self) -> bool:
        """Whether the period table comes before the profile: a template of several
        periods with measures, so that its header row can stay in sight while scrolling."""
        return bool(self.template.measures) and len(self.pos.slots) > 1

    def _figures(self) -> None:
        """The measures by period and the figures calculated from them."""
        self._measures_block()
        if self.semantics.derived:
            self._derived_block()

    # -- parts ----------------------------------------------------------------------------
    def _heading(self) -> None:
        s = self.sheet
        s.put(0, LABEL_COL, self.template.title, style="title")
        s.row_heights[0] = 28
        s.put(
            1,
            LABEL_COL,
            f"Data entry · template {self.template.id} version {self.template.version}",
            style="subtitle",
        )
        s.put(
            2,
            LABEL_COL,
            "Type your figures in the white cells"
            + (
                "; your reporting year and service go under About your service, below them"
                if self.periods_first
                else ""
            )
            + "; entries marked (required) must be filled in (they are yellow while blank). "
            "Grey cells are calculated for you. Select a cell to see its definition.",
            style="note",
        )
        note = year_to_date_note(self.resolved.measure_fields, self.template.period.frequency)
        if note and len(self.pos.slots) > 1:
            s.put(3, LABEL_COL, note, style="note")
        self.row = 4

    def _profile_block(self) -> None:
        s = self.sheet
        s.put(self.row, LABEL_COL, "About your service", style="header")
        s.put(self.row, UNIT_COL, "Unit", style="header")
        s.put(self.row, FIRST_COL, "Your entry", style="header")
        self.row += 1
        year_row = self.row
        s.put(
            year_row,
            LABEL_COL,
            "Year your reporting year starts" + fieldkit.REQUIRED_MARK,
            style="label",
        )
        s.put(year_row, UNIT_COL, "year", style="unit")
        s.put(year_row, FIRST_COL, None, style="input_year")
        s.validations.append(
            Validation(year_row, FIRST_COL, year_row, FIRST_COL, fieldkit.year_validation())
        )
        self._required(year_row, FIRST_COL, year_row, FIRST_COL)
        self.pos.year_cell = (year_row, FIRST_COL)
        self.names["reporting_year"] = sheet_ref(DATA, year_row, FIRST_COL)
        self.inputs["reporting_year"] = [(DATA, cell_name(year_row, FIRST_COL))]
        self.row += 1
        fields = self.resolved.profile_fields
        grouped = len({f.section for f in fields}) > 1
        for section, members in _by_section(fields):
            if grouped:
                # A header row of its own (not a section band with blank cells), so the
                # entries below it have one full header row directly above them.
                s.put(self.row, LABEL_COL, section, style="header")
                s.put(self.row, UNIT_COL, "Unit", style="header")
                s.put(self.row, FIRST_COL, "Your entry", style="header")
                self.row += 1
            for f in members:
                self._profile_row(f)

    def _profile_row(self, f: FieldSpec) -> None:
        s, row = self.sheet, self.row
        s.put(row, LABEL_COL, fieldkit.entry_label(f), style="label")
        s.put(row, UNIT_COL, fieldkit.unit_label(f), style="unit")
        # The profile entry shares column D with the first period, so it is as narrow as a
        # period: text wraps (the row grows as it is typed) rather than spill out of its box.
        style = "input" if f.type in ("integer", "number", "date") else "input_wrap"
        s.put(row, FIRST_COL, None, style=style, number_format=fieldkit.number_format(f))
        if len(self.pos.slots) > 1 and is_long_text(f):
            s.row_heights[row] = TEXT_ROW_HEIGHT
        s.validations.append(
            Validation(row, FIRST_COL, row, FIRST_COL, fieldkit.validation_options(f))
        )
        if f.constraints.required:
            self._required(row, FIRST_COL, row, FIRST_COL)
        self.pos.profile[f.name] = (row, FIRST_COL)
        self.names[f.name] = sheet_ref(DATA, row, FIRST_COL)
        self.inputs[f.name] = [(DATA, cell_name(row, FIRST_COL))]
        self.row += 1

    def _measures_block(self) -> None:
        s, pos = self.sheet, self.pos
        header = self.row
        pos.header_row = header
        if len(pos.slots) > 1:
            pos.total_col = pos.last_col + 1
        fields = self.resolved.measure_fields
        for index, (section, members) in enumerate(_by_section(fields)):
            # Each section is headed by a full header row (its name, Unit, the periods,
            # Year to date) directly above its entries: one header row per entry table,
            # no blank or merged cell in it, as a screen reader needs.
            self._period_header(f"{self.table_title}: {section}" if index == 0 else section)
            for f in members:
                self._measure_row(f)
        self.names["lks_periods"] = pos.labels_ref()
        self._weighted_totals(fields)
        if header + 1 <= FROZEN_ROWS:
            s.freeze = (header + 1, FIRST_COL)
        else:
            s.freeze = (0, FIRST_COL)

    @property
    def table_title(self) -> str:
        """First words of the period table's header row (``Monthly figures``)."""
        return {
            "monthly": "Monthly figures",
            "quarterly": "Quarterly figures",
            "annual": "Figures for the year",
        }[self.template.period.frequency]

    def _period_header(self, title: str) -> None:
        """A header row of the period table: ``title``, Unit, each period, Year to date."""
        s, pos, row = self.sheet, self.pos, self.row
        s.put(row, LABEL_COL, title, style="header")
        s.put(row, UNIT_COL, "Unit", style="header")
        start = self.template.period.year_start_month
        for slot, col in zip(pos.slots, pos.period_cols(), strict=True):
            s.put(
                row,
                col,
                slot.fallback,
                formula=slot.label_formula("reporting_year", start),
                style="period",
                number_format=slot.number_format,
            )
        if pos.total_col is not None:
            s.put(row, pos.total_col, "Year to date", style="header_total")
        self.row += 1

    def _measure_row(self, f: FieldSpec) -> None:
        s, pos, row = self.sheet, self.pos, self.row
        s.put(row, LABEL_COL, fieldkit.entry_label(f), style="label")
        s.put(row, UNIT_COL, fieldkit.unit_label(f), style="unit")
        style = "input" if f.type in ("integer", "number", "date") else "input_left"
        fmt = fieldkit.number_format(f)
        for col in pos.period_cols():
            s.put(row, col, None, style=style, number_format=fmt)
        s.validations.append(
            Validation(row, FIRST_COL, row, pos.last_col, fieldkit.validation_options(f))
        )
        if f.constraints.required:
            self._required(row, FIRST_COL, row, pos.last_col)
        if pos.total_col is not None:
            cells = range_name(row, FIRST_COL, row, pos.last_col)
            total = year_to_date_formula(f.aggregate, cells)
            fmt = year_to_date_format(f)
            s.put(
                row,
                pos.total_col,
                None if total is None else "",
                formula=total,
                style="total",
                number_format=fmt,
            )
        pos.measures[f.name] = row
        self.names[f.name] = pos.row_ref(row)
        self.inputs[f.name] = [(DATA, cell_name(row, col)) for col in pos.period_cols()]
        self.row += 1

    def _weighted_totals(self, fields: Sequence[FieldSpec]) -> None:
        """Rewrite the Year to date of each ``weighted_by`` mean once every row is placed
        (the weight's row may come after the mean's)."""
        pos = self.pos
        if pos.total_col is None:
            return
        for f in fields:
            weight = self.semantics.weights.get(f.name)
            if weight is None:
                continue
            row, weight_row = pos.measures[f.name], pos.measures[weight]
            cells = range_name(row, FIRST_COL, row, pos.last_col)
            weights = range_name(weight_row, FIRST_COL, weight_row, pos.last_col)
            old = self.sheet.cells[(row, pos.total_col)]
            self.sheet.put(
                row,
                pos.total_col,
                "",
                formula=year_to_date_formula(f.aggregate, cells, weights),
                style=old.style,
                number_format=old.number_format,
            )

    def _derived_block(self) -> None:
        s, pos = self.sheet, self.pos
        self.row += 1
        s.put(self.row, LABEL_COL, "Calculated figures (filled in for you)", style="section")
        for col in range(UNIT_COL, (pos.total_col or pos.last_col) + 1):
            s.put(self.row, col, None, style="section")
        self.row += 1
        for item in self.template.derived:  # rows in spec order; formulas need every row known
            pos.derived[item.name] = self.row
            self.row += 1
        figures = {f.name: f for f in self.semantics.derived}
        for item in self.template.derived:
            row, figure = pos.derived[item.name], figures[item.name]
            s.put(row, LABEL_COL, item.title, style="label")
            s.put(row, UNIT_COL, shown_unit(item.format, item.unit), style="unit")
            for col in pos.period_cols():
                s.put(
                    row,
                    col,
                    "",
                    formula=self.derived_formula(figure, col),
                    style="calc",
                    number_format=shown_format(item.format, item.unit),
                )
            if pos.total_col is not None:
                total = self._derived_total(figure) if self.semantics.combinable(figure) else None
                s.put(
                    row,
                    pos.total_col,
                    None if total is None else "",
                    formula=total,
                    style="total",
                    number_format=shown_format(item.format, item.unit),
                )
            self.names[item.name] = pos.row_ref(row)

    def derived_formula(self, figure: Figure, col: int) -> str:
        """Per-period formula of a derived figure, blank and error wrappers included."""
        return "=" + formula.to_excel(figure.shown(), self.period_refs(col))

    def period_refs(self, col: int) -> Callable[[str], str]:
        """Reference function for formulas evaluated in the period of column ``col``."""
        pos = self.pos

        def ref(name: str) -> str:
            if name in pos.measures:
                return cell_name(pos.measures[name], col)
            if name in pos.derived:
                return cell_name(pos.derived[name], col)
            return name  # profile fields and KPIs: their defined names

        return ref

    def _derived_total(self, figure: Figure) -> str:
        """The Year to date cell: the formula over the Year to date column."""
        pos = self.pos
        assert pos.total_col is not None
        rows = {
            m: range_name(pos.measures[m], FIRST_COL, pos.measures[m], pos.last_col)
            for m in figure.measures
        }
        test = figure.missing_test()
        missing = None if test is None else formula.to_excel(test, lambda n: rows.get(n, n))
        return guarded(figure, self.period_refs(pos.total_col), missing, '""')

    def _chart_data(self) -> None:
        """Hidden rows that turn blanks into #N/A, so line charts show gaps, not zeros."""
        wanted: list[tuple[str, bool]] = []
        parts: list[int] = []
        for index, chart in enumerate(self.template.charts):
            if plots_parts(chart, len(self.pos.slots)):
                parts.append(index)
                continue
            for name in chart.series:
                key = (name, chart.cumulative)
                if (name in self.pos.derived or chart.cumulative) and key not in wanted:
                    wanted.append(key)
        labelled = self.template.period.frequency == "monthly" and len(parts) < len(
            self.template.charts
        )
        if not wanted and not parts and not labelled:
            return
        s, pos = self.sheet, self.pos
        self.row += 1
        first = self.row
        s.put(
            self.row,
            LABEL_COL,
            "Chart data (hidden: blanks become #N/A so charts show gaps)",
            style="chart_data",
        )
        s.hidden_rows.add(self.row)
        self.row += 1
        if labelled:
            self._month_labels()
        for name, cumulative in wanted:
            self._chart_row(name, cumulative)
        pos.chart_data_last_col = pos.last_col
        for index in parts:
            self._part_rows(index, self.template.charts[index])
        pos.chart_data_rows = (first, self.row - 1)
        self.names["lks_chart_data"] = sheet_ref(
            DATA, first, FIRST_COL, self.row - 1, pos.chart_data_last_col
        )

    def _month_labels(self) -> None:
        """Two hidden rows of month names as text (``Apr``, and ``A`` for narrow charts):
        the charts' categories. The period header holds dates once a year is typed and
        text before; a chart shows them alike only if it reads text, which no number
        format can shorten, so a narrow chart's labels ran together on a blank template."""
        s, pos = self.sheet, self.pos
        for key, title in (("short", "Month labels"), ("initial", "Month initials")):
            s.put(self.row, LABEL_COL, f"{title} (chart categories)", style="chart_data")
            for slot, col in zip(pos.slots, pos.period_cols(), strict=True):
                text = slot.fallback if key == "short" else slot.fallback[0]
                s.put(self.row, col, text, style="chart_data")
            s.hidden_rows.add(self.row)
            pos.category_rows[key] = self.row
            self.row += 1

    def _chart_row(self, name: str, cumulative: bool) -> None:
        s, pos, row = self.sheet, self.pos, self.row
        source = pos.measures.get(name, pos.derived.get(name))
        assert source is not None
        s.put(
            row,
            LABEL_COL,
            self.title_of(name) + (" (year to date)" if cumulative else ""),
            style="chart_data",
        )
        for col in pos.period_cols():
            here = cell_name(source, col)
            value = f"SUM(${column_letter(FIRST_COL)}{source + 1}:{here})" if cumulative else here
            s.put(row, col, formula=f'=IF({here}="",NA(),{value})', style="chart_data")
        s.hidden_rows.add(row)
        pos.chart_rows[(name, cumulative)] = row
        self.row += 1

    def _part_rows(self, index: int, chart: Chart) -> None:
        """Series titles across one hidden row, their year totals (or single period) below."""
        s, pos = self.sheet, self.pos
        assert pos.total_col is not None or len(pos.slots) == 1
        for offset, name in enumerate(chart.series):
            source = pos.measures.get(name, pos.derived.get(name))
            assert source is not None
            total = cell_name(source, pos.total_col if pos.total_col is not None else FIRST_COL)
            col = FIRST_COL + offset
            s.put(self.row, col, self.title_of(name), style="chart_data")
            s.put(self.row + 1, col, formula=f'=IF({total}="",NA(),{total})', style="chart_data")
        pos.chart_data_last_col = max(pos.chart_data_last_col, FIRST_COL + len(chart.series) - 1)
        s.put(self.row, LABEL_COL, f"{chart.title} (labels)", style="chart_data")
        s.put(self.row + 1, LABEL_COL, f"{chart.title} (values)", style="chart_data")
        s.hidden_rows.update({self.row, self.row + 1})
        pos.part_rows[index] = self.row
        self.row += 2

    def title_of(self, name: str) -> str:
        """Human title of a measure or derived figure."""
        if name in self.template.measures:
            return self.resolved.dataset.field(name).title
        for item in self.template.derived:
            if item.name == name:
                return item.title
        return name

    def format_of(self, name: str) -> str:
        """Number format of a measure or derived figure (``General`` when it has none)."""
        if name in self.template.measures:
            return fieldkit.number_format(self.resolved.dataset.field(name)) or "General"
        for item in self.template.derived:
            if item.name == name:
                return shown_format(item.format, item.unit)
        return "General"

    def _required(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.sheet.conditional_formats.append(
            ConditionalFormat(first_row, first_col, last_row, last_col, "blanks", "required")
        )

    def _columns(self) -> None:
        s = self.sheet
        # One page wide, as many tall as it needs; landscape only where periods make it wide.
        s.page.landscape = len(self.pos.slots) > 1
        s.page.fit_width, s.page.fit_height = 1, 0
        if self.pos.header_row is not None:
            # The period header on every printed page of the measures.
            s.page.repeat_rows = (self.pos.header_row, self.pos.header_row)
        s.column_widths.update({0: 1.5, LABEL_COL: 44, UNIT_COL: 16})
        frequency = self.template.period.frequency
        for col in self.pos.period_cols():
            s.column_widths[col] = PERIOD_WIDTH.get(frequency, ENTRY_WIDTH["annual"])
        s.column_widths[FIRST_COL] = ENTRY_WIDTH["annual" if frequency == "annual" else "several"]
        if self.pos.total_col is not None:
            s.column_widths[self.pos.total_col] = 13


def guarded(figure: Figure, ref: Callable[[str], str], missing: str | None, empty: str) -> str:
    """``=IF(missing, empty, IFERROR(formula, ""))`` with the blank test given as text.

    Used for year totals, whose blank test (:meth:`Figure.missing_test`) looks at whole
    rows of inputs.
    """
    body = f'IFERROR({formula.to_excel(figure.expr, ref)},"")'
    if missing is None:
        return "=" + body
    return f"=IF({missing},{empty},{body})"


def year_to_date_format(f: FieldSpec) -> str | None:
    """Number format of a measure's Year to date (of several periods)."""
    if f.aggregate == "mean" and f.type == "integer":
        return "#,##0.0"  # an average of whole numbers is rarely whole
    return fieldkit.number_format(f)


def year_to_date_note(fields: list[FieldSpec], frequency: str) -> str | None:
    """A sentence naming the measures whose Year to date is not the sum (None if none)."""
    period = {"monthly": "month", "quarterly": "quarter"}.get(frequency, "period")
    groups: dict[str, list[str]] = {}
    for f in fields:
        groups.setdefault(f.aggregate, []).append(f.title)
    says = {
        "last": f"the latest {period} entered for {{}}",
        "mean": f"the average of the {period}s entered for {{}}",
        "none": f"left blank for {{}}, whose {period}s cannot be combined",
    }
    pieces = [text.format(_and(groups[key])) for key, text in says.items() if key in groups]
    if not pieces:
        return None
    return f"Year to date adds up the {period}s, except: {'; '.join(pieces)}."


def _and(titles: list[str]) -> str:
    return titles[0] if len(titles) == 1 else f"{', '.join(titles[:-1])} and {titles[-1]}"


def plots_parts(chart: Chart, periods: int) -> bool:
    """Whether ``chart`` shows each of its series as one category (see ``part_rows``)."""
    if len(chart.series) < 2:
        return False
    return chart.type in ("pie", "doughnut") or periods == 1


def is_long_text(f: FieldSpec) -> bool:
    """A free-text field that may hold more than a period column shows (a name, notes)."""
    c = f.constraints
    short = c.enum is not None or c.pattern is not None
    return f.type == "string" and not short and (c.maxLength is None or c.maxLength > 26)


def template_of(resolved: ResolvedTemplate) -> TemplateSpec:
    """The template of ``resolved``; forms have no Data sheet, dashboard or charts."""
    if not isinstance(resolved.template, TemplateSpec):
        raise TypeError(f"{resolved.template.id} is a form, not a template")
    return resolved.template


def _by_section(fields: list[FieldSpec]) -> list[tuple[str, list[FieldSpec]]]:
    """Fields grouped by section, sections in order of first appearance."""
    groups: dict[str, list[FieldSpec]] = {}
    for f in fields:
        groups.setdefault(f.section, []).append(f)
    return list(groups.items())
