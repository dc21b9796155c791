from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "anjian.notifications"
    label = "notifications"
    verbose_name = "消息通知"
