"""Special campaigns (专项行动) as a plan tree ("1+2+N") and their roadmap tasks.

Minimal in issue 4: inspection groups, inspections, hazards, enforcement actions and outreach
can belong to a campaign; progress reporting and assessments come with the campaigns issue.

Assessments (指标任务与月度考核): a campaign's :class:`AssessmentScheme` (考核细则) names the group it
assesses (townships or departments) and its items — an indicator of the statistics catalogue, a
direction, a monthly quota (with per-group overrides) and points. An :class:`Assessment` is one month
of a scheme: a snapshot of the figures and scores of every group (:class:`AssessmentRow`) and the
manual adjustments (:class:`Adjustment`); once published it never changes. The scoring rule is
``campaigns/scoring.py``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from anjian.core.scope import ScopePaths


class Campaign(models.Model):
    name = models.CharField("名称", max_length=128)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级行动"
    )
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    lead_department = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="牵头部门",
    )
    region_code = models.CharField("所属区划", max_length=12, db_index=True)
    description = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # A campaign is visible to everyone working in its region (and below): no unit, sector or grid.
    SCOPE = ScopePaths(region="region_code", ancestors=True)

    class Meta:
        ordering = ["-start", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "name"], name="campaign_unique_name"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="campaign_dates"),
        ]
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """A roadmap task (重点任务推进路线图) of a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="tasks", verbose_name="专项行动")
    number = models.CharField("任务编号", max_length=32)
    content = models.TextField("任务内容")
    due = models.DateField("时间节点")
    responsible = models.CharField("责任单位", max_length=128)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    progress = models.TextField("进展情况", blank=True)
    region_code = models.CharField(max_length=12, db_index=True)

    SCOPE = ScopePaths(region="region_code", ancestors=True)

    class Meta:
        ordering = ["campaign", "due", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="task_unique_number")]
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"

    def __str__(self) -> str:
        return f"{self.number} {self.content[:30]}"


# --- 指标任务与月度考核 (quotas and monthly assessments) ----------------------------------------------


class AssessedGroup(models.TextChoices):
    # The values are stats.grouped's group names: the figures come from compute_by(scope, group).
    TOWNSHIP = "township", "乡镇（街道）"
    DEPARTMENT = "department", "行业主管部门"


class Direction(models.TextChoices):
    AT_LEAST = "at_least", "不低于（≥）"
    AT_MOST = "at_most", "不高于（≤）"


