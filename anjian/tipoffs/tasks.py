"""Periodic job of the tip-off register: a one-line wrapper (every periodic job is also a command —
here ``anjian scan-tipoffs``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.core import audit
from anjian.tipoffs.services import scan_tipoffs


# 07:10 local time (needs HUEY "utc": False): after the 07:00 hazard deadline scan, before the 07:30 digest.
@db_periodic_task(crontab(hour="7", minute="10"))
def scan_tipoffs_daily() -> str:
    with audit.origin("", "job"):
        return scan_tipoffs().summary()
