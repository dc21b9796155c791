"""Gap-free, repeat-free sequence numbers (hazard numbers now, 文号 in issue 4)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from anjian.core.models import Counter


def next_value(key: str) -> int:
    """The next number of sequence ``key``; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value must run inside a transaction")
    Counter.objects.get_or_create(key=key)
    # One UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite IMMEDIATE) and
    # holds it to commit, so concurrent callers queue here instead of reading the same value.
    Counter.objects.filter(key=key).update(value=F("value") + 1)
    return Counter.objects.values_list("value", flat=True).get(key=key)
