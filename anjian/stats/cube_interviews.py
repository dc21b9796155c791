"""Interviews, notices and exposures from the day rows (cube.py).

An event counts for a region when it names a unit there (the unit's region now, as
``compute.interview_units_qs`` has it). Per day and region: the events, and the persons of the
interviews and notices, each event once however many of its units lie in the region
(``DayFigure``). The units interviewed (or exposed) over a period are kept as the inspections'
units are (``cube_inspections``): each day's (event, unit) rows by the month of the unit's previous
event of the same class, and the units named between the first of from's month and ``from`` asked
of the facts.

Triggers (migration ``0006_cube_interviews``) mark an event's day and the next event of each unit it
names; a unit that moves to another region marks the days of every event naming it.
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

FAMILY = "interviews"
TOLD, PERSONS, EXPOSED = "i:told", "i:persons", "i:exposed"
DAY_MEASURES = (TOLD, PERSONS, EXPOSED)
UNITS_TOLD, UNITS_EXPOSED = "i:units_t", "i:units_x"
MONTH_MEASURES = (UNITS_TOLD, UNITS_EXPOSED)

# The class of an event: 't' told (约谈, 通报: interviews_qs's "interview", "notice"), 'x' exposed.
_CLASS = "CASE WHEN {k} IN ('interview', 'notice') THEN 't' WHEN {k} = 'exposure' THEN 'x' END"


def _rows(t: dict[str, str], prefix: str) -> str:
    """The (event e, unit u, day d, persons n, class c, region p) rows."""
    return f"""
        SELECT x.interview_id AS e, x.unit_id AS u, iv.date AS d, iv.persons AS n,
               {_CLASS.format(k="iv.kind")} AS c, {prefix} AS p
        FROM {t["interview_units"]} x JOIN {t["interview"]} iv ON iv.id = x.interview_id
        JOIN {t["unit"]} un ON un.id = x.unit_id"""  # noqa: S608


def _day_columns(rows: str) -> str:
    """Events told, their persons, events exposed: each event once among ``rows``."""
    return f"""
        SELECT COUNT(*) FILTER (WHERE ev.c = 't'), COALESCE(SUM(ev.n) FILTER (WHERE ev.c = 't'), 0),
               COUNT(*) FILTER (WHERE ev.c = 'x')
        FROM (SELECT DISTINCT r.e, r.n, r.c FROM ({rows}) r) ev"""  # noqa: S608


def read(s: Scope) -> dict[str, int]:
    """The interviews family of ``compute`` for the scope: the day rows and the stale days' facts."""
    t = tables()
    f, to, start = s.date_from, s.date_to, s.date_from.replace(day=1)
    like = s.prefix + "%"
    stale, stale_params = stale_sql(FAMILY, f, to)
    rows = _rows(t, "un.region_code")
    on_stale = f"SELECT * FROM ({rows}) r WHERE r.p LIKE %s AND r.d IN ({stale})"  # noqa: S608
    sums = ", ".join(f"COALESCE(SUM(value) FILTER (WHERE measure = '{m}'), 0)" for m in DAY_MEASURES)
    firsts = ", ".join(f"COALESCE(SUM(n) FILTER (WHERE measure = '{m}'), 0)" for m in MONTH_MEASURES)
    # A (event, unit) row on a stale day whose unit's previous event of the class is before `start`.
    earlier = f"""
        SELECT 1 FROM {t["interview_units"]} x2 JOIN {t["interview"]} iv2 ON iv2.id = x2.interview_id
        WHERE x2.unit_id = r.u AND {_CLASS.format(k="iv2.kind")} = r.c AND iv2.date >= %s
          AND (iv2.date < r.d OR (iv2.date = r.d AND iv2.id < r.e))"""  # noqa: S608
    live_firsts = f"""
        SELECT COUNT(*) FILTER (WHERE r.c = 't' AND NOT EXISTS ({earlier})),
               COUNT(*) FILTER (WHERE r.c = 'x' AND NOT EXISTS ({earlier}))
        FROM ({on_stale}) r"""  # noqa: S608
    # Named in [start, from) and again in [from, to] (nothing when `from` is the first of a month).
    partial = f"""
        SELECT COUNT(DISTINCT a.u) FILTER (WHERE a.c = 't'), COUNT(DISTINCT a.u) FILTER (WHERE a.c = 'x')
        FROM ({rows}) a
        WHERE %s AND a.p LIKE %s AND a.d >= %s AND a.d < %s AND EXISTS (
            SELECT 1 FROM ({rows}) b WHERE b.u = a.u AND b.c = a.c AND b.d BETWEEN %s AND %s)"""  # noqa: S608
    sql = f"""
        SELECT d.*, m.*, l.*, lf.*, p.*
        FROM (SELECT {sums} FROM {t["day"]}
              WHERE prefix = %s AND {measures_in(DAY_MEASURES)} AND day BETWEEN %s AND %s
              AND day NOT IN ({stale})) d
        CROSS JOIN (SELECT {firsts} FROM {t["by_month"]}
                    WHERE prefix = %s AND {measures_in(MONTH_MEASURES)} AND day BETWEEN %s AND %s
                    AND month < %s AND day NOT IN ({stale})) m
        CROSS JOIN ({_day_columns(on_stale)}) l
        CROSS JOIN ({live_firsts}) lf
        CROSS JOIN ({partial}) p
    """  # noqa: S608
    params = (
        s.prefix, f, to, *stale_params,
        s.prefix, f, to, month_index(start), *stale_params,
        like, *stale_params,
        start, start, like, *stale_params,
        f != start, like, start, f, f, to,
    )  # fmt: skip
    row = fetch_row(sql, params)
    days, by_month, live, live_first, partial_units = row[0:3], row[3:5], row[5:8], row[8:10], row[10:12]
    return {
        "interviews": days[0] + live[0],
        "interviewed_persons": days[1] + live[1],
        "exposures": days[2] + live[2],
        "interviewed_units": by_month[0] + live_first[0] + partial_units[0],
        "exposed_units": by_month[1] + live_first[1] + partial_units[1],
    }


