from __future__ import annotations

from django.conf import settings
from django.db import models

from anjian.core.scope import ScopePaths


class Sector(models.Model):
    """A supervision sector (行业领域), distinct from the GB/T 4754 industry code (DOMAIN.md §5.3)."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=32, unique=True)
    high_risk = models.BooleanField("高危行业", default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "行业领域"
        verbose_name_plural = "行业领域"

    def __str__(self) -> str:
        return self.name


class UnitStatus(models.TextChoices):
    NORMAL = "normal", "正常"
    SUSPENDED = "suspended", "停产整顿"
    CLOSED = "closed", "关闭"


class RiskClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class Unit(models.Model):
    """A production or business unit (生产经营单位) under supervision; columns of 单位台账 (ledgers.md)."""

    name = models.CharField("单位名称", max_length=128)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, default="")
    region_code = models.CharField("所属区划", max_length=12, db_index=True)
    grid = models.ForeignKey(
        "regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="units", verbose_name="网格"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    lng = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="units", verbose_name="行业领域")
    industry_code = models.CharField("国民经济行业代码", max_length=5, blank=True)
    department = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_units",
        verbose_name="监管部门",
    )
    key_supervision = models.BooleanField("重点监管", default=False, db_index=True)
    risk_class = models.CharField("分级分类", max_length=1, choices=RiskClass.choices, blank=True)
    above_scale = models.BooleanField("规模以上", default=False)
    principal = models.CharField("主要负责人", max_length=32, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    status = models.CharField("状态", max_length=12, choices=UnitStatus.choices, default=UnitStatus.NORMAL)
    # Registry housekeeping: a deactivated unit is kept with its reason, never deleted.
    is_active = models.BooleanField("在册", default=True, db_index=True)
    deactivated_reason = models.CharField("注销原因", max_length=200, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Search keys maintained by the services (pypinyin).
    name_initials = models.CharField(max_length=128, blank=True, db_index=True)
    name_pinyin = models.CharField(max_length=512, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The four facts jurisdiction scope is made of (anjian.core.scope).
    SCOPE = ScopePaths(
        region="region_code", unit="id", sector="sector_id", grid="grid_id", expert="inspections__experts__user_id"
    )

    class Meta:
        ordering = ["region_code", "name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="unit_unique_credit_code"
            ),
            models.UniqueConstraint(fields=["region_code", "name"], name="unit_unique_name_in_region"),
        ]
        indexes = [
            models.Index(fields=["region_code", "sector"]),
            models.Index(fields=["name"]),
            # Serves the list order (region, pinyin) without a sort (docs/performance.md).
            models.Index(fields=["region_code", "name_pinyin", "id", "is_active"], name="unit_list_order"),
            # The registry's day rows (anjian/stats/cube_units.py) find a day's units by these.
            models.Index(fields=["created_at"], name="unit_created"),
            models.Index(
                fields=["deactivated_at"], name="unit_deactivated", condition=models.Q(deactivated_at__isnull=False)
            ),
        ]
        verbose_name = "生产经营单位"
        verbose_name_plural = "生产经营单位"

    def __str__(self) -> str:
        return self.name

    @property
    def township_code(self) -> str:
        return self.region_code[:9].ljust(12, "0")


class AssignmentKind(models.TextChoices):
    TOWNSHIP = "township", "县领导包联乡镇"
    UNIT = "unit", "部门干部包联单位"


class Assignment(models.Model):
    """A responsibility assignment (包联): a county leader for a township, a cadre for a unit."""

    kind = models.CharField("类型", max_length=12, choices=AssignmentKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", verbose_name="包联人"
    )
    township = models.ForeignKey(
        "regions.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="乡镇"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments", verbose_name="单位"
    )
    region_code = models.CharField(max_length=12, db_index=True)
    since = models.DateField("起始日期")
    until = models.DateField("终止日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    SCOPE = ScopePaths(region="region_code", unit="unit_id", sector="unit__sector_id", grid="unit__grid_id")

    class Meta:
        ordering = ["-since", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="township", township__isnull=False, unit__isnull=True)
                    | models.Q(kind="unit", unit__isnull=False, township__isnull=True)
                ),
                name="assignment_target_matches_kind",
            )
        ]
        verbose_name = "包联责任"
        verbose_name_plural = "包联责任"

    def __str__(self) -> str:
        return f"{self.person} → {self.township or self.unit}"

