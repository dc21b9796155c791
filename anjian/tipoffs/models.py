"""举报受理与奖励 (public tip-offs and the reward workflow).

DOMAIN.md §4, 《安全生产领域举报奖励办法》 安监总财〔2018〕19号: anyone may report 重大事故隐患 and
安全生产违法行为 to an office with safety duties; whoever receives a report rewards it (谁受理、谁奖励,
Art. 4); rewards go to real-name reporters whose report proved true; several reports of one matter
are rewarded once, to the first real-name report received. The time limits (handle within 60 days,
extendable by ≤ 30 days with the higher level's approval; collect the reward within 60 days of the
notice) are the 2012 text's (安监总财〔2012〕63号), kept by the local 2018-based rules.

The reporter's name and telephone are confidential (2012 text Art. 10: do not expose the reporter):
they are read only through ``selectors.reporter_for`` and never written to the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from anjian.core.scope import ScopePaths


class Channel(models.TextChoices):
    HOTLINE = "hotline", "12350电话"
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    ONLINE = "online", "网络"
    OTHER = "other", "其他"


class Kind(models.TextChoices):
    MAJOR_HAZARD = "major_hazard", "重大事故隐患"
    VIOLATION = "violation", "安全生产违法行为"
    CONCEALED_ACCIDENT = "concealed_accident", "瞒报谎报事故"
    GENERAL_HAZARD = "general_hazard", "一般隐患"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    RECEIVED = "received", "已受理"
    CHECKING = "checking", "核查中"
    CLOSED = "closed", "已办结"


class Outcome(models.TextChoices):
    TRUE = "true", "属实"
    PARTLY = "partly", "部分属实"
    FALSE = "false", "不属实"


class AccidentLevel(models.TextChoices):
    """事故等级 (《生产安全事故报告和调查处理条例》第三条)."""

    GENERAL = "general", "一般事故"
    LARGER = "larger", "较大事故"
    MAJOR = "major", "重大事故"
    ESPECIALLY_MAJOR = "especially_major", "特别重大事故"


class RewardStatus(models.TextChoices):
    NONE = "none", "无"
    PROPOSED = "proposed", "拟奖励"
    APPROVED = "approved", "已批准"
    PAID = "paid", "已发放"
    FORFEITED = "forfeited", "逾期未领"


class Tipoff(models.Model):
    # JB + county code + year + 5 digits, gap-free per county and year (core.numbering).
    number = models.CharField("举报编号", max_length=32, unique=True)
    received_on = models.DateField("受理日期", db_index=True)
    channel = models.CharField("举报渠道", max_length=12, choices=Channel.choices)
    # Where the reported matter is: the unit's region, or the township chosen when no unit is known.
    region_code = models.CharField("所属区划", max_length=12, db_index=True)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="tipoffs", verbose_name="被举报单位"
    )
    unit_text = models.CharField("被举报单位（举报所称）", max_length=200, blank=True)
    kind = models.CharField("举报类型", max_length=24, choices=Kind.choices)
    content = models.TextField("举报内容")
    # Confidential: stored SM4-GCM encrypted (services.seal, anjian.core.crypto; GB/T 22239-2019 8.1.4.8)
    # and read through selectors.reporter_for only. Room for the ciphertext of 64 characters.
    reporter_name = models.CharField("举报人姓名（加密存储）", max_length=400, blank=True)
    reporter_phone = models.CharField("举报人电话（加密存储）", max_length=200, blank=True)
    real_name = models.BooleanField("实名举报", default=False)
    employee = models.BooleanField("本单位从业人员举报", default=False)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="受理人"
    )
    # 谁受理、谁奖励 (Art. 4): the receiving office pays the reward.
    org = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="受理机构"
    )
    status = models.CharField("办理状态", max_length=12, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField("核查结论", max_length=8, choices=Outcome.choices, blank=True)
    result_note = models.TextField("办理结果", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    # Handle within 60 days of receipt; once extendable by ≤ 30 days (2012 text).
    deadline = models.DateField("办理期限")
    extended_days = models.PositiveSmallIntegerField("延长天数", default=0)
    extension_reason = models.TextField("延期理由", blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="延期批准人",
    )
    # deadline + extended_days, stored so "overdue" is one indexed comparison on both databases.
    due_on = models.DateField("办理期限（含延期）", db_index=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates", verbose_name="重复于"
    )
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="tipoffs",
        verbose_name="隐患",
    )
    # The penalty whose fine the reward is computed from (15 %, Art. 10 of the 2018 rule).
    action = models.ForeignKey(
        "enforcement.EnforcementAction", null=True, blank=True, on_delete=models.PROTECT, related_name="tipoffs",
        verbose_name="行政处罚",
    )
    # 瞒报谎报事故: the level finally confirmed and the concealed deaths the report proved.
    accident_level = models.CharField("事故等级", max_length=20, choices=AccidentLevel.choices, blank=True)
    accident_deaths = models.PositiveIntegerField("查实瞒报谎报死亡人数", default=0)
    reward_amount = models.DecimalField("奖励金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    reward_basis = models.TextField("奖励计算依据", blank=True)
    reward_status = models.CharField(
        "奖励状态", max_length=12, choices=RewardStatus.choices, default=RewardStatus.NONE
    )
    reward_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="奖励批准人",
    )
    reward_notified_on = models.DateField("奖励通知日期", null=True, blank=True)
    reward_paid_on = models.DateField("奖励发放日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = ScopePaths(region="region_code")

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["region_code", "received_on"], name="tipoff_region_received")]
        constraints = [
            # 2012 text: extension by at most 30 days.
            models.CheckConstraint(condition=models.Q(extended_days__lte=30), name="tipoff_extension_max_30"),
            # A conclusion only on a closed tip-off; a closed one has a conclusion, or was merged.
            models.CheckConstraint(
                condition=models.Q(status="closed") | models.Q(outcome=""), name="tipoff_outcome_only_closed"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(outcome="") | models.Q(duplicate_of__isnull=False),
                name="tipoff_closed_has_outcome",
            ),
            models.CheckConstraint(condition=~models.Q(duplicate_of=models.F("id")), name="tipoff_not_own_duplicate"),
            # Rewards go to real-name reporters only (Art. 4: 有功的实名举报人).
            models.CheckConstraint(
                condition=models.Q(reward_status="none") | (models.Q(real_name=True) & models.Q(reward_amount__gt=0)),
                name="tipoff_reward_real_name",
            ),
            models.CheckConstraint(
                condition=models.Q(reward_status="paid") | models.Q(reward_paid_on__isnull=True),
                name="tipoff_paid_on_only_paid",
            ),
        ]
        verbose_name = "举报"
        verbose_name_plural = "举报"

    def __str__(self) -> str:
        # Never the reporter (this text goes into the audit trail's object_repr).
        return f"{self.number} {self.get_kind_display()}"
