"""A funnel plot (Spiegelhalter 2005) as cells and a chart of a :class:`SheetPlan`.

Reusable by any workbook of a benchmark (each service's workbook, the lead's summary):
give it plain figures, a sheet and where to put them, and it writes the figures it plots
into cells (the limit curves as formulas of the group's rate, so a spreadsheet shows where
each number comes from) and returns the :class:`ChartPlan` of a scatter chart drawn from
them. ::

    funnel = Funnel(
        title="Searches per 1,000 staff: same trust type",
        group_rate=24.1, model="poisson", per=1000,
        points=[FunnelPoint("Your service", 5210, 26.3)],
        low=500, high=10000, rate_title="Searches per 1,000 staff",
        population_title="Staff headcount served",
    )
    placed = place_funnel(sheet, funnel, row=60, col=0, chart_row=80, chart_col=0)
    sheet.charts.append(placed.chart)

The limit curves are sampled at **round** populations only (multiples of 1, 2 or 5 times
a power of ten between ``low`` and ``high``, see :func:`round_grid`), never at a service's
own population: a curve sampled at other services' populations would show them. Choose
``low`` and ``high`` from figures the workbook may show (:func:`service_range` takes the
service's own population only).

Accessible (WCAG 2.2 AA): every colour reaches 3:1 against the white plot area, and the
series differ without colour: the group rate is a solid line, the 95% limits dashed, the
99.8% limits dotted, and points are markers whose shape says where they lie (a triangle
above the limits, a circle inside, a square below). The alt text says what the chart shows,
the service's position in words and which cells hold the figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from lks_templates.benchmarking import stats
from lks_templates.layout.model import (
    ChartPlan,
    ChartSeries,
    SeriesLook,
    SheetPlan,
    cell_name,
    range_name,
    sheet_ref,
)
from lks_templates.render.styles import (
    BLACK,
    DARK_BLUE,
    DARK_GREEN,
    DARK_PINK,
    MID_GREY,
    NHS_BLUE,
)
from lks_templates.rules.numbers import format_number

POSITIONS = {
    "above_998": "Above the 99.8% limit",
    "above_95": "Above the 95% limit",
    "inside": "Inside the 95% limits",
    "below_95": "Below the 95% limit",
    "below_998": "Below the 99.8% limit",
}
"""Each position of :func:`stats.funnel_position` in words, highest first."""
POINT_LOOKS = {
    "above_998": SeriesLook(DARK_PINK, dash=None, marker="triangle", marker_size=9),
    "above_95": SeriesLook(DARK_PINK, dash=None, marker="diamond", marker_size=9),
    "inside": SeriesLook(NHS_BLUE, dash=None, marker="circle", marker_size=8),
    "below_95": SeriesLook(DARK_GREEN, dash=None, marker="square", marker_size=8),
    "below_998": SeriesLook(DARK_GREEN, dash=None, marker="x", marker_size=9),
}
"""The marker of a point by its position: shape and colour both say where it lies."""
RATE_LOOK = SeriesLook(BLACK, dash="solid", width=1.5)
LIMIT_95_LOOK = SeriesLook(MID_GREY, dash="dash", width=1.75)
LIMIT_998_LOOK = SeriesLook(DARK_BLUE, dash="round_dot", width=2.25)
CURVE_HEADERS = ("Population", "Lower 99.8% limit", "Lower 95% limit", "Group rate",
                 "Upper 95% limit", "Upper 99.8% limit")  # fmt: skip
POINT_HEADERS = ("Point", "Population", "Rate", "Position")
STEPS = 40
"""About how many round populations each curve is sampled at."""


@dataclass(frozen=True)
class FunnelPoint:
    """One unit on the plot: its label (a service's name, or "Your service"), population
    (the funnel's denominator) and rate (on the shown scale, already times ``per``)."""

    label: str
    denominator: float
    rate: float


@dataclass(frozen=True)
class Funnel:
    """The plain figures of one funnel plot."""

    title: str
    group_rate: float
    """The group's pooled rate on the shown scale (``funnel_group_rate``)."""
    model: str
    """``poisson`` (a count per population) or ``binomial`` (a proportion)."""
    per: float
    points: Sequence[FunnelPoint]
    low: float
    high: float
    """The population range the curves are drawn over (sampled at round values within)."""
    rate_title: str = "Rate"
    population_title: str = "Population"
    number_format: str = "0.0"
    """Number format of rates and limits."""
    population_format: str = "#,##0"
    where: str = ""
    """Extra words for the alt text on where the figures are ("and in the table above")."""


@dataclass
class Placed:
    """What :func:`place_funnel` wrote: the chart, the first row after its figures, and the
    populations each curve was sampled at (round values)."""

    chart: ChartPlan
    next_row: int
    grid: list[float] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    """Each point's position code, in the order given."""


def _step_of(mantissa: int, exponent: int) -> float:
    """``mantissa`` x 10^``exponent`` as the float nearest the decimal (no 0.30000000004)."""
    return float(mantissa * 10**exponent) if exponent >= 0 else mantissa / 10**-exponent


def nice_above(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value`` (> 0)."""
    exponent = math.floor(math.log10(value))
    for exp in (exponent, exponent + 1):
        for mantissa in (1, 2, 5):
            candidate = _step_of(mantissa, exp)
            if candidate >= value * (1 - 1e-12):
                return candidate
    return _step_of(1, exponent + 2)


def round_grid(low: float, high: float, steps: int = STEPS) -> list[float]:
    """Round populations from ``low`` to ``high`` (> 0): the multiples of a step of 1, 2 or
    5 times a power of ten, about ``steps`` of them, from the first above zero at or below
    ``low`` to the first at or above ``high``. Each value depends on ``low``, ``high`` and
    ``steps`` only, never on a unit's own population."""
    if not (low > 0 and high > low):
        raise ValueError("round_grid needs 0 < low < high")
    step = nice_above((high - low) / steps)
    exponent = math.floor(math.log10(step) + 1e-12)
    mantissa = round(step / 10**exponent)
    first = max(1, math.floor(low / step + 1e-9))
    last = math.ceil(high / step - 1e-9)
    # k x mantissa x 10^exponent, built from integers so each value is its decimal.
    return [_step_of(k * mantissa, exponent) for k in range(first, last + 1)]


def service_range(own_denominator: float) -> tuple[float, float]:
    """The population range of a service's own funnel plot: from a tenth to twice its own
    population, each end rounded out to 1, 2 or 5 times a power of ten; made from its own
    figure only, so the range shows no other service's population."""
    high = nice_above(2 * own_denominator)
    return high / 20, high


def limits_at(funnel: Funnel, denominator: float) -> stats.Limits:
    """The limits of ``funnel`` at ``denominator``, by :func:`stats.funnel_limits`."""
    return stats.funnel_limits(funnel.group_rate / funnel.per, 1.0, denominator, funnel.model,
                               funnel.per)  # fmt: skip


def limit_formula(rate_cell: str, population_cell: str, model: str, per: float, z: float) -> str:
    """A cell formula of one limit (``z`` negative for the lower one) on the shown scale, the
    formula of :func:`stats.funnel_limits`: around p = rate / per, p + z x sqrt(p / n) for
    counts or p + z x sqrt(p (1 - p) / n) for proportions, cut at 0 (and 1), times per."""
    p = f"{rate_cell}/{_literal(per)}"
    spread = f"SQRT({p}*(1-{p})/{population_cell})" if model == "binomial" else (
        f"SQRT({p}/{population_cell})")  # fmt: skip
    sign = "-" if z < 0 else "+"
    inner = f"MAX({p}{sign}{_literal(abs(z))}*{spread},0)"
    if model == "binomial":
        inner = f"MIN({inner},1)"
    return f"={inner}*{_literal(per)}"


def _literal(value: float) -> str:
    """A number in a formula, to the last digit Python keeps (``1000``, ``1.959963984540054``)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _number(value: float, number_format: str) -> str:
    return format_number(value, number_format)


def place_funnel(
    sheet: SheetPlan,
    funnel: Funnel,
    *,
    row: int,
    col: int = 0,
    chart_row: int,
    chart_col: int = 0,
    width: int = 720,
    height: int = 360,
    hide: bool = True,
) -> Placed:
    """Write the figures of ``funnel`` into ``sheet`` from ``row``, ``col`` (the group rate,
    the curves, then the points; rows hidden when ``hide``) and return the chart drawn from
    them, placed at ``chart_row``, ``chart_col`` (the caller appends it to ``sheet.charts``)."""
    fmt, pop = funnel.number_format, funnel.population_format
    sheet.put(row, col, f"Funnel figures: {funnel.title}", style="chart_data")
    sheet.put(row + 1, col, "Group rate", style="chart_data")
    sheet.put(row + 1, col + 1, funnel.group_rate, style="chart_data", number_format=fmt)
    rate_cell = cell_name(row + 1, col + 1, absolute=True)
    head = row + 2
    for offset, text in enumerate(CURVE_HEADERS):
        sheet.put(head, col + offset, text, style="chart_data")
    grid = round_grid(funnel.low, funnel.high)
    first = head + 1
    for index, x in enumerate(grid):
        at = first + index
        sheet.put(at, col, x, style="chart_data", number_format=pop)
        limits = limits_at(funnel, x)
        x_cell = cell_name(at, col)
        cached = (limits.lower_998, limits.lower_95, funnel.group_rate, limits.upper_95,
                  limits.upper_998)  # fmt: skip
        zs = (-stats.Z998, -stats.Z95, 0.0, stats.Z95, stats.Z998)
        for offset, (value, z) in enumerate(zip(cached, zs, strict=True), start=1):
            formula = (
                f"={rate_cell}"
                if z == 0.0
                else limit_formula(rate_cell, x_cell, funnel.model, funnel.per, z)
            )
            sheet.put(at, col + offset, value, style="chart_data", number_format=fmt,
                      formula=formula)  # fmt: skip
    last = first + len(grid) - 1
    points_head = last + 1
    for offset, text in enumerate(POINT_HEADERS):
        sheet.put(points_head, col + offset, text, style="chart_data")
    codes = [stats.funnel_position(p.rate, limits_at(funnel, p.denominator)) for p in funnel.points]
    # Points grouped by position (one series each, so the marker says where they lie).
    order = {code: i for i, code in enumerate(POSITIONS)}
    ranked = sorted(range(len(funnel.points)), key=lambda i: (order[codes[i]], i))
    at = points_head + 1
    blocks: dict[str, tuple[int, int]] = {}
    for i in ranked:
        point = funnel.points[i]
        sheet.put(at, col, point.label, style="chart_data")
        sheet.put(at, col + 1, point.denominator, style="chart_data", number_format=pop)
        sheet.put(at, col + 2, point.rate, style="chart_data", number_format=fmt)
        sheet.put(at, col + 3, POSITIONS[codes[i]], style="chart_data")
        start, _end = blocks.get(codes[i], (at, at))
        blocks[codes[i]] = (start, at)
        at += 1
    if hide:
        sheet.hidden_rows.update(range(row, at))
    name = sheet.name

    def curve(offset: int) -> str:
        return sheet_ref(name, first, col + offset, last, col + offset)

    xs = sheet_ref(name, first, col, last, col)
    series = [
        ChartSeries("Group rate", curve(3), xs, look=RATE_LOOK),
        ChartSeries("95% limits", curve(4), xs, look=LIMIT_95_LOOK),
        ChartSeries("Lower 95% limit", curve(2), xs, look=LIMIT_95_LOOK, in_legend=False),
        ChartSeries("99.8% limits", curve(5), xs, look=LIMIT_998_LOOK),
        ChartSeries("Lower 99.8% limit", curve(1), xs, look=LIMIT_998_LOOK, in_legend=False),
    ]
    single = len(funnel.points) == 1
    for code, (start, end) in blocks.items():
        label = (f"{funnel.points[0].label}: {POSITIONS[code].lower()}" if single
                 else f"{POSITIONS[code]} ({end - start + 1:,})")  # fmt: skip
        series.append(ChartSeries(label, sheet_ref(name, start, col + 2, end, col + 2),
                                  sheet_ref(name, start, col + 1, end, col + 1),
                                  look=POINT_LOOKS[code]))  # fmt: skip
    chart = ChartPlan(
        kind="scatter", title=funnel.title, series=series, row=chart_row, col=chart_col,
        width=width, height=height, alt_text=_alt_text(funnel, codes, grid, name,
                                                      range_name(row, col, at - 1, col + 5), hide),
        y_title=funnel.rate_title, x_title=funnel.population_title, y_min=0,
        x_range=(0, grid[-1]),
        category_format=pop, number_format=fmt, show_hidden=hide, legend=True,
    )  # fmt: skip
    return Placed(chart=chart, next_row=at, grid=grid, positions=codes)


def _alt_text(
    funnel: Funnel,
    codes: Sequence[str],
    grid: Sequence[float],
    sheet: str,
    cells: str,
    hidden: bool,
) -> str:
    """What the funnel shows, where each point lies in words, and where its figures are."""
    fmt, pop = funnel.number_format, funnel.population_format
    text = (
        f"Funnel plot of {funnel.rate_title} against {funnel.population_title}. A solid line "
        f"across is the group's rate, {_number(funnel.group_rate, fmt)}; dashed lines are the "
        "95% control limits and dotted lines the 99.8% limits, narrowing as the population "
        f"grows from {_number(grid[0], pop)} to {_number(grid[-1], pop)}. "
    )
    if len(funnel.points) == 1:
        point = funnel.points[0]
        text += (
            f"{point.label}: a rate of {_number(point.rate, fmt)} with a population of "
            f"{_number(point.denominator, pop)}, {POSITIONS[codes[0]].lower()}. "
        )
    else:
        counts = {code: codes.count(code) for code in POSITIONS if code in codes}
        shown = "; ".join(f"{POSITIONS[c].lower()}: {n:,}" for c, n in counts.items())
        text += f"{len(codes):,} points, one per service ({shown}). "
    rows = " (hidden rows)" if hidden else ""
    return text + f"The figures are in cells {cells} of sheet {sheet}{rows}{funnel.where}."
