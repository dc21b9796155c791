"""Periodic job of the accounts: a one-line wrapper (also ``anjian user disable-dormant``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.accounts.services import dormant_disable
from anjian.core import audit


# 06:50 local time, before the working day and the 07:00 jobs: GB/T 22239-2019 8.1.4.2 (disable
# surplus and expired accounts in time; DOMAIN.md §6: after 90 days without a sign-in).
@db_periodic_task(crontab(hour="6", minute="50"))
def disable_dormant_daily() -> int:
    with audit.origin("", "job"):
        return len(dormant_disable())
