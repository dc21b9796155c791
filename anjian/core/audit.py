"""Audit trail: every login and every data change with actor, time and source address.

Services call :func:`record`; the source address and channel come from the request
context (middleware), or ``cli``/``job`` outside a request.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

from anjian.core.models import AuditEntry

if TYPE_CHECKING:
    from anjian.accounts.models import User


@dataclass(frozen=True)
class Origin:
    source: str
    channel: str


_origin: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("anjian_origin", default=None)
_COMMAND_LINE = Origin("", "cli")


def current_origin() -> Origin:
    """Where the current write comes from: the request's address, else the command line."""
    return _origin.get() or _COMMAND_LINE


@contextmanager
def origin(source: str, channel: str) -> Iterator[None]:
    token = _origin.set(Origin(source, channel))
    try:
        yield
    finally:
        _origin.reset(token)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        out[name] = value
    return out


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    success: bool = True,
    actor_name: str = "",
) -> AuditEntry:
    entry = entry_for(actor=actor, action=action, obj=obj, changes=changes, success=success, actor_name=actor_name)
    entry.save(force_insert=True)
    return entry


def entry_for(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    success: bool = True,
    actor_name: str = "",
) -> AuditEntry:
    """The entry ``record`` writes, unsaved (for a caller that inserts it in its own statement)."""
    where = current_origin()
    return AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor_name or (actor.get_username() if actor is not None else ""),
        source=where.source,
        channel=where.channel,
        action=action,
        success=success,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
    )


def save_audited(
    obj: models.Model, *, actor: User, action: str, fields: list[str], before: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Save ``obj`` and its audit entry in one transaction; returns what was recorded.

    ``before`` (a :func:`snapshot` taken before the caller changed ``obj``) marks an update: only the
    changed fields are recorded, and nothing is written when nothing changed. Without it, a creation
    with the full snapshot. Database errors (a duplicate key) propagate for the caller to word.
    """
    from django.db import transaction

    changes = snapshot(obj, fields) if before is None else diff(before, snapshot(obj, fields))
    if before is not None and not changes:
        return {}
    with transaction.atomic():
        obj.save()
        record(actor=actor, action=action, obj=obj, changes=changes)
    return changes
