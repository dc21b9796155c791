"""The registry (台账) from the day rows (cube.py): units in scope not closed at ``as_of``.

``compute.units_qs``: not closed, and still registered or deregistered after ``as_of``. Units are a
stock, not events, so the day rows hold them by a day that only partitions them, so that a change
marks a few rows: a registered unit by the local day it was created (every such row counts); a
deregistered one by the local day it was deregistered (the rows after ``as_of`` count).

Triggers (migration ``0007_cube_units``) mark both days, before and after a change of what the
figures read (region, status, registration, 重点监管).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from anjian.stats.cube import (
    LEVELS,
    fetch_row,
    in_list,
    lateral,
    list_param,
    local_day,
    local_day_range,
    measures_in,
    stale_sql,
    tables,
)  # fmt: skip
from anjian.stats.scope import Scope

FAMILY = "units"
ACTIVE, ACTIVE_KEY, GONE, GONE_KEY = "u:active", "u:active_key", "u:gone", "u:gone_key"
DAY_MEASURES = (ACTIVE, ACTIVE_KEY, GONE, GONE_KEY)
MONTH_MEASURES: tuple[str, ...] = ()

_OPEN = "u.status <> 'closed'"


def _keys() -> tuple[str, str, str, tuple[Any, ...]]:
    """(join, m, d, params): the (measure m, day d) of the day row a unit ``u`` counts in."""
    created, created_params = local_day("u.created_at")
    gone, gone_params = local_day("u.deactivated_at")
    join, (m, d) = lateral("k", ("m", "d"), [
        (f"'{ACTIVE}'", f"CASE WHEN {_OPEN} AND u.is_active THEN {created} END"),
        (f"'{ACTIVE_KEY}'", f"CASE WHEN {_OPEN} AND u.is_active AND u.key_supervision THEN {created} END"),
        (f"'{GONE}'", f"CASE WHEN {_OPEN} AND NOT u.is_active THEN {gone} END"),
        (f"'{GONE_KEY}'", f"CASE WHEN {_OPEN} AND NOT u.is_active AND u.key_supervision THEN {gone} END"),
    ])  # fmt: skip
    # On SQLite the local day takes no parameter, so that d may be repeated.
    return join, m, d, (*created_params, *created_params, *gone_params, *gone_params)


def read(s: Scope) -> dict[str, int]:
    """The registry figures of ``compute`` for the scope: the day rows and the stale days' facts."""
    t = tables()
    a = s.as_of
    stale, stale_params = stale_sql(FAMILY, None, dt.date.max)
    keys, km, kd, key_params = _keys()

    def counted(value: str) -> str:
        return f"""COALESCE(SUM({value}) FILTER (WHERE m IN ('{ACTIVE}', '{GONE}') AND (m = '{ACTIVE}' OR d > %s)), 0),
                   COALESCE(SUM({value}) FILTER (WHERE m IN ('{ACTIVE_KEY}', '{GONE_KEY}')
                                                 AND (m = '{ACTIVE_KEY}' OR d > %s)), 0)"""

    # The units dated on a stale day (created or deregistered that local day): by the two indexes.
    on_created, created_params = local_day_range("u.created_at", "s.day")
    on_gone, gone_params = local_day_range("u.deactivated_at", "s.day")
    candidates = f"""
        SELECT u.id FROM ({stale}) s JOIN {t["unit"]} u ON {on_created}
        UNION SELECT u.id FROM ({stale}) s JOIN {t["unit"]} u ON {on_gone}"""  # noqa: S608
    sql = f"""
        SELECT c.*, l.*
        FROM (SELECT {counted("value")} FROM (
                  SELECT measure AS m, day AS d, value FROM {t["day"]}
                  WHERE prefix = %s AND {measures_in(DAY_MEASURES)} AND day NOT IN ({stale})) r) c
        CROSS JOIN (SELECT {counted("1")} FROM (
                  SELECT {km} AS m, {kd} AS d FROM ({candidates}) x JOIN {t["unit"]} u ON u.id = x.id {keys}
                  WHERE u.region_code LIKE %s AND {kd} IN ({stale})) r) l
    """  # noqa: S608
    params = (
        a, a, s.prefix, *stale_params,
        a, a, *stale_params, *created_params, *stale_params, *gone_params, *key_params, s.prefix + "%",
        *stale_params,
    )  # fmt: skip
    row = fetch_row(sql, params)
    return {"units": row[0] + row[2], "units_key": row[1] + row[3]}


def recompute(cursor: Any, days: list[dt.date] | None) -> None:
    """Insert the rows of ``days`` (None: every day) at every level, computed from the facts."""
    t = tables()
    if days is not None and not days:
        return
    keys, km, kd, key_params = _keys()
    keep = "TRUE" if days is None else in_list(kd)
    for level in LEVELS:
        cursor.execute(
            f"""INSERT INTO {t["day"]} (measure, prefix, day, value)
                SELECT {km}, SUBSTR(u.region_code, 1, {int(level)}), {kd}, COUNT(*)
                FROM {t["unit"]} u {keys}
                WHERE {kd} IS NOT NULL AND {keep}
                GROUP BY 1, 2, 3""",  # noqa: S608
            (*key_params, *(() if days is None else (list_param(days),))),
        )
