"""The hazard closed loop (隐患排查治理闭环): hazards, their evidence and their event chain.

The workflow itself (who may move a hazard from which state to which) is one declaration
in ``services.py``; these models only hold what it records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anjian.core.events import ChainedAggregate, ChainedEvent
from anjian.core.scope import ScopePaths


class Status(models.TextChoices):
    REPORTED = "reported", "待认领"
    RECTIFYING = "rectifying", "整改中"
    SUBMITTED = "submitted", "待验收"
    CLOSED = "closed", "已销号"


class Level(models.TextChoices):
    GENERAL = "general", "一般"
    MAJOR = "major", "重大"


class Source(models.TextChoices):
    INSPECTION = "inspection", "检查"
    SELF_CHECK = "self_check", "企业自查"
    GRID = "grid", "网格员报告"
    PUBLIC = "public", "群众举报"


class SelfCheckLevel(models.TextChoices):
    """The four levels of a unit's own checks (企业自查)."""

    POST = "post", "岗位"
    TEAM = "team", "班组"
    WORKSHOP = "workshop", "车间(项目)"
    ENTERPRISE = "enterprise", "企业"


class MajorCriterion(models.Model):
    """One clause of a sector's 重大事故隐患判定标准, versioned by validity (DOMAIN.md §0 item 3)."""

    standard = models.CharField("判定标准", max_length=128)
    doc_no = models.CharField("文号", max_length=64, blank=True)
    industry = models.CharField("行业", max_length=64)
    item = models.CharField("条款", max_length=32)
    text = models.TextField("内容")
    valid_from = models.DateField("施行日期", null=True, blank=True)
    valid_to = models.DateField("废止日期", null=True, blank=True)

    class Meta:
        ordering = ["standard", "id"]
        verbose_name = "重大隐患判定标准条款"
        verbose_name_plural = "重大隐患判定标准条款"

    def __str__(self) -> str:
        return f"{self.industry}第{self.item}项：{self.text[:40]}"


