"""Messages to people (in-app inbox, daily digest by e-mail and SMS) and one-time links.

A message is written once, to one recipient, when something needs their attention (a deadline
is near, a hazard is overdue, an extension waits for a decision …). It is read in the inbox and
reaches the person outside the platform only through the one daily digest (issue 3 point 6:
"one daily digest of what is due and overdue, not a message per item").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    REMIND = "remind", "期限提醒"
    OVERDUE = "overdue", "逾期"
    ESCALATE = "escalate", "逾期上报"
    EXTENSION = "extension", "延期审批"
    VERIFY = "verify", "验收提醒"
    SUPERVISE = "supervise", "挂牌督办"
    LINK = "link", "一次性链接"
    INFO = "info", "通知"


class Message(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages", verbose_name="收件人"
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.INFO)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    # default=timezone.now rather than auto_now_add so that a scan run for another day can
    # still be read in order; time-machine moves both alike.
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    digest_sent_at = models.DateTimeField("摘要发送时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="message_unread"),
            models.Index(fields=["recipient", "digest_sent_at"], name="message_undigested"),
        ]
        verbose_name = "消息"
        verbose_name_plural = "消息"

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Reminder(models.Model):
    """A reminder or escalation the daily scan has sent, by key, so that each is sent once.

    Deadline reminders and overdue escalations are marked on the hazard itself
    (``reminded_on``, ``escalated_on``); the working-day limits (extension decisions,
    verification, 挂牌督办) have no field there, so their "already sent" lives here.
    """

    key = models.CharField(max_length=96, unique=True)
    day = models.DateField("日期")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = "已发送提醒"
        verbose_name_plural = "已发送提醒"

    def __str__(self) -> str:
        return f"{self.day} {self.key}"


class Digest(models.Model):
    """One daily digest sent to a person (or, for a unit without any account, to its phone)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    messages = models.PositiveIntegerField("新消息", default=0)
    due = models.PositiveIntegerField("即将到期", default=0)
    overdue = models.PositiveIntegerField("已逾期", default=0)
    emailed_to = models.CharField("邮件", max_length=254, blank=True)
    sms_to = models.CharField("短信", max_length=20, blank=True)
    error = models.TextField("发送错误", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            # The guarantee of "one digest per person per day", also against two concurrent runs.
            models.UniqueConstraint(
                fields=["recipient", "day"], condition=models.Q(recipient__isnull=False), name="digest_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["unit", "day"], condition=models.Q(unit__isnull=False), name="digest_once_per_unit"
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, unit__isnull=True)
                | models.Q(recipient__isnull=True, unit__isnull=False),
                name="digest_one_addressee",
            ),
        ]
        verbose_name = "每日摘要"
        verbose_name_plural = "每日摘要"

    def __str__(self) -> str:
        return f"{self.day} {self.recipient or self.unit}"


class SentSms(models.Model):
    """An outgoing SMS as handed to the backend (the logging backend's only output)."""

    phone = models.CharField("手机号", max_length=20, db_index=True)
    text = models.TextField("内容")
    kind = models.CharField("类型", max_length=16, blank=True)
    backend = models.CharField("通道", max_length=100, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "短信记录"
        verbose_name_plural = "短信记录"

    def __str__(self) -> str:
        return f"{self.phone} {self.text[:20]}"


class OneTimeLink(models.Model):
    """A link that lets a unit without an account sign for one hazard and submit its rectification.

    Only the SHA-256 of the token is stored (like API tokens): the token is shown once, to the
    supervisor who creates it, and sent by SMS if a phone is given. Lives in this app rather
    than in hazards so that the hazard migrations stay the lead's.
    """

    hazard = models.ForeignKey(
        "hazards.Hazard", on_delete=models.PROTECT, related_name="one_time_links", verbose_name="隐患"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=6)
    phone = models.CharField("手机号", max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField("有效期至")
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    used_at = models.DateTimeField("提交整改时间", null=True, blank=True)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "一次性链接"
        verbose_name_plural = "一次性链接"

    def __str__(self) -> str:
        return f"{self.prefix}… → {self.hazard_id}"
