"""分级部署、数据上报: the upper level's register of subordinates and the packages it received from them.

A county runs its own platform, and so do the city and the province (ARCHITECTURE.md, scale path);
each period a lower deployment sends its figures up as a signed package (``package.py``) instead of
sharing a database. These tables are the upper side. A deployment's own signing key is not here: it
is a file (``keys.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anjian.core.scope import ScopePaths


class Subordinate(models.Model):
    """下级: a lower deployment whose packages this office accepts, known by its region and public key.

    ``upper_region`` is the 12-digit region of the office that keeps the register (the city's or the
    province's); ``region_code`` (12 digits) lies strictly below it. The API token for pulling is the
    lower deployment's credential: stored encrypted (``anjian.core.crypto``), never shown again.
    """

    upper_region = models.CharField("上级区划", max_length=12, db_index=True)
    region_code = models.CharField("区划代码", max_length=12)
    name = models.CharField("名称", max_length=64)
    public_key = models.CharField("签名公钥（base64）", max_length=64)
    key_id = models.CharField("公钥标识", max_length=16)
    base_url = models.URLField("平台地址", max_length=200, blank=True)
    token = models.CharField("API 令牌（加密存储）", max_length=400, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    SCOPE = ScopePaths(region="region_code")

    class Meta:
        ordering = ["region_code"]
        constraints = [
            models.UniqueConstraint(fields=["upper_region", "region_code"], name="subordinate_unique_region"),
        ]
        verbose_name = "下级"
        verbose_name_plural = "下级"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def code(self) -> str:
        """The significant digits of the region (430626), as packages name it."""
        from anjian.stats.scope import region_prefix

        return region_prefix(self.region_code)


class Channel(models.TextChoices):
    UPLOAD = "upload", "网页上传"
    CLI = "cli", "命令行导入"
    PULL = "pull", "自动拉取"


class Submission(models.Model):
    """一次上报: one accepted package of a subordinate for a period, kept for ever.

    A later package for the same subordinate and the same period (``date_from``, ``date_to``) supersedes
    the earlier one (``superseded_by``); the summary shows the current one, the submission's page its
    history. ``sha256`` identifies the package (``package.package_hash``): the same package twice is one row.
    ``package`` is the package as received, so its signature can be checked again at any time.
    """

    subordinate = models.ForeignKey(
        Subordinate, on_delete=models.PROTECT, related_name="submissions", verbose_name="下级"
    )
    date_from = models.DateField("起始日期")
    date_to = models.DateField("截止日期")
    as_of = models.DateField("判定日期")
    generated_at = models.DateTimeField("生成时间")
    region_name = models.CharField("地区名称", max_length=64, blank=True)
    source = models.CharField("来源平台", max_length=128, blank=True)
    indicators = models.JSONField("指标")
    parts = models.JSONField("分项指标", default=dict)
    part_names = models.JSONField("分项名称", default=dict)
    sha256 = models.CharField("数据包 SHA-256", max_length=64)
    key_id = models.CharField("签名公钥标识", max_length=16)
    package = models.TextField("数据包原文")
    received_at = models.DateTimeField("接收时间", default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="接收人",
    )
    channel = models.CharField("接收方式", max_length=8, choices=Channel.choices)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes",
        verbose_name="被替代为",
    )

    SCOPE = ScopePaths(region="subordinate__region_code")

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["subordinate", "date_from", "date_to"], name="submission_period")]
        constraints = [
            models.UniqueConstraint(fields=["subordinate", "sha256"], name="submission_unique_package"),
            models.CheckConstraint(
                condition=models.Q(date_from__lte=models.F("date_to")), name="submission_period_order"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=[c.value for c in Channel]), name="submission_channel_valid"
            ),
        ]
        verbose_name = "上报数据"
        verbose_name_plural = "上报数据"

    def __str__(self) -> str:
        return f"{self.subordinate.name} {self.date_from:%Y-%m-%d}至{self.date_to:%Y-%m-%d}"

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None
