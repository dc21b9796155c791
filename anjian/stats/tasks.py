"""Periodic job of the statistics: a one-line wrapper (also ``anjian stats-cube refresh``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.stats import cube


# Every minute: the fewer stale days, the less a province's figures compute from the facts. A
# figure is exact either way (cube.py).
@db_periodic_task(crontab(minute="*"))
def refresh_cube() -> int:
    return cube.refresh()
