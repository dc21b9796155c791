from __future__ import annotations

from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "anjian.patrols"
    label = "patrols"
    verbose_name = "网格巡查与覆盖"
