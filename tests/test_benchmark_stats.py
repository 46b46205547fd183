"""The benchmark statistics against numpy and against values worked by hand."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from lks_templates.benchmarking import stats


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 10, 31])
def test_quartiles_are_numpys_linear_quantiles(size: int) -> None:
    rng = random.Random(size)
    values = [rng.uniform(-50, 5000) for _ in range(size)]
    found = stats.spread(values)
    expected = np.quantile(np.array(values), [0.25, 0.5, 0.75])
    assert [found.q1, found.median, found.q3] == pytest.approx(list(expected), rel=1e-12)
    assert (found.n, found.min, found.max) == (size, min(values), max(values))


def test_quartiles_worked_by_hand() -> None:
    # Sorted 1, 2, 4, 10: q1 sits at position 0.75 -> 1 + 0.75 * (2 - 1) = 1.75; the median
    # at 1.5 -> 3; q3 at 2.25 -> 4 + 0.25 * 6 = 5.5 (Excel's QUARTILE.INC gives the same).
    found = stats.spread([10, 1, 4, 2])
    assert (found.q1, found.median, found.q3) == (1.75, 3.0, 5.5)


def test_quarter_counts_cut_points_strictly_below() -> None:
    cuts = stats.spread([1, 2, 3, 4, 5])  # q1 2, median 3, q3 4
    assert [stats.quarter(v, cuts) for v in (1, 2, 2.5, 3, 3.5, 4, 4.1, 9)] == [
        1, 1, 2, 2, 3, 3, 4, 4,
    ]  # fmt: skip


def test_bands_by_breaks() -> None:
    breaks = [3000.0, 6000.0]
    labels = [stats.band_label(stats.band_index(v, breaks), breaks) for v in (2999, 3000, 6000)]
    assert labels == ["< 3,000", "3,000 to < 6,000", ">= 6,000"]


def test_quantile_bands_hold_equal_counts() -> None:
    values = [float(v) for v in range(1, 13)]  # 12 services, 3 bands of 4
    breaks = stats.quantile_breaks(values, 3)
    # numpy's quantiles (4.667, 8.333), rounded to two significant figures by formatting.
    expected = [float(f"{q:.2g}") for q in np.quantile(values, [1 / 3, 2 / 3])]
    assert breaks == pytest.approx(expected) == [4.7, 8.3]
    counts = [sum(stats.band_index(v, breaks) == b for v in values) for b in range(3)]
    assert counts == [4, 4, 4]


def test_a_quantile_band_edge_never_gives_away_a_service_figure() -> None:
    # Seven services in three bands: numpy's cuts fall exactly on the 3rd and 5th figures.
    values = [3137.0, 4211.0, 5099.0, 6023.0, 7411.0, 8806.0, 9999.0]
    exact = list(np.quantile(values, [1 / 3, 2 / 3]))
    assert exact == [5099.0, 7411.0]
    breaks = stats.quantile_breaks(values, 3)
    assert breaks == [5100.0, 7400.0]
    assert not set(breaks) & set(values)
    labels = [stats.band_label(i, breaks) for i in range(3)]
    assert labels == ["< 5,100", "5,100 to < 7,400", ">= 7,400"]


def test_nearest_worked_by_hand() -> None:
    # One field: 0, 1, 3, 4. Standardising divides every difference by the same SD, so
    # the order of distances is the order of the raw differences.
    services = {"A": {"x": 0.0}, "B": {"x": 1.0}, "C": {"x": 3.0}, "D": {"x": 4.0}}
    groups = stats.nearest_groups(services, {"x": 1.0}, 2)
    assert groups == {
        "A": ["A", "B", "C"],
        "B": ["B", "A", "C"],  # A at 1, C at 2, D at 3
        "C": ["C", "D", "B"],
        "D": ["D", "C", "B"],
    }


def test_nearest_ties_go_to_the_lower_ods_code() -> None:
    services = {"M": {"x": 0.0}, "Z9": {"x": 1.0}, "A1": {"x": -1.0}, "Q": {"x": 5.0}}
    assert stats.nearest_groups(services, {"x": 1.0}, 1)["M"] == ["M", "A1"]


def test_nearest_weights_multiply_squared_differences() -> None:
    # x: 0, 2, 0 (mean 2/3, SD sqrt(8/9)); y: 0, 0, 3 (mean 1, SD sqrt(2)).
    services = {
        "S": {"x": 0.0, "y": 0.0},
        "T": {"x": 2.0, "y": 0.0},
        "U": {"x": 0.0, "y": 3.0},
    }
    # z-distance S-T: x only, 2 / sqrt(8/9) = 2.1213; S-U: y only, 3 / sqrt(2) = 2.1213.
    # Equal unweighted, so weights decide: x weighted 4 puts T far away.
    assert stats.nearest_groups(services, {"x": 4.0, "y": 1.0}, 1)["S"] == ["S", "U"]
    assert stats.nearest_groups(services, {"x": 1.0, "y": 4.0}, 1)["S"] == ["S", "T"]
    z = np.array([[0, 0], [2, 0], [0, 3]], dtype=float)
    z = (z - z.mean(axis=0)) / z.std(axis=0)
    assert math.dist(z[0], z[1]) == pytest.approx(math.dist(z[0], z[2]))


def test_poisson_funnel_worked_by_hand() -> None:
    # Group: 10 searches over 1,000 staff and 30 over 2,000: r0 = 40 / 3000 = 0.013333.
    # A unit of 1,000 staff: SD = sqrt(0.013333 / 1000) = 0.0036515;
    # 95%: 0.013333 +/- 1.959964 x 0.0036515 = 0.0061766 .. 0.0204901 -> per 1,000.
    limits = stats.funnel_limits(40, 3000, 1000, "poisson", 1000)
    assert limits.group_rate == pytest.approx(13.3333, abs=1e-4)
    assert limits.lower_95 == pytest.approx(6.1766, abs=1e-4)
    assert limits.upper_95 == pytest.approx(20.4901, abs=1e-4)
    # 99.8%: 0.013333 - 3.090232 x 0.0036515 = 0.0020494; + gives 0.0246173.
    assert limits.lower_998 == pytest.approx(2.0494, abs=1e-4)
    assert limits.upper_998 == pytest.approx(24.6173, abs=1e-4)
    assert stats.funnel_position(21.0, limits) == "above_95"
    assert stats.funnel_position(25.0, limits) == "above_998"
    assert stats.funnel_position(13.0, limits) == "inside"
    assert stats.funnel_position(5.0, limits) == "below_95"
    assert stats.funnel_position(1.0, limits) == "below_998"


def test_binomial_funnel_worked_by_hand() -> None:
    # p0 = 30 / 100 = 0.3; a unit of 50: SD = sqrt(0.3 x 0.7 / 50) = 0.0648074;
    # 95%: 0.3 +/- 0.1270202 -> 17.29798 .. 42.70202 per 100;
    # 99.8%: 0.3 - 3.090232 x 0.0648074 = 0.0997301.
    limits = stats.funnel_limits(30, 100, 50, "binomial", 100)
    assert limits.lower_95 == pytest.approx(17.29798, abs=1e-5)
    assert limits.upper_95 == pytest.approx(42.70202, abs=1e-5)
    assert limits.lower_998 == pytest.approx(9.97301, abs=1e-5)


def test_funnel_limits_are_cut_at_zero_and_one() -> None:
    # p0 = 0.95 over a unit of 4: 0.95 + 3.09 x sqrt(0.0475 / 4) > 1, so cut at 100%.
    limits = stats.funnel_limits(95, 100, 4, "binomial", 100)
    assert limits.upper_998 == 100.0
    small = stats.funnel_limits(1, 1000, 10, "poisson", 1000)
    assert small.lower_95 == 0.0
