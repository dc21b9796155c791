"""People, inspection groups, checklists and inspections (监督检查).

An inspection is one unit inspected once. An outing (出动) is not stored: it is one group on one
day — all of a group's inspections dated the same day (indicators.md) — and an inspection without
a group is an outing of its own. Statistics group by (group, date) to count outings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from anjian.core.scope import ScopePaths


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", "日常检查"
    SPECIAL = "special", "专项检查"
    SUPERVISORY = "supervisory", "督导检查"
    ENFORCEMENT = "enforcement", "执法检查"
    EXPERT = "expert", "专家巡查"
    UNANNOUNCED = "unannounced", "明查暗访（四不两直）"
    RANDOM = "random", "双随机抽查"
    FOLLOW_UP = "follow_up", "复查"
    SELF = "self", "企业自查"
    GRID = "grid", "网格巡查"


class PersonKind(models.TextChoices):
    OFFICIAL = "official", "执法/监管人员"
    EXPERT = "expert", "专家"


class ExpertLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class Person(models.Model):
    """An official (with 执法证号) or an expert of the pool (专家库). May or may not have an account."""

    kind = models.CharField("类别", max_length=12, choices=PersonKind.choices)
    name = models.CharField("姓名", max_length=32)
    org = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name="所属机构",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="person"
    )
    region_code = models.CharField("所属区划", max_length=12, db_index=True)
    cert_no = models.CharField("执法证号", max_length=32, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    # Experts
    expert_level = models.CharField("专家级别", max_length=12, choices=ExpertLevel.choices, blank=True)
    employer = models.CharField("工作单位", max_length=128, blank=True)
    sectors = models.ManyToManyField("units.Sector", blank=True, related_name="+", verbose_name="专业领域")
    available = models.BooleanField("可参加检查", default=True)

    SCOPE = ScopePaths(region="region_code", ancestors=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self) -> str:
        return self.name


class InspectionGroup(models.Model):
    """检查组/督导组: a leader, members and experts for a period, possibly of a campaign."""

    name = models.CharField("检查组名称", max_length=128)
    org = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="组织单位",
    )
    region_code = models.CharField("所属区划", max_length=12, db_index=True)
    leader = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="组长"
    )
    members = models.ManyToManyField(Person, blank=True, related_name="groups", verbose_name="成员")
    start = models.DateField("开始日期", null=True, blank=True)
    end = models.DateField("结束日期", null=True, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="groups",
        verbose_name="专项行动",
    )

    SCOPE = ScopePaths(region="region_code", ancestors=True)

    class Meta:
        ordering = ["-start", "name"]
        constraints = [models.UniqueConstraint(fields=["region_code", "name"], name="group_unique_name")]
        verbose_name = "检查组"
        verbose_name_plural = "检查组"

    def __str__(self) -> str:
        return self.name


class Checklist(models.Model):
    """A sector checklist (检查表); each item cites its basis."""

    name = models.CharField("名称", max_length=128, unique=True)
    sector = models.ForeignKey("units.Sector", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "检查表"
        verbose_name_plural = "检查表"

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField("检查内容")
    basis = models.TextField("检查依据")
    # A failed item becomes a hazard of this level unless the inspector chooses otherwise.
    major = models.BooleanField("涉及重大隐患", default=False)

    class Meta:
        ordering = ["checklist", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Inspection(models.Model):
    """One unit inspected once."""

    number = models.CharField("检查编号", max_length=64, unique=True)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="inspections", verbose_name="被检查单位"
    )
    # Copied from the unit (ARCHITECTURE.md principle 2).
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    sector = models.ForeignKey("units.Sector", on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("检查类型", max_length=16, choices=InspectionKind.choices, db_index=True)
    date = models.DateField("检查日期", db_index=True)
    group = models.ForeignKey(
        InspectionGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name="检查组",
    )
    officials = models.ManyToManyField(Person, blank=True, related_name="inspections_as_official")
    experts = models.ManyToManyField(Person, blank=True, related_name="inspections_as_expert")
    # Used when the ledger gives a number of people but no names (ledgers.md 检查人数/专家人数).
    official_count = models.PositiveSmallIntegerField("检查人数", default=0)
    expert_count = models.PositiveSmallIntegerField("专家人数", default=0)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name="专项行动",
    )
    checklist = models.ForeignKey(Checklist, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    findings = models.TextField("检查情况", blank=True)
    follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups", verbose_name="复查对象"
    )
    unit_signatory = models.CharField("被检查单位签字人", max_length=32, blank=True)
    signed_at = models.DateTimeField("现场签字时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # 结案: only once every hazard the inspection found is closed (issue 4, point 4).
    case_closed_on = models.DateField("结案日期", null=True, blank=True, db_index=True)
    case_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="结案人",
    )

    SCOPE = ScopePaths(
        region="region_code", unit="unit_id", sector="sector_id", grid="grid_id", expert="experts__user_id"
    )

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["region_code", "date"]),
            models.Index(fields=["group", "date"]),
            # Covers the statistics' inspections of a region and period (anjian/stats/compute.py,
            # docs/performance.md issue 5); varchar_pattern_ops serves LIKE '430626%' in any collation.
            models.Index(
                fields=["region_code", "date", "group", "unit", "official_count", "expert_count"],
                name="inspection_stats",
                opclasses=["varchar_pattern_ops", "date_ops", "int8_ops", "int8_ops", "int2_ops", "int2_ops"],
                include=["id"],
            ),
        ]
        verbose_name = "检查记录"
        verbose_name_plural = "检查记录"

    def __str__(self) -> str:
        return f"{self.number} {self.unit}"


class ItemResult(models.TextChoices):
    PASS = "pass", "符合"
    FAIL = "fail", "不符合"
    NA = "na", "不适用"


class InspectionItem(models.Model):
    """The result of one checklist item in one inspection; a failed item may become a hazard."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=8, choices=ItemResult.choices)
    note = models.TextField(blank=True)
    hazard = models.OneToOneField(
        "hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="checklist_item"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once")]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.item_id}={self.result}"


class Attachment(models.Model):
    """Photos and signed records of an inspection (hash taken at upload, like hazard evidence)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="inspections/%Y/%m/")
    name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    # From the photo's EXIF, kept by ``anjian.hazards.photos.evidence_from_upload``.
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "检查附件"
        verbose_name_plural = "检查附件"

    def __str__(self) -> str:
        return self.name or self.sha256[:12]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
