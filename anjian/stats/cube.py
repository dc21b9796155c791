"""Day figures of wide regions (统计底表): keep them, and read the catalogue from them, exactly.

For a city or the province without filters, the inspections family comes from one row per day
(``models.py``) instead of the facts (docs/performance.md, issue 5: the province's outings over
three years read 1,000,000 inspections and 3,360,000 official rows, 3.9 s).

Exact at every moment, not "as of the last refresh":

- Triggers (migration ``0002_cube_triggers``, PostgreSQL) add a :class:`~anjian.stats.models.StaleDay`
  in the same transaction as every insert, update or delete of an inspection or of its officials
  and experts: its day, and the days of the facts whose "previous fact" it changes (the next
  inspection of the same unit, and the next day of the same group, in each region level).
- A reader takes the day rows of the period except the stale days, and computes the stale days
  from the facts, in one statement (one snapshot).
- :func:`refresh` (a job every minute; ``anjian stats-cube refresh``) recomputes the stale days
  and removes exactly the marks it read, so a write committed meanwhile keeps its own mark.

Distinct counts over a period (检查单位数, 检查组数) are not sums of days. A unit inspected in
[from, to] counts through its first inspection there, the one whose previous inspection (same
unit, same region) lies before ``from``. :class:`~anjian.stats.models.DayByMonth` counts each day's
inspections by the month of their previous one, so "before the first of from's month" is a sum of
rows; the rest ("in from's month, before from") is asked of the facts: the units inspected
between the first of the month and ``from`` that were inspected again in the period. For a period
that starts on the first of a month, as months, quarters and years do, that part is empty.

Only on PostgreSQL: a county on SQLite never has a region this wide, and SQLite has no per-row
procedural triggers to keep the marks with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.db.models.functions import Substr

from anjian.core.dbrouter import read_alias
from anjian.stats.scope import Scope

# Region prefixes kept per day: the province (2 digits) and its cities (4). A county (6) is
# computed from the facts within the target already (docs/performance.md, issue 5).
LEVELS = (2, 4)

INSPECTIONS = "inspections"
# The inspection figures that add up over days, in outings_sql's column order.
ADDITIVE = ("outings", "inspections", "inspector_visits", "expert_visits")
# Distinct counts over the period, from DayByMonth.
UNITS_INSPECTED = "units_inspected"
GROUPS = "inspection_groups"

_LOCK = 0x616E6A69  # pg_advisory_xact_lock key of refresh(): one refresher at a time


def enabled(alias: str | None = None) -> bool:
    return bool(settings.ANJIAN_STATS_CUBE) and connections[alias or read_alias()].vendor == "postgresql"


def applies(s: Scope) -> bool:
    """Whether the scope's inspections can be read from the day rows: a city or the province, no filter."""
    unfiltered = (
        s.campaign_ids is None and s.sector_id is None and s.department_id is None
        and not s.inspection_kind and s.unit is None
    )  # fmt: skip
    return unfiltered and len(s.prefix) in LEVELS and enabled()


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _tables() -> dict[str, str]:
    from anjian.inspections.models import Inspection
    from anjian.stats.models import DayByMonth, DayFigure, StaleDay

    return {
        "insp": Inspection._meta.db_table, "day": DayFigure._meta.db_table,
        "first": DayByMonth._meta.db_table, "stale": StaleDay._meta.db_table,
    }  # fmt: skip


# --- reading ----------------------------------------------------------------------------------------


