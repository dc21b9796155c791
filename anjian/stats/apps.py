from __future__ import annotations

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "anjian.stats"
    label = "stats"
    verbose_name = "统计分析"
