"""The scoring rule of 月度考核, each kind of item against values computed by hand."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from anjian.campaigns.scoring import figure_of, item_score, rate_percent
from anjian.stats.ranking import competition_ranks

D = Decimal


def score(direction, figure, quota, points, deduction="1"):
    return item_score(direction=direction, figure=figure, quota=D(quota), points=D(points), deduction=D(deduction))


@pytest.mark.parametrize(("figure", "quota", "points", "expected"), [
    (30, "30", "10", "10.00"),   # met exactly
    (35, "30", "10", "10.00"),   # more than the quota earns no more than the points
    (24, "30", "10", "8.00"),    # 10 × 24 / 30
    (7, "30", "10", "2.33"),     # 10 × 7 / 30 = 2.333…
    (1, "8", "5", "0.63"),       # 5 / 8 = 0.625: half up, not to even
    (0, "30", "10", "0.00"),
    (0, "0", "10", "10.00"),     # a quota of 0 is always met
])
def test_at_least_counts(figure, quota, points, expected):
    assert score("at_least", figure, quota, points) == D(expected)


@pytest.mark.parametrize(("figure", "quota", "points", "deduction", "expected"), [
    (0, "0", "10", "2", "10.00"),
    (3, "0", "10", "2", "4.00"),     # 10 − 2 × 3
    (6, "0", "10", "2", "0.00"),     # 10 − 12, never below 0
    (5, "4", "10", "2.5", "7.50"),   # one over: 10 − 2.5
    (4, "4", "10", "2.5", "10.00"),
])
def test_at_most_counts(figure, quota, points, deduction, expected):
    assert score("at_most", figure, quota, points, deduction) == D(expected)


def test_rates_compare_in_percent_exactly():
    # 9/10 is exactly 90 % (0.9 × 100 in floating point is 90.00000000000001).
    assert score("at_least", rate_percent(9, 10), "90", "10") == D("10.00")
    # 17/20 = 85 %: 15 × 85 / 90 = 14.1666…
    assert score("at_least", rate_percent(17, 20), "90", "15") == D("14.17")
    # 2/3 = 66.66…%: 10 × (200/3) / 90 = 7.4074…
    assert score("at_least", rate_percent(2, 3), "90", "10") == D("7.41")
    # At most 10 %, 1/8 = 12.5 %: 2.5 percentage points over, 1 point each.
    assert score("at_most", rate_percent(1, 8), "10", "10", "1") == D("7.50")


def test_undefined_rate_earns_full_points():
    assert rate_percent(0, 0) is None
    assert score("at_least", None, "90", "30") == D("30.00")
    assert score("at_most", None, "5", "10") == D("10.00")
    values = {"rectification_rate": None, "hazards_rectified": 0, "hazards_found": 0}
    assert figure_of("rectification_rate", values) is None
    values = {"rectification_rate": 0.5, "hazards_rectified": 3, "hazards_found": 6}
    assert figure_of("rectification_rate", values) == Fraction(50)


def test_money_figures():
    # 罚款金额 ≥ 10,000 元 for 4 points, 2,500 元 collected: 4 × 2500 / 10000.
    assert score("at_least", D("2500.00"), "10000", "4") == D("1.00")


def test_competition_ranks():
    assert competition_ranks([D(90), D(85), D(85), D(70)]) == [1, 2, 2, 4]
    assert competition_ranks([D(5), D(5), D(5)]) == [1, 1, 1]
    assert competition_ranks([]) == []
