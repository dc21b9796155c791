"""Periodic jobs of the hazard loop: one-line wrappers (ARCHITECTURE.md: every periodic job is
also a management command — here ``anjian scan-deadlines``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.core import audit
from anjian.hazards.deadlines import scan_deadlines


# 07:00 local time (needs HUEY "utc": False): before people start work, and before the 07:30 digest
# so that this morning's reminders are in it.
@db_periodic_task(crontab(hour="7", minute="0"))
def scan_deadlines_daily() -> str:
    with audit.origin("", "job"):
        return scan_deadlines().summary()
