from __future__ import annotations

from django.apps import AppConfig


class TipoffsConfig(AppConfig):
    name = "anjian.tipoffs"
    label = "tipoffs"
    verbose_name = "举报受理与奖励"
