from __future__ import annotations

from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "anjian.ledgers"
    label = "ledgers"
    verbose_name = "台账导入导出"

    def ready(self) -> None:
        # Each app declares its ledger in <app>/ledger.py (ARCHITECTURE.md); importing the
        # modules registers them, as Django's admin does with admin.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("ledger")
