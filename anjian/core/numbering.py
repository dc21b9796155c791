"""Gap-free, repeat-free sequence numbers (hazard numbers now, 文号 in issue 4)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
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


def next_value_into(
    key: str,
    model: type[Model],
    pk: int,
    field: str,
    prefix: str,
    *,
    width: int = 6,
    also: dict[str, Any],
    record: Model | None = None,
    record_field: str = "",
    record_suffix: str = "",
) -> str:
    """Take the next value of ``key`` and write ``prefix`` + value (zero-padded to ``width``) into
    ``field`` of row ``pk`` of ``model``, together with the columns ``also``; returns what was written.

    ``record``: an unsaved row to insert with it, whose ``record_field`` is set to the number
    followed by ``record_suffix`` (the hazard report's audit entry, which names the number).

    On PostgreSQL that is one statement (the counter's UPDATE, the row's UPDATE and the record's
    INSERT in CTEs), so the counter row — locked from here to the caller's commit — is held for
    one round trip and the commit; elsewhere it is ``next_value``, one UPDATE and one INSERT.
    Same rules as ``next_value``: inside the caller's transaction, gap-free, repeat-free.
    """
    if connection.vendor != "postgresql":
        number = f"{prefix}{next_value(key):0{width}d}"
        model._default_manager.filter(pk=pk).update(**{field: number}, **also)
        if record is not None:
            setattr(record, record_field, (number + record_suffix)[: _field(record, record_field).max_length])
            record.save(force_insert=True)
        return number
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value_into must run inside a transaction")
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    number_column = quote(_column(model, field))
    columns = [_column(model, name) for name in also]
    sets = "".join(f", {quote(c)} = %s" for c in columns)
    value = f"c.{quote('value')}"
    sql = (
        f"WITH c AS (UPDATE {quote(Counter._meta.db_table)} SET {quote('value')} = {quote('value')} + 1 "  # noqa: S608
        f"WHERE {quote('key')} = %s RETURNING {quote('value')}), "
        f"h AS (UPDATE {table} SET {number_column} = "
        f"%s || lpad({value}::text, greatest(%s, length({value}::text)), '0'){sets} "
        f"FROM c WHERE {table}.{quote(model._meta.pk.column)} = %s RETURNING {table}.{number_column} AS number)"
    )
    params: list[Any] = [key, prefix, width, *also.values(), pk]
    if record is None:
        sql += " SELECT h.number FROM h"
    else:
        names, values = [], []
        for f in record._meta.concrete_fields:
            if f.primary_key:
                continue
            names.append(quote(f.column))
            if f.name == record_field:
                values.append(f"left(h.number || %s, {int(f.max_length or 0)})")
                params.append(record_suffix)
            else:
                values.append("%s")
                params.append(f.get_db_prep_save(f.pre_save(record, add=True), connection))
        sql += (
            f", r AS (INSERT INTO {quote(record._meta.db_table)} ({', '.join(names)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM h RETURNING 1) SELECT h.number FROM h, r"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:  # the first number of this sequence (or no such row: then it fails below)
            Counter.objects.get_or_create(key=key)
            cursor.execute(sql, params)
            row = cursor.fetchone()
    if row is None:
        raise ObjectDoesNotExist(f"{model.__name__} {pk}")
    return str(row[0])


def _field(obj: Model | type[Model], name: str) -> Field[Any, Any]:
    f = obj._meta.get_field(name)
    assert isinstance(f, Field)
    return f


def _column(model: type[Model], name: str) -> str:
    return str(_field(model, name).column)
