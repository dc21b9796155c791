"""Outreach register (宣传教育): training, drills, publicity, competitions, films in the villages."""

from __future__ import annotations

from django.db import models

from anjian.core.scope import ScopePaths


class ActivityKind(models.TextChoices):
    TRAINING = "training", "培训"
    DRILL = "drill", "演练"
    PUBLICITY = "publicity", "宣传"
    CONTEST = "contest", "竞赛"
    FILM = "film", "电影下乡"


class Activity(models.Model):
    number = models.CharField("编号", max_length=64, unique=True)
    kind = models.CharField("类型", max_length=12, choices=ActivityKind.choices)
    date = models.DateField("日期", db_index=True)
    region_code = models.CharField("所属区划", max_length=12, db_index=True)
    name = models.CharField("名称", max_length=200, blank=True)
    attendees = models.PositiveIntegerField("人数", default=0)
    materials = models.PositiveIntegerField("资料份数", default=0)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="activities")
    org = models.ForeignKey("accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = ScopePaths(region="region_code", unit="unit_id", sector="unit__sector_id", grid="unit__grid_id")

    class Meta:
        ordering = ["-date", "-id"]
        # Activities of a region and period (statistics, docs/performance.md issue 5).
        indexes = [
            models.Index(
                fields=["region_code", "date"], name="activity_stats", opclasses=["varchar_pattern_ops", "date_ops"]
            ),
        ]
        verbose_name = "宣教活动"
        verbose_name_plural = "宣教活动"

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"
