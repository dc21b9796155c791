"""The inspections family from the day rows (cube.py): outings, person-times, units and groups inspected.

Outings are (group, day), so 出动次数, 检查单位次数 and the person-times add up over days
(``DayFigure``). 检查单位数 and 检查组数 are distinct counts over the period: a unit inspected in
[from, to] counts through its first inspection there, the one whose previous inspection (same
unit, same region) lies before ``from``. ``DayByMonth`` counts each day's inspections by the month
of their previous one, so "before the first of from's month" is a sum of rows; the rest ("in
from's month, before from") is asked of the facts: the units inspected between the first of the
month and ``from`` that were inspected again in the period. For a period that starts on the
first of a month, as months, quarters and years do, that part is empty. Groups likewise, by day.

Triggers (migration ``0002_cube_triggers``) mark an inspection's day, and the day of the next
inspection of its unit and of its group in each region level, whose "previous one" it may change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.db.models.functions import Substr

from anjian.stats.cube import (
    LEVELS,
    SECTOR_LEVEL,
    fetch_row,
    in_list,
    insert_days,
    list_param,
    measures_in,
    month_index,
    month_sql,
    stale_sql,
    tables,
)  # fmt: skip
from anjian.stats.scope import Scope

FAMILY = "inspections"
# The figures that add up over days, in outings_sql's column order.
DAY_MEASURES = ("outings", "inspections", "inspector_visits", "expert_visits")
# 检查单位次数 by the unit's sector (the province only, cube.SECTOR_LEVEL): "inspections@12" ….
INSPECTIONS_BY_SECTOR = "inspections@"
BY_SECTOR = (INSPECTIONS_BY_SECTOR,)
UNITS_INSPECTED = "units_inspected"
GROUPS = "inspection_groups"
MONTH_MEASURES = (UNITS_INSPECTED, GROUPS)


def read(s: Scope) -> dict[str, int]:
    """The inspections family of ``compute`` for the scope: the day rows and the stale days' facts."""
    from anjian.stats.compute import outings_sql
    from anjian.stats.models import StaleDay

    t = tables()
    f, to, start = s.date_from, s.date_to, s.date_from.replace(day=1)
    like = s.prefix + "%"
    stale, stale_params = stale_sql(FAMILY, f, to)
    # The stale days from the facts: the same statement as compute()'s, narrowed to those days.
    stale_days = StaleDay.objects.filter(family=FAMILY, day__range=(f, to)).values("day")
    live, live_params = outings_sql(s, only=Q(date__in=stale_days))

    # An inspection on a stale day whose previous one (same unit, same region) is before `start`:
    # no earlier inspection of the unit in the region on or after `start`.
    first_unit = f"""
        SELECT COUNT(*) FROM {t["insp"]} i
        WHERE i.region_code LIKE %s AND i.date IN ({stale}) AND NOT EXISTS (
            SELECT 1 FROM {t["insp"]} j WHERE j.unit_id = i.unit_id AND j.region_code LIKE %s
            AND j.date >= %s AND (j.date < i.date OR (j.date = i.date AND j.id < i.id)))"""  # noqa: S608
    first_group = f"""
        SELECT COUNT(*) FROM (
            SELECT DISTINCT i.group_id, i.date FROM {t["insp"]} i
            WHERE i.group_id IS NOT NULL AND i.region_code LIKE %s AND i.date IN ({stale})) g
        WHERE NOT EXISTS (
            SELECT 1 FROM {t["insp"]} j WHERE j.group_id = g.group_id AND j.region_code LIKE %s
            AND j.date >= %s AND j.date < g.date)"""  # noqa: S608
    first_params = (like, *stale_params, like, start)

    # Inspected in [start, from) and again in [from, to]: previous inspection in from's month.
    def partial(column: str) -> tuple[str, tuple[Any, ...]]:
        if f == start:
            return "SELECT 0", ()
        sql = f"""
            SELECT COUNT(DISTINCT i.{column}) FROM {t["insp"]} i
            WHERE i.{column} IS NOT NULL AND i.region_code LIKE %s AND i.date >= %s AND i.date < %s
            AND EXISTS (SELECT 1 FROM {t["insp"]} j WHERE j.{column} = i.{column}
                        AND j.region_code LIKE %s AND j.date BETWEEN %s AND %s)"""  # noqa: S608
        return sql, (like, start, f, like, f, to)

    partial_unit, partial_unit_params = partial("unit_id")
    partial_group, partial_group_params = partial("group_id")

    sums = ", ".join(f"COALESCE(SUM(value) FILTER (WHERE measure = '{m}'), 0)" for m in DAY_MEASURES)
    firsts = ", ".join(f"COALESCE(SUM(n) FILTER (WHERE measure = '{m}'), 0)" for m in MONTH_MEASURES)
    sql = f"""
        SELECT d.*, r.*, l.*, ({first_unit}), ({first_group}), ({partial_unit}), ({partial_group})
        FROM (SELECT {sums} FROM {t["day"]}
              WHERE prefix = %s AND {measures_in(DAY_MEASURES)} AND day BETWEEN %s AND %s
              AND day NOT IN ({stale})) d
        CROSS JOIN (SELECT {firsts} FROM {t["by_month"]}
                    WHERE prefix = %s AND {measures_in(MONTH_MEASURES)} AND day BETWEEN %s AND %s
                    AND month < %s AND day NOT IN ({stale})) r
        LEFT JOIN ({live}) l ON TRUE
    """  # noqa: S608
    params = (
        *first_params, *first_params, *partial_unit_params, *partial_group_params,
        s.prefix, f, to, *stale_params,
        s.prefix, f, to, month_index(start), *stale_params,
        *live_params,
    )  # fmt: skip
    row = fetch_row(sql, params)
    day_sums, first_sums, live_row = row[0:4], row[4:6], row[6:13]
    first_units, first_groups, partial_units, partial_groups = row[13:17]
    # live_row: kg, groups, outings, inspections, inspector_visits, expert_visits, units (or NULLs)
    out = {m: day_sums[i] + live_row[2 + i] for i, m in enumerate(DAY_MEASURES)}
    out[UNITS_INSPECTED] = first_sums[0] + first_units + partial_units
    out[GROUPS] = first_sums[1] + first_groups + partial_groups
    return out


