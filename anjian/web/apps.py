from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "anjian.web"
    label = "web"
    verbose_name = "界面"
