"""The accident register (事故): 生产经营性, 道路交通, 火灾 …, with the statistical-scope flag."""

from __future__ import annotations

from django.db import models

from anjian.core.scope import ScopePaths


class Category(models.TextChoices):
    PRODUCTION = "production", "生产经营性"
    ROAD = "road", "道路交通"
    FIRE = "fire", "火灾"
    OTHER = "other", "其他"


class Investigation(models.TextChoices):
    PENDING = "pending", "调查中"
    CONCLUDED = "concluded", "已结案"
    NONE = "none", "无需调查"


class Accident(models.Model):
    number = models.CharField("事故编号", max_length=64, unique=True)
    occurred_at = models.DateTimeField("发生时间", db_index=True)
    # Where it happened; with a unit, the unit's region (indicators.md: counted where the unit is).
    region_code = models.CharField("所属区划", max_length=12, db_index=True)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="accidents", verbose_name="单位"
    )
    category = models.CharField("事故类别", max_length=12, choices=Category.choices)
    # A production accident on a road: category 生产经营性 and road = True (ledgers.md).
    road = models.BooleanField("道路交通", default=False)
    deaths = models.PositiveIntegerField("死亡人数", default=0)
    injuries = models.PositiveIntegerField("受伤人数", default=0)
    direct_loss = models.DecimalField("直接经济损失(元)", max_digits=16, decimal_places=2, default=0)
    summary = models.TextField("简要经过", blank=True)
    investigation = models.CharField(
        "调查状态", max_length=12, choices=Investigation.choices, default=Investigation.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = ScopePaths(region="region_code", unit="unit_id", sector="unit__sector_id", grid="unit__grid_id")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = "事故"
        verbose_name_plural = "事故"

    def __str__(self) -> str:
        return f"{self.number} {self.get_category_display()}"
