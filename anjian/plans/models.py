"""双随机抽查 (random inspection draws): the pools, the seed and the result, stored so anyone can re-run the draw.

DOMAIN.md §3.5 (双随机、一公开): units are drawn at random from a list (名录库), inspectors are
assigned at random from a list, the result is published; "⇒ anjian: seeded, reproducible draws
with the seed, lists and result stored". Everything the draw used is kept on the row
(``seed``, ``unit_pool``, ``inspector_pool``, ``excluded``), so ``plans.services.draw_recompute``
needs nothing else, and ``result_hash`` shows whether any of it was changed afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from anjian.core.scope import ScopePaths


class Draw(models.Model):
    # SJ + county code + year + 5 digits, gap-free per county and year (core.numbering).
    number = models.CharField("编号", max_length=32, unique=True)
    title = models.CharField("名称", max_length=200)
    org = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="抽取单位"
    )
    # The drawing office's region: the unit pool lies within it.
    region_code = models.CharField("所属区划", max_length=12, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="抽取人"
    )
    created_at = models.DateTimeField("抽取时间", auto_now_add=True)
    # 64 hex characters from ``secrets.token_hex(32)``: nobody picks it.
    seed = models.CharField("随机种子", max_length=64)
    # {"township": "430626101", "sectors": [codes], "risk_classes": ["A", …], "key_supervision": bool}
    filters = models.JSONField("抽取条件", default=dict, blank=True)
    unit_target = models.PositiveIntegerField("抽取单位数")
    inspectors_per_unit = models.PositiveSmallIntegerField("每家检查人员数", default=2)
    # Unit ids, ascending (the canonical order the draw samples from).
    unit_pool = models.JSONField("单位名录库", default=list)
    # inspections.Person ids (officials, available, in scope), ascending.
    inspector_pool = models.JSONField("检查人员名录库", default=list)
    # {"<unit id>": [person ids]}: for each unit of the pool, whom it must not get (回避: the
    # inspectors of its most recent earlier draw).
    excluded = models.JSONField("回避人员", default=dict)
    # [{"unit": id, "inspectors": [ids]}] in drawn order.
    result = models.JSONField("抽取结果", default=list)
    result_hash = models.CharField("结果哈希", max_length=64)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    SCOPE = ScopePaths(region="region_code")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_target__gte=1), name="draw_unit_target_positive"),
            # 《行政处罚法》第四十二条：执法人员不得少于两人。
            models.CheckConstraint(condition=models.Q(inspectors_per_unit__gte=2), name="draw_two_inspectors"),
        ]
        verbose_name = "双随机抽查"
        verbose_name_plural = "双随机抽查"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


# --- 年度监督检查计划 (annual supervision-inspection plan) ----------------------------------------
#
# 《安全生产年度监督检查计划编制办法》安监总政法〔2017〕150号 (DOMAIN.md §3.3): every supervision
# department of county level and up makes an annual plan (Art. 2), built on the number of officers,
# the units and their risk (Art. 7) by the workday method; plans of different departments must not
# overlap and must leave no gap (Art. 4); units not in any plan are covered by 双随机 (DOMAIN.md §3.5).


class AnnualPlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    APPROVED = "approved", "已批准"


# 国家法定工作日: 365 days less weekends and the statutory holidays, 247–248 in the plans of DOMAIN.md §3.3.
LEGAL_WORKDAYS = 248
# 重点检查工作日占比: the rest is 一般检查 (双随机 and others), 150号 Art. 6 "留有余地".
KEY_SHARE = 70
# 每家次所需工作日 (人·日): two officers for one day (《行政处罚法》第四十二条：执法人员不得少于两人).
DAYS_PER_INSPECTION = 2
RISK_KEYS = ("A", "B", "C", "D", "")


def default_limits() -> dict[str, dict[str, int]]:
    """Maximum enforcement inspections of one unit in one year, by its class (DOMAIN.md §3.4, 山西 2025).

    Read with A = lowest risk: the 标准化 一级/二级/三级/未定级 columns become A/B/C/D. High-risk sectors
    (``units.Sector.high_risk``) take the 危化品、金属冶炼 row, the others the non-high-risk row; a unit
    without a class ("") is held to the D figure. 国办发〔2024〕54号 limits repeated inspections.
    """
    return {
        "high_risk": {"A": 2, "B": 4, "C": 8, "D": 12, "": 12},
        "other": {"A": 1, "B": 2, "C": 4, "D": 6, "": 6},
    }


class AnnualPlan(models.Model):
    # JH + county code + plan year + 5 digits, gap-free per county and plan year (core.numbering).
    number = models.CharField("编号", max_length=32, unique=True)
    title = models.CharField("名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    org = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="编制单位"
    )
    # The planning office's region (its units lie within it).
    region_code = models.CharField("所属区划", max_length=12, db_index=True)
    status = models.CharField("状态", max_length=12, choices=AnnualPlanStatus.choices, default=AnnualPlanStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="编制人"
    )
    created_at = models.DateTimeField("编制时间", auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="批准人",
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    # The workday method's inputs (DOMAIN.md §3.3).
    officers = models.PositiveIntegerField("执法人员数")
    legal_workdays = models.PositiveIntegerField("国家法定工作日", default=LEGAL_WORKDAYS)
    other_enforcement_days = models.PositiveIntegerField("其他执法工作日（人·日）", default=0)
    non_enforcement_days = models.PositiveIntegerField("非执法工作日（人·日）", default=0)
    key_share = models.PositiveSmallIntegerField("重点检查工作日占比（%）", default=KEY_SHARE)
    days_per_inspection = models.PositiveSmallIntegerField("每家次所需工作日（人·日）", default=DAYS_PER_INSPECTION)
    # {"high_risk": {"A": n, …, "": n}, "other": {…}}: see default_limits().
    limits = models.JSONField("年度检查次数上限", default=default_limits)
    note = models.TextField("备注", blank=True)

    SCOPE = ScopePaths(region="region_code")

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(officers__gte=1), name="annual_plan_officers_positive"),
            models.CheckConstraint(condition=models.Q(legal_workdays__gte=0), name="annual_plan_workdays_nonneg"),
            models.CheckConstraint(condition=models.Q(other_enforcement_days__gte=0),
                                   name="annual_plan_other_days_nonneg"),
            models.CheckConstraint(condition=models.Q(non_enforcement_days__gte=0),
                                   name="annual_plan_non_days_nonneg"),
            models.CheckConstraint(condition=models.Q(key_share__gte=0, key_share__lte=100),
                                   name="annual_plan_key_share_percent"),
            models.CheckConstraint(condition=models.Q(days_per_inspection__gte=1),
                                   name="annual_plan_days_per_inspection_positive"),
        ]
        verbose_name = "年度监督检查计划"
        verbose_name_plural = "年度监督检查计划"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == AnnualPlanStatus.DRAFT


class PlanItem(models.Model):
    """One unit in an annual plan, with the number of inspections planned for it."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="items", verbose_name="计划")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    # The plan's year, copied so the database can hold one plan per unit and year.
    year = models.PositiveSmallIntegerField("年度")
    times = models.PositiveSmallIntegerField("计划检查次数", default=1)
    quarter = models.PositiveSmallIntegerField("计划季度", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # 150号 Art. 4: the plans of different departments must not overlap; 江西 2025 "一家企业对应
            # 一个层级的执法主体" (DOMAIN.md §3.4). One plan per unit and year, across every office.
            models.UniqueConstraint(fields=["year", "unit"], name="plan_item_one_plan_per_unit_year"),
            models.CheckConstraint(condition=models.Q(times__gte=1), name="plan_item_times_positive"),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="plan_item_quarter_1_to_4",
            ),
        ]
        verbose_name = "计划检查单位"
        verbose_name_plural = "计划检查单位"

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.unit_id}×{self.times}"