def recompute(cursor: Any, days: list[dt.date] | None) -> None:
    """Insert the rows of ``days`` (None: every day) at every level, computed from the facts."""
    t = tables()
    if days is not None and not days:
        return
    keep, keep_y = ("TRUE", "TRUE") if days is None else (in_list("r.d"), in_list("y.d"))
    day_params: tuple[Any, ...] = () if days is None else (list_param(days),)
    pairs = [(TOLD, "x.told"), (PERSONS, "x.persons"), (EXPOSED, "x.exposed")]
    for level in LEVELS:
        rows = _rows(t, f"SUBSTR(un.region_code, 1, {int(level)})")
        source = f"""(
            SELECT ev.p, ev.d, COUNT(*) FILTER (WHERE ev.c = 't') AS told,
                   COALESCE(SUM(ev.n) FILTER (WHERE ev.c = 't'), 0) AS persons,
                   COUNT(*) FILTER (WHERE ev.c = 'x') AS exposed
            FROM (SELECT DISTINCT r.p, r.d, r.e, r.n, r.c FROM ({rows}) r WHERE {keep}) ev
            GROUP BY ev.p, ev.d) x"""  # noqa: S608
        cursor.execute(insert_days(source, "x.p", "x.d", pairs), day_params)
        # Only the units named on those days need their history read.
        of_units = "TRUE" if days is None else f"r.u IN (SELECT r.u FROM ({rows}) r WHERE {keep})"  # noqa: S608
        cursor.execute(
            f"""INSERT INTO {t["by_month"]} (measure, prefix, day, month, n)
                SELECT 'i:units_' || y.c, y.p, y.d, {month_sql("y.prev")}, COUNT(*) FROM (
                    SELECT r.c, r.p, r.d, LAG(r.d) OVER (PARTITION BY r.u, r.c, r.p ORDER BY r.d, r.e) AS prev
                    FROM ({rows}) r WHERE r.c IS NOT NULL AND {of_units}) y
                WHERE {keep_y}
                GROUP BY y.c, y.p, y.d, 4""",  # noqa: S608
            day_params * 2,
        )
