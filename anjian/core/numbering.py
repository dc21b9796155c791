"""Gap-free, repeat-free sequence numbers (hazard numbers now, 文号 in issue 4)."""

from __future__ import annotations

from django.db import connection, transaction

from anjian.core.models import Counter


def next_value(key: str) -> int:
    """The next number of sequence ``key``; must run inside the caller's transaction.

    One ``UPDATE … RETURNING`` takes the row lock (PostgreSQL) or the write lock (SQLite,
    IMMEDIATE transactions) and holds it to commit, so concurrent callers queue here instead
    of reading the same value, and a rolled-back caller gives its number back. Callers take
    the number as late as they can: the lock is held from here to their commit.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value must run inside a transaction")
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(Counter._meta.db_table)} SET {quote('value')} = {quote('value')} + 1 "  # noqa: S608
        f"WHERE {quote('key')} = %s RETURNING {quote('value')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
        if row is None:  # the first number of this sequence
            Counter.objects.get_or_create(key=key)
            cursor.execute(sql, [key])
            row = cursor.fetchone()
    return int(row[0])
