from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models

from anjian.accounts.roles import Role


class OrgKind(models.TextChoices):
    COUNTY_OFFICE = "county_office", "县级安委办/应急管理局"
    DEPARTMENT = "department", "行业主管部门"
    TOWNSHIP = "township", "乡镇/街道"


class Organization(models.Model):
    """The county office, an industry department or a township office.

    ``region_code`` is the 12-digit code of the area it answers for; a department also
    lists the sectors it is responsible for (管行业必须管安全, 《安全生产法》第三条).
    """

    kind = models.CharField("类型", max_length=16, choices=OrgKind.choices)
    name = models.CharField("名称", max_length=64)
    short_name = models.CharField("简称", max_length=16, blank=True)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    sectors = models.ManyToManyField(
        "units.Sector", blank=True, related_name="departments", verbose_name="负责行业领域"
    )

    class Meta:
        ordering = ["region_code", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["region_code", "name"], name="org_unique_name")]
        verbose_name = "机构"
        verbose_name_plural = "机构"

    def __str__(self) -> str:
        return self.name

    @property
    def region_prefix(self) -> str:
        """Significant digits of the region: 6 for a county, 9 for a township."""
        code = self.region_code.rstrip("0")
        for length in (2, 4, 6, 9, 12):
            if len(code) <= length:
                return self.region_code[:length]
        return self.region_code


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=32, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.LEADER)
    org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name="所属机构"
    )
    grid = models.ForeignKey(
        "regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="workers", verbose_name="网格"
    )
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name="单位"
    )
    # GB/T 22239-2019 8.1.4.1 a: passwords are changed periodically (every 90 days, DOMAIN.md §6),
    # and one set by somebody else is changed at the first sign-in (anjian.accounts.policy).
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A per-user bearer token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=64, blank=True)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "aj_" + secrets.token_urlsafe(32)


class TotpDevice(models.Model):
    """A user's authenticator app (RFC 6238): the second factor of GB/T 22239-2019 8.1.4.1 d.

    ``secret`` is stored encrypted (anjian.core.crypto, SM4-GCM). A device is in use once
    ``confirmed_at`` is set — after the user has typed a code from the app, so that a mistyped
    secret never locks anybody out. ``last_step`` refuses a code used once from being used again
    (RFC 6238 §5.2).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField("密钥（加密存储）", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField("启用时间", null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "动态口令"
        verbose_name_plural = "动态口令"

    def __str__(self) -> str:
        return f"动态口令 {self.user}"


class RecoveryCode(models.Model):
    """A one-use code for a lost phone; only its SHA-256 is stored (like API tokens)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="recovery_code_unique")]
        verbose_name = "备用验证码"
        verbose_name_plural = "备用验证码"

    def __str__(self) -> str:
        return f"备用验证码 {self.user}{'（已用）' if self.used_at else ''}"
