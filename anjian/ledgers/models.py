from __future__ import annotations

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    VALIDATING = "validating", "预检中"
    READY = "ready", "预检通过"
    REJECTED = "rejected", "有错误"
    IMPORTING = "importing", "导入中"
    DONE = "done", "已导入"
    FAILED = "failed", "处理失败"


RUNNING = frozenset({JobStatus.QUEUED, JobStatus.VALIDATING, JobStatus.IMPORTING})


class ImportJob(models.Model):
    """An uploaded ledger file on its way through preview (dry run) and confirmed import.

    Only the uploader sees a job. The file is kept with the job: it is the record of what
    was imported (留痕).
    """

    ledger = models.CharField("台账", max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    file = models.FileField("文件", upload_to="ledgers/%Y/%m/")
    filename = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小", default=0)
    # The uploader's address, so the audit entries the background job writes carry it.
    source = models.CharField("来源地址", max_length=64, blank=True)
    status = models.CharField("状态", max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    rows_total = models.PositiveIntegerField("总行数", null=True, blank=True)
    report = models.JSONField("结果", default=dict, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "ledger", "-created_at"])]
        verbose_name = "台账导入任务"
        verbose_name_plural = "台账导入任务"

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def running(self) -> bool:
        return self.status in RUNNING
