"""The annual plan's workday arithmetic (DOMAIN.md §3.3), its per-class limits (§3.4) and the progress
status of one item — every expected figure worked out by hand."""

from __future__ import annotations

import pytest

from anjian.plans.capacity import CapacityError, capacity, limit_for, limit_rule, progress_status
from anjian.plans.models import default_limits


def test_workday_method_by_hand():
    # 12 officers × 248 days = 2976; less 600 other enforcement and 450 non-enforcement days = 1926;
    # 70 % of it = 1348.2 → 1348 重点, 578 一般; at 2 人·日 a 家次: 674 and 289.
    cap = capacity(officers=12, legal_workdays=248, other_enforcement_days=600, non_enforcement_days=450,
                   key_share=70, days_per_inspection=2, scheduled_times=10)
    assert cap.total_days == 2976
    assert cap.inspection_days == 1926
    assert cap.key_days == 1348
    assert cap.general_days == 578
    assert cap.key_capacity == 674
    assert cap.general_capacity == 289
    assert cap.scheduled_days == 20 and cap.scheduled_times == 10
    assert cap.key_left == 664 and not cap.over and cap.over_by == 0


def test_rounding_is_down_everywhere():
    # 1 × 1001 = 1001 inspection days; 33 % = 330.33 → 330, the rest 671; at 3 人·日: 110 and 223 (671/3 = 223.67).
    cap = capacity(officers=1, legal_workdays=1001, other_enforcement_days=0, non_enforcement_days=0, key_share=33,
                   days_per_inspection=3)
    assert (cap.key_days, cap.general_days, cap.key_capacity, cap.general_capacity) == (330, 671, 110, 223)


def test_share_bounds():
    full = capacity(officers=2, legal_workdays=100, other_enforcement_days=0, non_enforcement_days=0, key_share=100,
                    days_per_inspection=2)
    assert (full.key_days, full.general_days) == (200, 0)
    none = capacity(officers=2, legal_workdays=100, other_enforcement_days=0, non_enforcement_days=0, key_share=0,
                    days_per_inspection=2)
    assert (none.key_days, none.general_days, none.key_capacity) == (0, 200, 0)


def test_over_capacity():
    # 10 重点 days at 2 a 家次 = 5 家次; 6 planned need 12 days.
    cap = capacity(officers=1, legal_workdays=10, other_enforcement_days=0, non_enforcement_days=0, key_share=100,
                   days_per_inspection=2, scheduled_times=6)
    assert cap.over and cap.over_by == 1 and cap.key_left == -1 and cap.scheduled_days == 12
    at_limit = capacity(officers=1, legal_workdays=10, other_enforcement_days=0, non_enforcement_days=0,
                        key_share=100, days_per_inspection=2, scheduled_times=5)
    assert not at_limit.over and at_limit.key_left == 0


def test_never_negative_a_clear_error():
    # 248 − 200 − 48 = 0 is allowed; one more day is not.
    zero = capacity(officers=1, legal_workdays=248, other_enforcement_days=200, non_enforcement_days=48, key_share=70,
                    days_per_inspection=2)
    assert zero.inspection_days == 0 and zero.key_capacity == 0
    with pytest.raises(CapacityError) as exc:
        capacity(officers=1, legal_workdays=248, other_enforcement_days=200, non_enforcement_days=49, key_share=70,
                 days_per_inspection=2)
    assert "超过总法定工作日" in str(exc.value) and "248" in str(exc.value) and "不能为负数" in str(exc.value)


@pytest.mark.parametrize("bad", [{"officers": 0}, {"key_share": 101}, {"key_share": -1}, {"days_per_inspection": 0},
                                 {"other_enforcement_days": -1}])
def test_invalid_inputs_are_refused(bad):
    inputs = {"officers": 3, "legal_workdays": 248, "other_enforcement_days": 0, "non_enforcement_days": 0,
              "key_share": 70, "days_per_inspection": 2, **bad}
    with pytest.raises(CapacityError):
        capacity(**inputs)


def test_default_limits_follow_the_shanxi_table():
    # DOMAIN.md §3.4, 山西 2025, A = lowest risk: 危化品/金属冶炼 2/4/8/12 (未定级 12), non-high-risk 1/2/4/6 (6).
    assert default_limits() == {"high_risk": {"A": 2, "B": 4, "C": 8, "D": 12, "": 12},
                                "other": {"A": 1, "B": 2, "C": 4, "D": 6, "": 6}}
    limits = default_limits()
    assert limit_for(limits, high_risk=True, risk_class="B") == 4
    assert limit_for(limits, high_risk=False, risk_class="A") == 1
    assert limit_for(limits, high_risk=False, risk_class="") == 6
    # A plan's own figures win; a missing entry falls back to the table rather than to "no limit".
    assert limit_for({"high_risk": {"B": 3}}, high_risk=True, risk_class="B") == 3
    assert limit_for({"high_risk": {"B": 3}}, high_risk=False, risk_class="C") == 4
    rule = limit_rule(limits, high_risk=True, risk_class="C")
    assert "高危行业C 类单位每年执法检查不超过 8 次" in rule and "国办发〔2024〕54号" in rule


def test_progress_status():
    assert progress_status(0, 2) == "未开始"
    assert progress_status(1, 2) == "进行中"
    assert progress_status(2, 2) == "已完成"
    assert progress_status(3, 2) == "已完成"
