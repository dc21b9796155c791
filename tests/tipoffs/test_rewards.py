"""reward_for, each branch of 《安全生产领域举报奖励办法》 with the amounts worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anjian.tipoffs.models import AccidentLevel, Kind
from anjian.tipoffs.rewards import reward_for


def reward(kind, fine=None, level="", deaths=0, real_name=True, general="0"):
    return reward_for(kind, fine=Decimal(fine) if fine is not None else None, accident_level=level, deaths=deaths,
                      real_name=real_name, general_table=Decimal(general))


@pytest.mark.parametrize(("kind", "fine", "amount"), [
    (Kind.VIOLATION, "50000", "7500.00"),  # 50,000 × 15 %
    (Kind.MAJOR_HAZARD, "120000", "18000.00"),  # 120,000 × 15 %
    (Kind.VIOLATION, "33333.33", "5000.00"),  # 4,999.9995 rounded half up to the cent
    (Kind.VIOLATION, "20000", "3000.00"),  # exactly the minimum: no clamp
    (Kind.VIOLATION, "2000000", "300000.00"),  # exactly the maximum: no clamp
])
def test_fifteen_percent_of_the_fine(kind, fine, amount):
    value, basis = reward(kind, fine)
    assert value == Decimal(amount)
    assert "× 15%" in basis and "安监总财〔2018〕19号" in basis
    assert "最低" not in basis and "最高" not in basis


def test_minimum_three_thousand():
    value, basis = reward(Kind.VIOLATION, "10000")  # 1,500 < 3,000
    assert value == Decimal("3000")
    assert basis == ("举报安全生产违法行为：罚款金额 10,000 元 × 15% = 1,500 元，不足 3,000 元，按最低奖励 3,000 元"
                     "（《安全生产领域举报奖励办法》（安监总财〔2018〕19号））")


def test_major_hazard_without_a_fine_gets_the_minimum():
    value, basis = reward(Kind.MAJOR_HAZARD, None)
    assert value == Decimal("3000")
    assert basis.startswith("举报重大事故隐患：未作出罚款，不足 3,000 元，按最低奖励 3,000 元")


def test_maximum_three_hundred_thousand():
    value, basis = reward(Kind.MAJOR_HAZARD, "2500000")  # 375,000 > 300,000
    assert value == Decimal("300000")
    assert "2,500,000 元 × 15% = 375,000 元，超过 300,000 元，按最高奖励 300,000 元" in basis


@pytest.mark.parametrize(("level", "deaths", "amount"), [
    (AccidentLevel.GENERAL, 2, "60000"),  # 2 × 30,000
    (AccidentLevel.LARGER, 3, "120000"),  # 3 × 40,000
    (AccidentLevel.MAJOR, 4, "200000"),  # 4 × 50,000
    (AccidentLevel.ESPECIALLY_MAJOR, 5, "300000"),  # 5 × 60,000 = the maximum exactly
    (AccidentLevel.ESPECIALLY_MAJOR, 6, "300000"),  # 360,000 clamped
    (AccidentLevel.MAJOR, 7, "300000"),  # 350,000 clamped
])
def test_concealed_accident_per_death(level, deaths, amount):
    value, basis = reward(Kind.CONCEALED_ACCIDENT, level=level, deaths=deaths)
    assert value == Decimal(amount)
    assert f"查实瞒报谎报死亡 {deaths} 人" in basis
    assert ("按最高奖励 300,000 元" in basis) == (deaths * {"general": 3, "larger": 4, "major": 5,
                                                        "especially_major": 6}[level] > 30)


def test_concealed_accident_without_deaths_or_level_gets_nothing():
    assert reward(Kind.CONCEALED_ACCIDENT, level=AccidentLevel.LARGER, deaths=0)[0] == 0
    value, basis = reward(Kind.CONCEALED_ACCIDENT, level="", deaths=2)
    assert value == 0 and "未确定事故等级" in basis


def test_general_hazard_follows_the_local_table():
    value, basis = reward(Kind.GENERAL_HAZARD)
    assert value == 0 and "不奖励一般隐患" in basis
    value, basis = reward(Kind.GENERAL_HAZARD, general="500")
    assert value == Decimal("500.00") and "本地奖励标准 500 元" in basis


def test_other_matters_are_not_rewarded():
    value, basis = reward(Kind.OTHER, "50000")
    assert value == 0 and "不属于" in basis


@pytest.mark.parametrize("kind", Kind.values)
def test_anonymous_reports_get_nothing(kind):
    value, basis = reward(kind, "50000", level=AccidentLevel.MAJOR, deaths=3, real_name=False, general="500")
    assert value == 0
    assert basis.startswith("匿名举报依法办理，不予奖励") and "实名举报人" in basis
