"""The enforcement family from the day rows (cube.py): actions by kind, fines, and the units of each kind.

Counts of actions and the fines (in 分, so that a sum of days is exact) add up over days
(``DayFigure``). The units of a kind (责令限期整改单位数, 立案查处单位数 …) are distinct counts over
the period, kept as the inspections' units are (``cube_inspections``): each day's actions by the
month of the unit's previous action of the same kind in the same region, and the units acted on
between the first of from's month and ``from`` asked of the facts.

Triggers (migration ``0004_cube_enforcement``) mark an action's day, and the day of the next action
of the same kind on its unit in each region level, whose "previous one" it may change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from anjian.stats.cube import (
    LEVELS,
    fetch_row,
    in_list,
    insert_days,
    list_param,
    measures_in,
    month_index,
    month_sql,
    stale_sql,
    tables,
)
from anjian.stats.scope import Scope

FAMILY = "enforcement"
# Counted actions and units (indicators.py): the catalogue's code for each kind.
ACTIONS = {
    "case_filed": "cases_filed", "penalty": "penalty_cases", "license_suspend": "licenses_suspended",
    "license_revoke": "licenses_revoked", "transfer": "cases_transferred", "criminal": "criminal_transfers",
}  # fmt: skip
UNITS = {
    "order_rectify": "orders_rectify_units", "case_filed": "case_units", "penalty": "penalized_units",
    "suspend": "suspended_units", "close": "closed_units",
}  # fmt: skip
FINE = "e_fine_fen"
DAY_MEASURES = (*(f"e_n_{k}" for k in ACTIONS), FINE)
MONTH_MEASURES = tuple(f"e_units_{k}" for k in UNITS)

_KINDS = ", ".join(f"'{k}'" for k in UNITS)
# The fine of a penalty as the catalogue counts it (indicators.fine: the current amount, else the
# decided one), in 分.
_FINE_FEN = "CAST(ROUND(COALESCE(a.fine_current, a.fine_initial, 0) * 100) AS BIGINT)"


def read(s: Scope) -> dict[str, Any]:
    """The enforcement family of ``compute`` for the scope: the day rows and the stale days' facts."""
    from decimal import Decimal

    t = tables()
    f, to, start = s.date_from, s.date_to, s.date_from.replace(day=1)
    like = s.prefix + "%"
    stale, stale_params = stale_sql(FAMILY, f, to)
    counts = [f"COALESCE(SUM(value) FILTER (WHERE measure = 'e_n_{k}'), 0)" for k in ACTIONS]
    day_sums = ", ".join([*counts, f"COALESCE(SUM(value) FILTER (WHERE measure = '{FINE}'), 0)"])
    unit_sums = ", ".join(f"COALESCE(SUM(n) FILTER (WHERE measure = 'e_units_{k}'), 0)" for k in UNITS)
    live_counts = ", ".join(_day_columns())
    # An action on a stale day whose previous one (same unit, kind and region) is before `start`.
    first = f"COUNT(*) FILTER (WHERE a.kind = %s AND a.unit_id IS NOT NULL AND NOT EXISTS ({_earlier(t)}))"
    live_firsts = ", ".join(first for _ in UNITS)
    live_units_params = tuple(p for k in UNITS for p in (k, like, start))
    # Acted on in [start, from) and again in [from, to] (nothing when `from` is the first of a month).
    partial = ", ".join(f"COUNT(DISTINCT a.unit_id) FILTER (WHERE a.kind = '{k}')" for k in UNITS)
    sql = f"""
        SELECT d.*, m.*, l.*, p.*
        FROM (SELECT {day_sums} FROM {t["day"]}
              WHERE prefix = %s AND {measures_in(DAY_MEASURES)} AND day BETWEEN %s AND %s
              AND day NOT IN ({stale})) d
        CROSS JOIN (SELECT {unit_sums} FROM {t["by_month"]}
                    WHERE prefix = %s AND {measures_in(MONTH_MEASURES)} AND day BETWEEN %s AND %s
                    AND month < %s AND day NOT IN ({stale})) m
        CROSS JOIN (SELECT {live_counts}, {live_firsts} FROM {t["action"]} a
                    WHERE a.region_code LIKE %s AND a.date IN ({stale})) l
        CROSS JOIN (SELECT {partial} FROM {t["action"]} a
                    WHERE %s AND a.kind IN ({_KINDS}) AND a.region_code LIKE %s AND a.date >= %s AND a.date < %s
                    AND EXISTS (SELECT 1 FROM {t["action"]} b WHERE b.unit_id = a.unit_id AND b.kind = a.kind
                                AND b.region_code LIKE %s AND b.date BETWEEN %s AND %s)) p
    """  # noqa: S608
    params = (
        s.prefix, f, to, *stale_params,
        s.prefix, f, to, month_index(start), *stale_params,
        *live_units_params, like, *stale_params,
        f != start, like, start, f, like, f, to,
    )  # fmt: skip
    row = fetch_row(sql, params)
    n = len(ACTIONS)
    days, by_month = row[: n + 1], row[n + 1 : n + 1 + len(UNITS)]
    live = row[n + 1 + len(UNITS) : 2 * n + 2 + len(UNITS)]
    live_units = row[2 * n + 2 + len(UNITS) : 2 * n + 2 + 2 * len(UNITS)]
    partial_units = row[2 * n + 2 + 2 * len(UNITS) :]
    out: dict[str, Any] = {code: days[i] + live[i] for i, code in enumerate(ACTIONS.values())}
    out["fines_yuan"] = Decimal(days[n] + live[n]) / 100
    for i, code in enumerate(UNITS.values()):
        out[code] = by_month[i] + live_units[i] + partial_units[i]
    return out