class AssessmentScheme(models.Model):
    """考核细则: how a campaign assesses its townships or its departments each month."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="schemes", verbose_name="专项行动"
    )
    group = models.CharField("考核对象", max_length=16, choices=AssessedGroup.choices)
    # 加减分: a group's adjustments in one month add up to at most this many points either way.
    adjustment_limit = models.DecimalField("加减分上限", default=Decimal("5"), max_digits=7, decimal_places=2)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Seen by whoever sees the campaign (its region is the campaign's, never a stale copy).
    SCOPE = ScopePaths(region="campaign__region_code", ancestors=True)

    class Meta:
        ordering = ["campaign", "group"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "group"], name="scheme_unique_group"),
            models.CheckConstraint(condition=models.Q(adjustment_limit__gte=0), name="scheme_limit_positive"),
        ]
        verbose_name = "考核细则"
        verbose_name_plural = "考核细则"

    def __str__(self) -> str:
        return f"{self.campaign.name}{self.get_group_display()}考核细则"


class AssessmentItem(models.Model):
    """One line of a scheme: an indicator, a direction, the monthly quota and the points it carries."""

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="items", verbose_name="考核细则"
    )
    position = models.PositiveSmallIntegerField("序号", default=0)
    indicator = models.CharField("指标", max_length=64)
    direction = models.CharField("方向", max_length=16, choices=Direction.choices, default=Direction.AT_LEAST)
    # A rate's quota is in percent (90 = 90 %); money in 元; counts in the indicator's unit.
    quota = models.DecimalField("月度指标", max_digits=14, decimal_places=2)
    points = models.DecimalField("分值", max_digits=7, decimal_places=2)
    # 不高于 items: points deducted per unit over the quota (a rate: per percentage point).
    deduction = models.DecimalField("超出每单位扣分", default=Decimal("1"), max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["scheme", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="item_unique_indicator"),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="item_points_positive"),
            models.CheckConstraint(condition=models.Q(quota__gte=0), name="item_quota_not_negative"),
            models.CheckConstraint(condition=models.Q(deduction__gte=0), name="item_deduction_not_negative"),
        ]
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_direction_display()} {self.quota}"


class QuotaOverride(models.Model):
    """A township's or department's own quota for an item (the default quota applies to the others)."""

    item = models.ForeignKey(
        AssessmentItem, on_delete=models.CASCADE, related_name="overrides", verbose_name="考核指标"
    )
    # The group's key in stats.grouped: a township's 9-digit code prefix, a department's id.
    group_key = models.CharField("考核对象", max_length=12)
    group_name = models.CharField("名称", max_length=64)
    quota = models.DecimalField("月度指标", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["item", "group_key"]
        constraints = [
            models.UniqueConstraint(fields=["item", "group_key"], name="override_unique_group"),
            models.CheckConstraint(condition=models.Q(quota__gte=0), name="override_quota_not_negative"),
        ]
        verbose_name = "单独指标"
        verbose_name_plural = "单独指标"

    def __str__(self) -> str:
        return f"{self.group_name} {self.quota}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已通报"


class Assessment(models.Model):
    """月度考核: one month of a scheme, its figures and scores frozen as rows (a snapshot)."""

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.PROTECT, related_name="assessments", verbose_name="考核细则"
    )
    month = models.DateField("考核月份")  # the first day of the month
    status = models.CharField("状态", max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    as_of = models.DateField("数据截至")
    # The scheme's items as scored (indicator, name, unit, kind, direction, quota, points, deduction,
    # overrides): a later change of the scheme leaves this month's assessment as it was.
    items = models.JSONField("考核指标", default=list)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="计算人",
    )
    published_at = models.DateTimeField("通报时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="通报人",
    )

    SCOPE = ScopePaths(region="scheme__campaign__region_code", ancestors=True)

    class Meta:
        ordering = ["scheme", "-month"]
        constraints = [models.UniqueConstraint(fields=["scheme", "month"], name="assessment_unique_month")]
        verbose_name = "月度考核"
        verbose_name_plural = "月度考核"

    def __str__(self) -> str:
        return f"{self.scheme} {self.month_label}"

    @property
    def month_label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT


class AssessmentRow(models.Model):
    """One township's or department's figures and scores in one month (written by compute, then frozen)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="rows", verbose_name="月度考核")
    group_key = models.CharField("考核对象", max_length=12)
    group_name = models.CharField("名称", max_length=64)
    # {indicator: {"value": figure as JSON (int, "123.45" for money, null for an undefined rate),
    #              "num": …, "den": … (rates), "quota": "90", "score": "12.50"}}
    cells = models.JSONField("指标与得分", default=dict)
    item_total = models.DecimalField("指标得分", max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["assessment", "group_key"]
        constraints = [models.UniqueConstraint(fields=["assessment", "group_key"], name="row_unique_group")]
        verbose_name = "考核结果"
        verbose_name_plural = "考核结果"

    def __str__(self) -> str:
        return f"{self.group_name} {self.item_total}"


class Adjustment(models.Model):
    """加减分: a manual adjustment of one group's total, with its reason and who entered it."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="adjustments", verbose_name="月度考核"
    )
    group_key = models.CharField("考核对象", max_length=12)
    points = models.DecimalField("加减分", max_digits=7, decimal_places=2)
    reason = models.CharField("理由", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["assessment", "group_key", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~models.Q(points=0), name="adjustment_not_zero")]
        verbose_name = "加减分"
        verbose_name_plural = "加减分"

    def __str__(self) -> str:
        return f"{self.points:+} {self.reason}"