def recompute(cursor: Any, days: list[dt.date] | None) -> None:
    """Insert the rows of ``days`` (None: every day) at every level, computed from the facts."""
    from anjian.stats.compute import outings_sql

    t = tables()
    if days is not None and not days:
        return
    # Every region: an empty prefix matches every code.
    lo, hi = (min(days), max(days)) if days else (dt.date.min, dt.date.max)
    every = Scope(region="", date_from=lo, date_to=hi, as_of=hi, prefix="")
    only = None if days is None else Q(date__in=days)
    pairs = [(m, f"x.c{i + 3}") for i, m in enumerate(DAY_MEASURES)]
    for level in LEVELS:
        live, params = outings_sql(every, Substr("region_code", 1, level), only=only, per_day=True)
        before = f"WITH x (c0, c1, c2, c3, c4, c5, c6, c7) AS ({live})"
        cursor.execute(insert_days("x", "x.c0", "x.c1", pairs, before=before), params)
        if level == SECTOR_LEVEL:
            cursor.execute(
                f"""INSERT INTO {t["day"]} (measure, prefix, day, value)
                    SELECT '{INSPECTIONS_BY_SECTOR}' || COALESCE(u.sector_id, 0), SUBSTR(i.region_code, 1, {level}),
                           i.date, COUNT(*)
                    FROM {t["insp"]} i LEFT JOIN {t["unit"]} u ON u.id = i.unit_id
                    WHERE {"TRUE" if days is None else in_list("i.date")}
                    GROUP BY 1, 2, 3""",  # noqa: S608
                () if days is None else (list_param(days),),
            )
        for measure, sql, sql_params in _first_seen(t, level, days):
            cursor.execute(
                f"""INSERT INTO {t["by_month"]} (measure, prefix, day, month, n)
                    SELECT %s, x.p, x.d, x.pm, COUNT(*) FROM ({sql}) x GROUP BY x.p, x.d, x.pm""",  # noqa: S608
                (measure, *sql_params),
            )


def _first_seen(
    t: dict[str, str], level: int, days: list[dt.date] | None
) -> Iterable[tuple[str, str, tuple[Any, ...]]]:
    """For each measure, the rows (prefix p, day d, month of the previous fact pm) of ``days``."""
    prefix = f"SUBSTR(i.region_code, 1, {int(level)})"
    pm = month_sql("prev")
    everything = days is None
    on_days = "TRUE" if everything else in_list("i.date")
    day_params: tuple[Any, ...] = () if everything else (list_param(days or ()),)
    # Only the units (groups) of those days need their history read.
    of_units = "TRUE" if everything else f"i.unit_id IN (SELECT unit_id FROM {t['insp']} i WHERE {on_days})"  # noqa: S608
    of_groups = "TRUE" if everything else f"i.group_id IN (SELECT group_id FROM {t['insp']} i WHERE {on_days})"  # noqa: S608
    keep = "TRUE" if everything else in_list("y.d")
    units = f"""
        SELECT y.p, y.d, {pm} AS pm FROM (
            SELECT {prefix} AS p, i.date AS d,
                   LAG(i.date) OVER (PARTITION BY i.unit_id, {prefix} ORDER BY i.date, i.id) AS prev
            FROM {t["insp"]} i WHERE {of_units}) y
        WHERE {keep}"""  # noqa: S608
    groups = f"""
        SELECT y.p, y.d, {pm} AS pm FROM (
            SELECT g.p, g.d, LAG(g.d) OVER (PARTITION BY g.group_id, g.p ORDER BY g.d) AS prev FROM (
                SELECT DISTINCT i.group_id, {prefix} AS p, i.date AS d FROM {t["insp"]} i
                WHERE i.group_id IS NOT NULL AND {of_groups}) g) y
        WHERE {keep}"""  # noqa: S608
    yield UNITS_INSPECTED, units, day_params * 2
    yield GROUPS, groups, day_params * 2
