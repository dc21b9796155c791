"""The migrations' helpers: run SQL on one kind of database only (each has its own triggers, cube.py)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zoneinfo
from typing import Any


def on_postgres(sql: str) -> Any:
    """A RunPython function executing ``sql`` where the database is PostgreSQL, nothing elsewhere."""

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def on_sqlite(sql: str) -> Any:
    """A RunPython function executing ``sql`` where the database is SQLite, nothing elsewhere.

    SQLite runs one statement at a time (``executescript`` would commit the migration's transaction
    first): ``sql`` is cut where ``sqlite3.complete_statement`` says a statement ends, which is not
    at the semicolons inside a trigger's body.
    """

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for statement in sqlite_statements(sql):
                schema_editor.execute(statement, params=None)

    return run


def sqlite_statements(sql: str) -> list[str]:
    """The statements of an SQLite script, in order."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"an incomplete SQLite statement: {current.strip()[:80]}")
    return statements


def fixed_offset_minutes(tz_name: str) -> int:
    """``tz_name``'s offset from UTC in minutes; ValueError if it changes (summer time) in 2000–2040."""
    zone = zoneinfo.ZoneInfo(tz_name)
    offsets = {
        dt.datetime(year, month, 15, 12, tzinfo=zone).utcoffset()
        for year in range(2000, 2041)
        for month in range(1, 13)
    }
    if len(offsets) != 1 or None in offsets:
        raise ValueError(f"{tz_name}: no fixed UTC offset in 2000–2040, SQLite cannot take its local day")
    (offset,) = offsets
    assert offset is not None
    return int(offset.total_seconds()) // 60


def sqlite_local_day_modifier(tz_name: str) -> str:
    """SQLite's date modifier from a UTC timestamp to its local day in ``tz_name``: ``'+480 minutes'``.

    SQLite has no time zones, so ``date(created_at, '+480 minutes')`` stands for PostgreSQL's
    ``(created_at AT TIME ZONE 'Asia/Shanghai')::date``: exact only for a zone of one UTC offset,
    so a zone whose offset changes (summer time) in 2000–2040 is refused.
    """
    return f"{fixed_offset_minutes(tz_name):+d} minutes"
