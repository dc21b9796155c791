from __future__ import annotations

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "anjian.reporting"
    label = "reporting"
    verbose_name = "分级部署与数据上报"
