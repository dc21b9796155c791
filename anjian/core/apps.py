from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anjian.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from anjian.core import signals  # noqa: F401  (login auditing)
