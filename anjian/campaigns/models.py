"""Special campaigns (专项行动) as a plan tree ("1+2+N") and their roadmap tasks.

Minimal in issue 4: inspection groups, inspections, hazards, enforcement actions and outreach
can belong to a campaign; progress reporting and assessments come with the campaigns issue.
"""

from __future__ import annotations

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
