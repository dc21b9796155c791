from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "anjian.plans"
    label = "plans"
    verbose_name = "双随机抽查"
