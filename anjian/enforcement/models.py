"""Enforcement actions, official documents and their numbers, interviews/notices/exposure."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from anjian.core.scope import ScopePaths


class ActionKind(models.TextChoices):
    """措施类型 of the enforcement ledger (ledgers.md)."""

    ORDER_RECTIFY = "order_rectify", "责令限期整改"
    CASE_FILED = "case_filed", "立案"
    PENALTY = "penalty", "行政处罚"
    SUSPEND = "suspend", "停产停业整顿"
    CLOSE = "close", "关闭取缔"
    LICENSE_SUSPEND = "license_suspend", "暂扣许可证"
    LICENSE_REVOKE = "license_revoke", "吊销许可证"
    TRANSFER = "transfer", "移交案件"
    CRIMINAL = "criminal", "行刑衔接"


class EnforcementAction(models.Model):
    number = models.CharField("文书编号", max_length=64, unique=True)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="enforcement_actions", verbose_name="单位"
    )
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    sector = models.ForeignKey("units.Sector", on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("措施类型", max_length=16, choices=ActionKind.choices, db_index=True)
    date = models.DateField("日期", db_index=True)
    org = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="执法机构",
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name="检查记录",
    )
    hazards = models.ManyToManyField("hazards.Hazard", blank=True, related_name="enforcement_actions")
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name="专项行动",
    )
    cause = models.TextField("案由", blank=True)
    legal_basis = models.TextField("法律依据", blank=True)
    # Penalties: the amount first decided and the amount now in force (after 复议, 诉讼 …).
    fine_initial = models.DecimalField("罚款金额（决定）", max_digits=14, decimal_places=2, null=True, blank=True)
    fine_current = models.DecimalField("罚款金额（现行）", max_digits=14, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = ScopePaths(region="region_code", unit="unit_id", sector="sector_id", grid="grid_id")

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["region_code", "date"]),
            # Covers the statistics' enforcement query (anjian/stats/compute.py, docs/performance.md
            # issue 5); varchar_pattern_ops serves LIKE '430626%' in any collation.
            models.Index(
                fields=["region_code", "date", "kind", "unit"],
                name="action_stats",
                opclasses=["varchar_pattern_ops", "date_ops", "varchar_ops", "int8_ops"],
                include=["id", "fine_initial", "fine_current"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="penalty") | models.Q(fine_initial__isnull=True),
                name="fine_only_for_penalty",
            )
        ]
        verbose_name = "执法措施"
        verbose_name_plural = "执法措施"

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"


class PenaltyStage(models.TextChoices):
    DECIDED = "decided", "作出决定"
    AMENDED = "amended", "变更"
    RECONSIDERED = "reconsidered", "行政复议"
    LITIGATED = "litigated", "行政诉讼"
    PAID = "paid", "缴纳罚款"
    ENFORCED = "enforced", "强制执行"


class PenaltyEvent(models.Model):
    """A penalty's history, append-only: decided, amended, reconsidered, litigated, paid, enforced."""

    action = models.ForeignKey(EnforcementAction, on_delete=models.PROTECT, related_name="penalty_events")
    stage = models.CharField(max_length=16, choices=PenaltyStage.choices)
    date = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.date}"


class DocumentType(models.TextChoices):
    """The documents generated from templates (2021 enforcement document set, DOMAIN.md §3.2)."""

    SITE_RECORD = "site_record", "现场检查记录"
    RECTIFY_ORDER = "rectify_order", "责令限期整改指令书"
    REVIEW_OPINION = "review_opinion", "整改复查意见书"
    PENALTY_DECISION = "penalty_decision", "行政处罚决定书"


class Document(models.Model):
    """An issued official document with its 文号, e.g. 平应急责改〔2026〕12号 (numbered without gaps)."""

    doc_type = models.CharField(max_length=24, choices=DocumentType.choices)
    org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField("文号", max_length=64, unique=True)
    action = models.ForeignKey(
        EnforcementAction, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    inspection = models.ForeignKey(
        "inspections.Inspection", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    region_code = models.CharField(max_length=12, db_index=True)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="documents/%Y/")
    sha256 = models.CharField(max_length=64)
    issued_on = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    SCOPE = ScopePaths(region="region_code", unit="unit_id", sector="unit__sector_id", grid="unit__grid_id")

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["org", "doc_type", "year", "seq"], name="document_seq_once")]
        # Documents issued in a region and period (statistics, docs/performance.md issue 5).
        indexes = [
            models.Index(
                fields=["region_code", "issued_on"], name="document_stats",
                opclasses=["varchar_pattern_ops", "date_ops"], include=["id"],
            ),
        ]

    def __str__(self) -> str:
        return self.number


class InterviewKind(models.TextChoices):
    INTERVIEW = "interview", "约谈"
    NOTICE = "notice", "通报"
    EXPOSURE = "exposure", "警示曝光"


class Interview(models.Model):
    """约谈, 通报 or 警示曝光 naming one or more units and persons."""

    number = models.CharField("编号", max_length=64, unique=True)
    kind = models.CharField("类型", max_length=12, choices=InterviewKind.choices)
    date = models.DateField("日期", db_index=True)
    units = models.ManyToManyField("units.Unit", related_name="interviews", verbose_name="单位")
    persons = models.PositiveIntegerField("人数", default=0)
    person_names = models.CharField("被约谈人员", max_length=200, blank=True)
    reason = models.TextField("事由", blank=True)
    org = models.ForeignKey("accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The organiser's region; scope follows the named units (selectors use .distinct()).
    region_code = models.CharField(max_length=12, db_index=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = ScopePaths(region="units__region_code", unit="units__id", sector="units__sector_id", grid="units__grid_id")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "约谈通报曝光"
        verbose_name_plural = "约谈通报曝光"

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"
