"""网格巡查 (grid patrols): a grid worker's visit to a unit of their grid, recorded even when it finds nothing,
so that the office sees which units nobody has visited (the roadmap's "grid coverage").

A patrol is a fact row like a hazard or an inspection: it carries the unit's 12-digit ``region_code`` and
grid as they were on the day of the visit (ARCHITECTURE.md, principle 2), so "the visits made in 安定镇"
is one index range scan and a unit later moved to another grid keeps its past visits where they were made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anjian.core.scope import ScopePaths


class Outcome(models.TextChoices):
    NORMAL = "normal", "正常"
    HAZARD_FOUND = "hazard_found", "发现隐患"
    STOPPED = "stopped", "单位停产或关闭"
    NO_PRINCIPAL = "no_principal", "未见负责人"


class Patrol(models.Model):
    """巡查记录: one visit to one unit on one day."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="patrols", verbose_name="单位")
    # Copied from the unit when recorded (a unit outside any grid, visited by a township officer: none).
    grid = models.ForeignKey(
        "regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="网格"
    )
    region_code = models.CharField("所属区划", max_length=12)
    patrolled_on = models.DateField("巡查日期", default=timezone.localdate)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="巡查人")
    outcome = models.CharField("巡查结果", max_length=16, choices=Outcome.choices, default=Outcome.NORMAL)
    note = models.TextField("情况说明", blank=True)
    # The hazard the visit's finding was reported as (linked after the report, from the patrol's page).
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="patrols",
        verbose_name="上报的隐患",
    )
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    # The grid is the patrol's own (the grid of the visit): a grid worker sees the visits made in their grid.
    SCOPE = ScopePaths(region="region_code", unit="unit_id", grid="grid_id", sector="unit__sector_id")

    class Meta:
        ordering = ["-patrolled_on", "-id"]
        indexes = [
            # The list and the coverage page's visits: a region's range in a period. varchar_pattern_ops
            # serves ``region_code LIKE '430626%'`` in any PostgreSQL collation (other databases ignore it).
            models.Index(
                fields=["region_code", "patrolled_on"], name="patrol_region_day",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            # "Has this unit been visited since …" (coverage, the not-visited list).
            models.Index(fields=["unit", "patrolled_on"], name="patrol_unit_day"),
            models.Index(fields=["grid", "patrolled_on"], name="patrol_grid_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=[o.value for o in Outcome]), name="patrol_outcome_valid"
            ),
            # A linked hazard is what the visit found.
            models.CheckConstraint(
                condition=models.Q(hazard__isnull=True) | models.Q(outcome="hazard_found"),
                name="patrol_hazard_only_when_found",
            ),
            # A location is both coordinates or neither.
            models.CheckConstraint(
                condition=models.Q(lat__isnull=True, lng__isnull=True) | models.Q(lat__isnull=False, lng__isnull=False),
                name="patrol_location_pair",
            ),
        ]
        verbose_name = "巡查记录"
        verbose_name_plural = "巡查记录"

    def __str__(self) -> str:
        return f"{self.patrolled_on:%Y-%m-%d} {self.unit.name} {self.get_outcome_display()}"
