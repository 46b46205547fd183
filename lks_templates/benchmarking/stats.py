"""The statistics of a benchmark, one definition each, in plain Python (no numpy needed).

- Quartiles by linear interpolation between the sorted values: Excel's QUARTILE.INC,
  numpy's default ``linear`` method and pandas' default.
- A value's quarter: 1 + the number of cut points (q1, median, q3) it is strictly above.
- Nearest neighbours: each field standardised over the services present (z-scores with
  the population standard deviation), distance = sqrt(sum of weight x difference squared),
  ties broken by ODS code.
- Funnel limits (Spiegelhalter 2005, normal approximation): around the group's pooled rate
  ``r0 = sum(numerators) / sum(denominators)``, a unit with denominator ``n`` has limits
  ``r0 +/- z * sqrt(r0 / n)`` for counts (Poisson) or ``p0 +/- z * sqrt(p0 (1 - p0) / n)``
  for proportions (binomial), z = 1.959964 (95%) and 3.090232 (99.8%), cut at 0 (and at 1
  for a proportion), then multiplied by ``per``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054
"""The two-sided 95% point of the standard normal distribution."""
Z998 = 3.090232306167813
"""The two-sided 99.8% point of the standard normal distribution."""


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0 to 1) by linear interpolation (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("quantile of no values")
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Spread:
    """The distribution of one KPI in one group."""

    n: int
    q1: float
    median: float
    q3: float
    min: float
    max: float


def spread(values: Sequence[float]) -> Spread:
    """n, quartiles, minimum and maximum of ``values`` (at least one)."""
    return Spread(
        len(values),
        quantile(values, 0.25),
        quantile(values, 0.5),
        quantile(values, 0.75),
        min(values),
        max(values),
    )


def quarter(value: float, cuts: Spread) -> int:
    """1 + the number of cut points (q1, median, q3) that ``value`` is strictly above."""
    return 1 + sum(value > cut for cut in (cuts.q1, cuts.median, cuts.q3))


def band_index(value: float, breaks: Sequence[float]) -> int:
    """0 for below the first break, 1 from the first to below the second, and so on."""
    return bisect_right(list(breaks), value)


def quantile_breaks(values: Sequence[float], bands: int) -> list[float]:
    """The cut points of ``bands`` bands of about equal counts over ``values``: each
    quantile rounded to two significant figures (duplicates dropped).

    Unrounded, a quantile of an odd number of services is often one service's own figure
    (the median of 7 is the 4th), and the band's name, which every service's workbook
    shows, would give that figure away; a rounded cut is a round number, so no band edge
    is a service's figure unless that figure is itself round.
    """
    cuts = [round_figures(quantile(values, i / bands), 2) for i in range(1, bands)]
    return sorted(set(cuts))


def round_figures(value: float, figures: int) -> float:
    """``value`` rounded to ``figures`` significant figures (3,461.67 -> 3,500 for 2)."""
    if value == 0 or not math.isfinite(value):
        return value
    digits = figures - 1 - math.floor(math.log10(abs(value)))
    return round(value, digits)


def _number(value: float) -> str:
    return f"{value:,.10g}"


def band_label(index: int, breaks: Sequence[float]) -> str:
    """``< 3,000``, ``3,000 to < 6,000`` or ``>= 6,000``."""
    if not breaks:
        return "all"
    if index == 0:
        return f"< {_number(breaks[0])}"
    if index == len(breaks):
        return f">= {_number(breaks[-1])}"
    return f"{_number(breaks[index - 1])} to < {_number(breaks[index])}"


def standardise(values: Mapping[str, float]) -> dict[str, float]:
    """z-scores (population standard deviation); all 0 when every value is the same."""
    items = list(values.values())
    mean = sum(items) / len(items)
    sd = math.sqrt(sum((v - mean) ** 2 for v in items) / len(items))
    return {key: (v - mean) / sd if sd > 0 else 0.0 for key, v in values.items()}


def nearest_groups(
    services: Mapping[str, Mapping[str, float]], weights: Mapping[str, float], k: int
) -> dict[str, list[str]]:
    """ODS code -> the service itself then its ``k`` nearest others (ties by ODS code).

    ``services`` maps each ODS code to its value of every field in ``weights``.
    """
    z = {
        field: standardise({code: values[field] for code, values in services.items()})
        for field in weights
    }
    groups: dict[str, list[str]] = {}
    for code in services:

        def distance(other: str, code: str = code) -> float:
            return math.sqrt(sum(w * (z[f][code] - z[f][other]) ** 2 for f, w in weights.items()))

        others = sorted((c for c in services if c != code), key=lambda c: (distance(c), c))
        groups[code] = [code, *others[:k]]
    return groups


@dataclass(frozen=True)
class Limits:
    """Funnel control limits for one unit, on the shown scale (already times ``per``)."""

    group_rate: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float


def funnel_limits(
    numerator_total: float, denominator_total: float, n: float, model: str, per: float
) -> Limits:
    """Limits around the pooled rate for a unit whose denominator is ``n`` (> 0)."""
    r0 = numerator_total / denominator_total
    spread_of = math.sqrt(r0 * (1 - r0) / n) if model == "binomial" else math.sqrt(r0 / n)
    top = 1.0 if model == "binomial" else math.inf

    def clip(x: float) -> float:
        return min(max(x, 0.0), top) * per

    return Limits(
        r0 * per,
        clip(r0 - Z95 * spread_of),
        clip(r0 + Z95 * spread_of),
        clip(r0 - Z998 * spread_of),
        clip(r0 + Z998 * spread_of),
    )


def funnel_position(rate: float, limits: Limits) -> str:
    """``above_998``, ``above_95``, ``inside``, ``below_95`` or ``below_998``."""
    if rate > limits.upper_998:
        return "above_998"
    if rate > limits.upper_95:
        return "above_95"
    if rate < limits.lower_998:
        return "below_998"
    if rate < limits.lower_95:
        return "below_95"
    return "inside"
