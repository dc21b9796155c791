"""The migrations' one helper: run SQL on PostgreSQL only (the day rows are PostgreSQL's, cube.py)."""

from __future__ import annotations

from typing import Any


def on_postgres(sql: str) -> Any:
    """A RunPython function executing ``sql`` where the database is PostgreSQL, nothing elsewhere."""

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run
