"""Periodic job of the statistics: a one-line wrapper (also ``anjian stats-cube refresh``)."""

from __future__ import annotations

import datetime as dt

from huey.contrib.djhuey import db_periodic_task

from anjian.stats import cube


def every_minute_where_kept(_: dt.datetime) -> bool:
    """Every minute where the day rows are kept (``cube.enabled``); never where they are turned
    off, so that the task log is not a line a minute for nothing."""
    return cube.enabled("default")


# The fewer stale days, the less a region's figures compute from the facts. A figure is exact
# either way (cube.py).
@db_periodic_task(every_minute_where_kept)
def refresh_cube() -> int:
    return cube.refresh()
