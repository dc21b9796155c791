"""Statistics reads on a read replica (ARCHITECTURE.md, scale path).

"PostgreSQL primary with streaming replicas, report/statistics reads routed to a replica by a
database router." A deployment that sets ``ANJIAN_REPLICA_URL`` gets a second connection alias,
``replica``; the statistics entry points (the dashboard, map, progress table, rankings, briefing,
``GET /api/v1/stats``, ``anjian stats`` and ``anjian report``) run inside :func:`statistics_reads`,
and while they do, :class:`ReplicaRouter` sends reads of the fact and register tables there.
Everything else reads and writes the primary, so a user always sees their own writes on the
pages where they make them.

Only the tables the statistics count are routed (``ROUTED_APPS``): accounts and sessions stay on
the primary, so a login that has not reached the replica yet never looks like a logged-out user,
and the audit trail is written and read where it is kept. A replica lags the primary by the
replication delay (usually well under a second on a LAN, docs/deployment.md): a figure may miss a
record saved in that instant, and the same page opened again a moment later has it.

Without a replica (every SQLite deployment, and PostgreSQL without ``ANJIAN_REPLICA_URL``) nothing
changes: :func:`read_alias` is ``default``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

# The apps whose tables the statistics catalogue reads (anjian/stats/compute.py's querysets, the
# map's units, the scope's names): facts, registers, divisions and campaigns.
ROUTED_APPS = frozenset({
    "accidents", "campaigns", "enforcement", "hazards", "inspections", "outreach", "regions", "stats", "units",
})

_statistics = ContextVar("anjian_statistics_reads", default=False)


@contextmanager
def statistics_reads() -> Iterator[None]:
    """Reads of ``ROUTED_APPS`` inside this block go to the replica, when one is configured.

    Also a decorator (``@statistics_reads()``). Put it inside ``login_required``: the user and the
    session are then loaded from the primary before the block starts.
    """
    token = _statistics.set(True)
    try:
        yield
    finally:
        _statistics.reset(token)


def replica_alias() -> str | None:
    """The replica's alias when statistics are to be read from one (settings.STATS_READ_DATABASE)."""
    alias: str | None = getattr(settings, "STATS_READ_DATABASE", None)
    return alias if alias and alias in settings.DATABASES else None


def read_alias() -> str:
    """Where hand-written statistics SQL runs now: the replica inside :func:`statistics_reads`, else default."""
    alias = replica_alias()
    return alias if alias is not None and _statistics.get() else DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads of the statistics' tables to the replica inside :func:`statistics_reads`; all else default."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if model._meta.app_label not in ROUTED_APPS:
            return None
        alias = read_alias()
        return None if alias == DEFAULT_DB_ALIAS else alias

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None  # always the primary: a replica is read-only

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the primary: objects from both may be related

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db == DEFAULT_DB_ALIAS  # the replica receives the schema by replication
