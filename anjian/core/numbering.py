"""Gap-free, repeat-free sequence numbers (hazard numbers now, 文号 in issue 4)."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model

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


def reserve_pk(model: type[Model]) -> int:
    """The primary key the next row of ``model`` will have, taken now; the caller inserts the row
    with it (before that, the id can already go into hashes and child rows).

    PostgreSQL: ``nextval`` of the column's identity sequence (a rolled-back caller leaves a gap in
    the ids, never in the numbers). SQLite: the AUTOINCREMENT counter + 1, which holds because
    SQLite transactions here are IMMEDIATE (settings: one writer at a time, from BEGIN to COMMIT)
    and as long as the caller inserts no other row into the table before this one.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reserve_pk must run inside a transaction")
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
        elif connection.vendor == "sqlite":
            quote = connection.ops.quote_name
            sql = (
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
                f"(SELECT coalesce(max({quote(column)}), 0) FROM {quote(table)})) + 1"
            )
            cursor.execute(sql, [table])
        else:  # pragma: no cover - the project runs on these two
            raise NotImplementedError(connection.vendor)
        row = cursor.fetchone()
    return int(row[0])


def insert_numbered(key: str, prefix: str, rows: list[tuple[Model, str | None, str]], *, width: int = 6) -> str:
    """Take the next value of ``key`` and insert ``rows`` with it; returns the number written.

    Each row is ``(instance, field, suffix)``: an unsaved model instance, and the field (or None)
    that gets the number (``prefix`` + the value zero-padded to ``width``) followed by ``suffix``,
    cut to the field's length. Rows without a primary key get theirs back.

    On PostgreSQL that is one statement — the counter's UPDATE and every INSERT in CTEs — so the
    counter row, locked from here to the caller's commit, is held for one round trip and the
    commit, and a new row is written once with its number instead of being inserted and then
    updated (a second version of a row with many indexes). Foreign keys between the rows are
    checked at commit (Django declares them DEFERRABLE INITIALLY DEFERRED). Elsewhere it is
    ``next_value`` and one INSERT per row. Same rules as ``next_value``: inside the caller's
    transaction, gap-free, repeat-free.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("insert_numbered must run inside a transaction")
    if connection.vendor != "postgresql":
        number = f"{prefix}{next_value(key):0{width}d}"
        for obj, field, suffix in rows:
            if field:
                setattr(obj, field, _numbered(obj, field, number, suffix))
            obj.save(force_insert=True)
        return number
    quote = connection.ops.quote_name
    counter = quote(Counter._meta.db_table)
    value = f"c.{quote('value')}"
    parts = [
        f"c AS (UPDATE {counter} SET {quote('value')} = {quote('value')} + 1 "  # noqa: S608
        f"WHERE {quote('key')} = %s RETURNING {quote('value')})",
        f"n AS (SELECT %s || lpad({value}::text, greatest(%s, length({value}::text)), '0') AS number FROM c)",  # noqa: S608
    ]
    params: list[Any] = [key, prefix, width]
    for i, (obj, field, suffix) in enumerate(rows):
        meta = obj._meta
        names, values = [], []
        for f in meta.concrete_fields:
            if f.primary_key and obj.pk is None:
                continue
            names.append(quote(f.column))
            if f.name == field:
                values.append(f"left(n.number || %s, {int(f.max_length or 0)})")
                params.append(suffix)
            else:
                values.append("%s")
                params.append(f.get_db_prep_save(f.pre_save(obj, add=True), connection))
        parts.append(
            f"r{i} AS (INSERT INTO {quote(meta.db_table)} ({', '.join(names)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM n RETURNING {quote(meta.pk.column)})"
        )
    returned = ", ".join(["n.number", *(f"r{i}.{quote(obj._meta.pk.column)}" for i, (obj, _, _) in enumerate(rows))])
    tables = ", ".join(["n", *(f"r{i}" for i in range(len(rows)))])
    sql = f"WITH {', '.join(parts)} SELECT {returned} FROM {tables}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:  # the first number of this sequence
            Counter.objects.get_or_create(key=key)
            cursor.execute(sql, params)
            row = cursor.fetchone()
    assert row is not None
    number = str(row[0])
    for (obj, field, suffix), pk in zip(rows, row[1:], strict=True):
        if field:
            setattr(obj, field, _numbered(obj, field, number, suffix))
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return number


def _numbered(obj: Model, field: str, number: str, suffix: str) -> str:
    return (number + suffix)[: _field(obj, field).max_length]


def _field(obj: Model | type[Model], name: str) -> Field[Any, Any]:
    f = obj._meta.get_field(name)
    assert isinstance(f, Field)
    return f