def inspections(s: Scope) -> dict[str, int]:
    """The inspections family of ``compute`` for the scope, from the day rows and the stale days' facts."""
    from anjian.stats.compute import outings_sql
    from anjian.stats.models import StaleDay

    t = _tables()
    f, to, start = s.date_from, s.date_to, s.date_from.replace(day=1)
    like = s.prefix + "%"
    stale_days = StaleDay.objects.filter(family=INSPECTIONS, day__range=(f, to)).values("day")
    # The stale days from the facts: the same statement as compute()'s, narrowed to those days.
    live, live_params = outings_sql(s, only=Q(date__in=stale_days))
    stale = f"SELECT DISTINCT day FROM {t['stale']} WHERE family = %s AND day BETWEEN %s AND %s"  # noqa: S608
    stale_params: tuple[Any, ...] = (INSPECTIONS, f, to)

    # An inspection on a stale day whose previous one (same unit, same region) is before `start`:
    # no earlier inspection of the unit in the region on or after `start`.
    first_unit = f"""
        SELECT COUNT(*) FROM {t["insp"]} i
        WHERE i.region_code LIKE %s AND i.date IN ({stale}) AND NOT EXISTS (
            SELECT 1 FROM {t["insp"]} j WHERE j.unit_id = i.unit_id AND j.region_code LIKE %s
            AND j.date >= %s AND (j.date < i.date OR (j.date = i.date AND j.id < i.id)))"""  # noqa: S608
    first_unit_params = (like, *stale_params, like, start)
    first_group = f"""
        SELECT COUNT(*) FROM (
            SELECT DISTINCT i.group_id, i.date FROM {t["insp"]} i
            WHERE i.group_id IS NOT NULL AND i.region_code LIKE %s AND i.date IN ({stale})) g
        WHERE NOT EXISTS (
            SELECT 1 FROM {t["insp"]} j WHERE j.group_id = g.group_id AND j.region_code LIKE %s
            AND j.date >= %s AND j.date < g.date)"""  # noqa: S608
    first_group_params = (like, *stale_params, like, start)

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

    sums = ", ".join(f"COALESCE(SUM(value) FILTER (WHERE measure = '{m}'), 0)" for m in ADDITIVE)
    firsts = ", ".join(f"COALESCE(SUM(n) FILTER (WHERE measure = '{m}'), 0)" for m in (UNITS_INSPECTED, GROUPS))
    sql = f"""
        SELECT d.*, r.*, l.*, ({first_unit}), ({first_group}), ({partial_unit}), ({partial_group})
        FROM (SELECT {sums} FROM {t["day"]}
              WHERE prefix = %s AND day BETWEEN %s AND %s AND day NOT IN ({stale})) d
        CROSS JOIN (SELECT {firsts} FROM {t["first"]}
                    WHERE prefix = %s AND day BETWEEN %s AND %s AND month < %s AND day NOT IN ({stale})) r
        LEFT JOIN ({live}) l ON TRUE
    """  # noqa: S608
    params = (
        *first_unit_params, *first_group_params, *partial_unit_params, *partial_group_params,
        s.prefix, f, to, *stale_params,
        s.prefix, f, to, month_index(start), *stale_params,
        *live_params,
    )  # fmt: skip
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        row = [int(v or 0) for v in cursor.fetchone()]
    day_sums, first_sums, live_row = row[0:4], row[4:6], row[6:13]
    first_units, first_groups, partial_units, partial_groups = row[13:17]
    # live_row: kg, groups, outings, inspections, inspector_visits, expert_visits, units (or NULLs)
    out = {m: day_sums[i] + live_row[2 + i] for i, m in enumerate(ADDITIVE)}
    out[UNITS_INSPECTED] = first_sums[0] + first_units + partial_units
    out[GROUPS] = first_sums[1] + first_groups + partial_groups
    return out


# --- keeping ----------------------------------------------------------------------------------------


def refresh(batch: int = 5000) -> int:
    """Recompute the stale days and remove the marks read; the number of days recomputed.

    The marks are read first and removed by id at the end: the recomputation sees every write
    whose mark was read (it committed before), and a write committed meanwhile keeps its own mark.
    """
    from anjian.stats.models import StaleDay

    if not enabled("default"):
        return 0
    done = 0
    while True:
        with transaction.atomic(using="default"):
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
            marks = list(
                StaleDay.objects.using("default")
                .filter(family=INSPECTIONS)
                .order_by("id")
                .values_list("id", "day")[:batch]
            )
            if not marks:
                return done
            days = sorted({d for _, d in marks})
            _recompute(days)
            StaleDay.objects.using("default").filter(id__in=[i for i, _ in marks]).delete()
            done += len(days)
        if len(marks) < batch:
            return done


def rebuild() -> int:
    """Recompute every day that has inspections (after a load that bypassed the triggers); the days kept."""
    from anjian.inspections.models import Inspection
    from anjian.stats.models import DayByMonth, DayFigure, StaleDay

    if not enabled("default"):
        return 0
    with transaction.atomic(using="default"):
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        DayFigure.objects.using("default").filter(measure__in=ADDITIVE).delete()
        DayByMonth.objects.using("default").filter(measure__in=(UNITS_INSPECTED, GROUPS)).delete()
        StaleDay.objects.using("default").filter(family=INSPECTIONS).delete()
        days = list(Inspection.objects.using("default").order_by().values_list("date", flat=True).distinct())
        _recompute(days, everything=True)
    return len(days)