class Hazard(ChainedAggregate):
    """A hidden hazard (事故隐患, 16号令 第三条) from discovery to verified closure."""

    number = models.CharField("隐患编号", max_length=32, unique=True)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="hazards", verbose_name="单位")
    # Copied from the unit when reported (ARCHITECTURE.md principle 2): where it happened stays put.
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    sector = models.ForeignKey("units.Sector", on_delete=models.PROTECT, related_name="+", verbose_name="行业领域")
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField("发现方式", max_length=16, choices=Source.choices)
    self_check_level = models.CharField("自查层级", max_length=16, choices=SelfCheckLevel.choices, blank=True)
    inspection_ref = models.CharField("检查编号", max_length=64, blank=True)
    inspection = models.ForeignKey(
        "inspections.Inspection", null=True, blank=True, on_delete=models.PROTECT, related_name="hazards",
        verbose_name="检查记录",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="hazards",
        verbose_name="专项行动",
    )
    description = models.TextField("隐患描述")
    category = models.CharField("隐患类别", max_length=32, blank=True)
    location = models.CharField("具体位置", max_length=200, blank=True)
    level = models.CharField("隐患等级", max_length=8, choices=Level.choices, db_index=True)
    criterion = models.ForeignKey(
        MajorCriterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="判定依据"
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REPORTED, db_index=True)
    found_on = models.DateField("发现日期", db_index=True)
    deadline = models.DateField("整改期限", db_index=True)
    on_the_spot = models.BooleanField("当场整改", default=False)
    measures = models.TextField("整改措施", blank=True)
    responsible_person = models.CharField("整改责任人", max_length=32, blank=True)
    funds = models.DecimalField("整改资金(元)", max_digits=14, decimal_places=2, null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    closed_on = models.DateField("验收销号日期", null=True, blank=True, db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The organisation that verifies and closes: the finder's, else the unit's township.
    verifier_org = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="验收单位",
    )
    # Major hazards: 治理方案 (16号令 第十五条) — 目标任务, 方法措施, 经费物资, 机构人员, 时限要求, 安全措施和应急预案.
    plan = models.JSONField("治理方案", default=dict, blank=True)
    # Set by the daily scan; "overdue" itself is derived (deadline passed and not closed).
    reminded_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE = ScopePaths(
        region="region_code",
        unit="unit_id",
        sector="sector_id",
        grid="grid_id",
        expert="inspection__experts__user_id",
    )

    class Meta:
        ordering = ["-found_on", "-id"]
        indexes = [
            models.Index(fields=["region_code", "found_on"]),
            models.Index(fields=["region_code", "status", "deadline"]),
            # The statistics catalogue's one hazards query (anjian/stats/compute.py) reads only these
            # columns: an index-only scan of the region's range, wherever its rows lie on disk.
            # varchar_pattern_ops: the index serves ``region_code LIKE '430626%'`` in any collation
            # (docs/performance.md, issue 5). PostgreSQL only; other databases ignore opclasses/include.
            models.Index(
                fields=["region_code", "found_on", "level", "status", "closed_on", "deadline"],
                name="hazard_stats",
                opclasses=["varchar_pattern_ops", "date_ops", "varchar_ops", "varchar_ops", "date_ops", "date_ops"],
                include=["id"],
            ),
            # 挂牌督办 of a province (anjian/stats/cube_hazards.py): the period's supervisions probe
            # their major hazards' regions here, index-only, instead of fetching 90,000 hazard rows.
            models.Index(
                fields=["id"], name="hazard_major_region", include=["region_code"], condition=models.Q(level="major")
            ),
            # The to-do counts in every page's navigation (anjian/web/todo.py) read the open hazards of
            # the user's region only: index-only over those, not the region's closed ones too. A
            # province-wide user with 135,634 open hazards: 164 → 77 ms (docs/performance.md).
            models.Index(
                fields=["region_code", "status", "level", "deadline"],
                name="hazard_open_todo",
                opclasses=["varchar_pattern_ops", "varchar_ops", "varchar_ops", "date_ops"],
                include=["id"],
                condition=models.Q(status__in=["rectifying", "reported", "submitted"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="general", criterion__isnull=True) | models.Q(level="major"),
                name="hazard_criterion_only_for_major",
            ),
        ]
        verbose_name = "隐患"
        verbose_name_plural = "隐患"

    def __str__(self) -> str:
        return f"{self.number} {self.description[:30]}"

    def is_overdue(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return self.status != Status.CLOSED and self.deadline < day  # type: ignore[operator]


class HazardEvent(ChainedEvent):
    AGGREGATE_FIELD = "hazard"

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="events")

    class Meta(ChainedEvent.Meta):
        constraints = [models.UniqueConstraint(fields=["hazard", "seq"], name="hazard_event_seq")]
        verbose_name = "隐患事件"
        verbose_name_plural = "隐患事件"


class AttachmentKind(models.TextChoices):
    FOUND = "found", "隐患照片"
    RECTIFIED = "rectified", "整改照片/材料"
    VERIFIED = "verified", "验收材料"
    PLAN = "plan", "治理方案材料"


class Attachment(models.Model):
    """A photo or document; its SHA-256 is taken at upload and written into the event chain."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(max_length=12, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="hazards/%Y/%m/")
    name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name or self.sha256[:12]


class Supervision(models.Model):
    """挂牌督办 of a major hazard: by whom, until when, lifted by whom (16号令 第二十条)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="supervisions")
    org = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="督办单位"
    )
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_on = models.DateField("挂牌日期")
    until = models.DateField("督办期限")
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_on = models.DateField("摘牌日期", null=True, blank=True)

    class Meta:
        ordering = ["-placed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.org} 挂牌督办至 {self.until}"


class SignoffParty(models.TextChoices):
    """三方签字确认 before a major hazard is closed."""

    UNIT_PRINCIPAL = "unit_principal", "单位主要负责人"
    GROUP_LEADER = "group_leader", "检查组组长"
    SUPERVISOR = "supervisor", "乡镇或行业部门"


class Signoff(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="signoffs")
    party = models.CharField(max_length=16, choices=SignoffParty.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)
    # A sign-off belongs to one round of verification: a failed verification voids them.
    round = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hazard", "party", "round"], name="signoff_once_per_round")]

    def __str__(self) -> str:
        return f"{self.get_party_display()} {self.user}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"


class Extension(models.Model):
    """A request to extend the deadline: a reason always, an approver's decision always."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField("延期理由")
    old_deadline = models.DateField()
    new_deadline = models.DateField("申请延至")
    status = models.CharField(max_length=12, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.old_deadline} → {self.new_deadline}（{self.get_status_display()}）"
