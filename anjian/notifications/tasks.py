"""Periodic jobs of notifications: one-line wrappers (every periodic job is also a command —
here ``anjian send-digests``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.core import audit
from anjian.notifications.services import send_digests


# 07:30 local time (needs HUEY "utc": False), after the 07:00 deadline scan.
@db_periodic_task(crontab(hour="7", minute="30"))
def send_digests_daily() -> str:
    with audit.origin("", "job"):
        return send_digests().summary()