def _earlier(t: dict[str, str]) -> str:
    """An action b of the same unit and kind in the region on or after `start`, before action a."""
    return f"""SELECT 1 FROM {t["action"]} b WHERE b.unit_id = a.unit_id AND b.kind = a.kind
               AND b.region_code LIKE %s AND b.date >= %s
               AND (b.date < a.date OR (b.date = a.date AND b.id < a.id))"""  # noqa: S608


def recompute(cursor: Any, days: list[dt.date] | None) -> None:
    """Insert the rows of ``days`` (None: every day) at every level, computed from the facts."""
    t = tables()
    if days is not None and not days:
        return
    on_days = "TRUE" if days is None else in_list("a.date")
    day_params: tuple[Any, ...] = () if days is None else (list_param(days),)
    columns = ", ".join(_day_columns())
    pairs = [(m, f"x.c{i}") for i, m in enumerate(DAY_MEASURES)]
    for level in LEVELS:
        prefix = f"SUBSTR(a.region_code, 1, {int(level)})"
        source = f"""(SELECT {prefix} AS p, a.date AS d, {columns}
                      FROM {t["action"]} a WHERE {on_days} GROUP BY 1, 2) x"""  # noqa: S608
        cursor.execute(insert_days(source, "x.p", "x.d", pairs), day_params)
        # Only the units of those days need their history read.
        of_units = "TRUE" if days is None else f"a.unit_id IN (SELECT unit_id FROM {t['action']} a WHERE {on_days})"  # noqa: S608
        keep = "TRUE" if days is None else in_list("y.d")
        cursor.execute(
            f"""INSERT INTO {t["by_month"]} (measure, prefix, day, month, n)
                SELECT 'e_units_' || y.kind, y.p, y.d, {month_sql("y.prev")}, COUNT(*) FROM (
                    SELECT a.kind, {prefix} AS p, a.date AS d,
                           LAG(a.date) OVER (PARTITION BY a.unit_id, a.kind, {prefix} ORDER BY a.date, a.id) AS prev
                    FROM {t["action"]} a
                    WHERE a.kind IN ({_KINDS}) AND a.unit_id IS NOT NULL AND {of_units}) y
                WHERE {keep}
                GROUP BY y.kind, y.p, y.d, 4""",  # noqa: S608
            day_params * 2,
        )


def _day_columns() -> list[str]:
    counts = [f"COUNT(*) FILTER (WHERE a.kind = '{k}') AS c{i}" for i, k in enumerate(ACTIONS)]
    fine = f"COALESCE(SUM({_FINE_FEN}) FILTER (WHERE a.kind = 'penalty'), 0) AS c{len(ACTIONS)}"
    return [*counts, fine]
