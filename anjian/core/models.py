from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One login, failed login, export or data change: who, when, from where, what.

    Append-only by convention and by code (nothing updates or deletes these rows);
    GB/T 22239-2019 8.1.4.3 asks for date-time, user, event type, outcome and details.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    source = models.CharField("来源地址", max_length=64, blank=True)
    channel = models.CharField("渠道", max_length=16, blank=True)  # web, api, cli, job
    action = models.CharField("操作", max_length=64, db_index=True)
    success = models.BooleanField(default=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_repr}"


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key``: a retried submission returns the first answer, not a duplicate."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    scope = models.CharField(max_length=64)  # what the key was used for, e.g. "hazards.report"
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class Counter(models.Model):
    """A named sequence (hazard numbers per county and year; document numbers per office and type).

    Incremented inside the caller's transaction with the row locked, so numbers are neither
    repeated nor skipped under concurrency: a rolled-back transaction rolls its number back too.
    """

    key = models.CharField(max_length=128, unique=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
