"""The annual plan's workday arithmetic and its per-unit limits, as pure functions.

Workday method (DOMAIN.md §3.3, as in the 2025 plans of 宽城区 and others):

    总法定工作日   = 国家法定工作日 × 执法人员数
    监督检查工作日 = 总法定工作日 − 其他执法工作日 − 非执法工作日   (never negative: CapacityError)
    重点检查工作日 = floor(监督检查工作日 × 重点占比 / 100)
    一般检查工作日 = 监督检查工作日 − 重点检查工作日                 (双随机 and the rest: 150号 Art. 6 留有余地)
    重点检查能力   = 重点检查工作日 // 每家次所需工作日   (家次; 一般 the same)
    已安排         = Σ 计划检查次数 × 每家次所需工作日    (人·日)

Whole 人·日 throughout, rounding down: a plan never promises a part of an inspection it has no days for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from anjian.plans.models import RISK_KEYS, default_limits


class CapacityError(ValueError):
    """The inputs leave no days for inspections (a Chinese message naming the figures)."""


@dataclass(frozen=True)
class Capacity:
    total_days: int  # 总法定工作日
    inspection_days: int  # 监督检查工作日
    key_days: int  # 重点检查工作日
    general_days: int  # 一般检查工作日
    key_capacity: int  # 重点检查能力（家次）
    general_capacity: int  # 一般检查能力（家次）
    scheduled_times: int  # 已安排（家次）
    scheduled_days: int  # 已安排（人·日）

    @property
    def over(self) -> bool:
        """The plan's units need more days than the 重点检查工作日 give."""
        return self.scheduled_days > self.key_days

    @property
    def over_by(self) -> int:
        """家次 beyond the 重点检查 capacity (0 when within)."""
        return max(0, self.scheduled_times - self.key_capacity)

    @property
    def key_left(self) -> int:
        """家次 still free in the 重点检查 days (negative when over)."""
        return self.key_capacity - self.scheduled_times


def capacity(
    *, officers: int, legal_workdays: int, other_enforcement_days: int, non_enforcement_days: int, key_share: int,
    days_per_inspection: int, scheduled_times: int = 0,
) -> Capacity:
    """The derived figures of a plan; raises CapacityError when the inputs cannot give any."""
    if officers < 1:
        raise CapacityError("执法人员数至少为 1")
    if min(legal_workdays, other_enforcement_days, non_enforcement_days) < 0:
        raise CapacityError("工作日不能为负数")
    if not 0 <= key_share <= 100:
        raise CapacityError("重点检查工作日占比应在 0 至 100 之间")
    if days_per_inspection < 1:
        raise CapacityError("每家次所需工作日至少为 1")
    total = legal_workdays * officers
    inspection = total - other_enforcement_days - non_enforcement_days
    if inspection < 0:
        raise CapacityError(
            f"其他执法工作日（{other_enforcement_days}）与非执法工作日（{non_enforcement_days}）之和"
            f"超过总法定工作日（{legal_workdays} × {officers} = {total}），监督检查工作日不能为负数"
        )
    key = inspection * key_share // 100
    general = inspection - key
    return Capacity(
        total_days=total, inspection_days=inspection, key_days=key, general_days=general,
        key_capacity=key // days_per_inspection, general_capacity=general // days_per_inspection,
        scheduled_times=scheduled_times, scheduled_days=scheduled_times * days_per_inspection,
    )


def plan_capacity(plan: Any, times: Iterable[int] | int = 0) -> Capacity:
    """``capacity`` of an AnnualPlan (or anything with its fields) with these planned 次数 (or their sum)."""
    scheduled = times if isinstance(times, int) else sum(times)
    return capacity(
        officers=plan.officers, legal_workdays=plan.legal_workdays,
        other_enforcement_days=plan.other_enforcement_days, non_enforcement_days=plan.non_enforcement_days,
        key_share=plan.key_share, days_per_inspection=plan.days_per_inspection, scheduled_times=scheduled,
    )


def limit_for(limits: dict[str, Any], *, high_risk: bool, risk_class: str) -> int:
    """The maximum enforcement inspections per year of a unit of this kind (DOMAIN.md §3.4; 国办发〔2024〕54号).

    A missing entry falls back to the default table, so an old plan's JSON never leaves a unit unlimited.
    """
    group = "high_risk" if high_risk else "other"
    key = risk_class if risk_class in RISK_KEYS else ""
    try:
        return int(limits[group][key])
    except (KeyError, TypeError, ValueError):
        return default_limits()[group][key]


def group_label(high_risk: bool) -> str:
    return "高危行业" if high_risk else "其他行业"


def class_label(risk_class: str) -> str:
    return f"{risk_class} 类" if risk_class else "未分级"


def limit_rule(limits: dict[str, Any], *, high_risk: bool, risk_class: str) -> str:
    """"高危行业 B 类单位每年执法检查不超过 4 次（分类分级监管；国办发〔2024〕54号 严格控制重复检查）"."""
    n = limit_for(limits, high_risk=high_risk, risk_class=risk_class)
    return (f"{group_label(high_risk)}{class_label(risk_class)}单位每年执法检查不超过 {n} 次"
            "（分类分级监管；国办发〔2024〕54号 严格规范涉企行政检查）")


# 执行情况 of one item.
NOT_STARTED = "未开始"
IN_PROGRESS = "进行中"
DONE = "已完成"
OVER_LIMIT = "超过上限"


def progress_status(actual: int, times: int) -> str:
    """未开始 (none yet), 进行中 (fewer than planned), 已完成 (as many as planned, or more)."""
    if actual <= 0:
        return NOT_STARTED
    return DONE if actual >= times else IN_PROGRESS
