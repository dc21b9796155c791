from __future__ import annotations

from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "anjian.ledgers"
    label = "ledgers"
    verbose_name = "台账导入导出"
