from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "anjian.campaigns"
    label = "campaigns"
    verbose_name = "专项行动"
