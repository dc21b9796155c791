from __future__ import annotations

from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "anjian.units"
    label = "units"
    verbose_name = "生产经营单位"
