from __future__ import annotations

from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "anjian.outreach"
    label = "outreach"
    verbose_name = "宣传教育"
