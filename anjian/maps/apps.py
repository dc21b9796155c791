from __future__ import annotations

from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "anjian.maps"
    label = "maps"
    verbose_name = "隐患风险分布图"