def _recompute(days: Sequence[dt.date], *, everything: bool = False) -> None:
    """Replace the rows of ``days`` (every level) with rows computed from the facts."""
    from anjian.stats.compute import outings_sql
    from anjian.stats.models import DayByMonth, DayFigure
    from anjian.stats.scope import Scope

    if not days:
        return
    t = _tables()
    db = connections["default"]
    day_list = list(days)
    if not everything:
        DayFigure.objects.using("default").filter(measure__in=ADDITIVE, day__in=day_list).delete()
        DayByMonth.objects.using("default").filter(measure__in=(UNITS_INSPECTED, GROUPS), day__in=day_list).delete()
    # Every region: an empty prefix matches every code.
    every = Scope(region="", date_from=min(day_list), date_to=max(day_list), as_of=max(day_list), prefix="")
    only = None if everything else Q(date__in=day_list)
    values = ", ".join(f"('{m}', x.c{i + 3})" for i, m in enumerate(ADDITIVE))
    with db.cursor() as cursor:
        for level in LEVELS:
            live, params = outings_sql(every, Substr("region_code", 1, level), only=only, per_day=True)
            cursor.execute(
                f"""INSERT INTO {t["day"]} (measure, prefix, day, value)
                    SELECT v.m, x.c0, x.c1, v.value
                    FROM ({live}) x (c0, c1, c2, c3, c4, c5, c6, c7)
                    CROSS JOIN LATERAL (VALUES {values}) v (m, value)
                    WHERE v.value <> 0""",  # noqa: S608
                params,
            )
            for measure, sql, sql_params in _first_seen(t, level, day_list, everything):
                cursor.execute(
                    f"""INSERT INTO {t["first"]} (measure, prefix, day, month, n)
                        SELECT %s, x.p, x.d, x.pm, COUNT(*) FROM ({sql}) x GROUP BY x.p, x.d, x.pm""",  # noqa: S608
                    (measure, *sql_params),
                )


def _first_seen(
    t: dict[str, str], level: int, days: list[dt.date], everything: bool
) -> Iterable[tuple[str, str, tuple[Any, ...]]]:
    """For each measure, the rows (prefix p, day d, month of the previous fact pm) of ``days``."""
    prefix = f"SUBSTR(i.region_code, 1, {int(level)})"
    pm = "COALESCE((EXTRACT(YEAR FROM prev) * 12 + EXTRACT(MONTH FROM prev) - 1)::int, -1)"
    on_days = "TRUE" if everything else "i.date = ANY(%s)"
    day_params: tuple[Any, ...] = () if everything else (days,)
    # Only the units (groups) of those days need their history read.
    of_units = "TRUE" if everything else f"i.unit_id IN (SELECT unit_id FROM {t['insp']} i WHERE {on_days})"  # noqa: S608
    of_groups = "TRUE" if everything else f"i.group_id IN (SELECT group_id FROM {t['insp']} i WHERE {on_days})"  # noqa: S608
    units = f"""
        SELECT y.p, y.d, {pm} AS pm FROM (
            SELECT {prefix} AS p, i.date AS d,
                   LAG(i.date) OVER (PARTITION BY i.unit_id, {prefix} ORDER BY i.date, i.id) AS prev
            FROM {t["insp"]} i WHERE {of_units}) y
        WHERE {"TRUE" if everything else "y.d = ANY(%s)"}"""  # noqa: S608
    groups = f"""
        SELECT y.p, y.d, {pm} AS pm FROM (
            SELECT g.p, g.d, LAG(g.d) OVER (PARTITION BY g.group_id, g.p ORDER BY g.d) AS prev FROM (
                SELECT DISTINCT i.group_id, {prefix} AS p, i.date AS d FROM {t["insp"]} i
                WHERE i.group_id IS NOT NULL AND {of_groups}) g) y
        WHERE {"TRUE" if everything else "y.d = ANY(%s)"}"""  # noqa: S608
    yield UNITS_INSPECTED, units, day_params * 2
    yield GROUPS, groups, day_params * 2
