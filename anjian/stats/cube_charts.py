"""The province dashboard's charts from the day rows (cube.py): by month and by city.

The dashboard's trend chart (hazards found and rectified by the month found, inspections by month)
and its region chart (hazards found, rectified and overdue by city) read the same day rows as
``compute``, grouped: a sum of the clean days' rows per month or per city prefix, plus the stale
days from the facts, plus (rectified) the days of months the period only partly covers, from the
facts. Each figure is the one ``grouped.compute_by`` gives for that month or region.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

from anjian.core.dbrouter import read_alias
from anjian.stats import cube_hazards as hz
from anjian.stats import cube_inspections
from anjian.stats.cube import (
    in_list,
    list_param,
    measures_in,
    month_index_text,
    month_sql,
    month_text,
    sqlite,
    stale_sql,
    tables,
)  # fmt: skip
from anjian.stats.scope import Scope

Rows = dict[str, dict[str, int]]


def _fetch(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _add(rows: Rows, key: str, code: str, value: int) -> None:
    figures = rows.setdefault(key, {})
    figures[code] = figures.get(code, 0) + int(value or 0)


def trend(s: Scope) -> Rows:
    """{'YYYY-MM': {hazards_found, hazards_rectified, inspections}} for the months of the period."""
    t = tables()
    f, to, a = s.date_from, s.date_to, s.as_of
    like = s.prefix + "%"
    stale_h, stale_h_params = stale_sql(hz.FAMILY, None, max(to, a))
    stale_i, stale_i_params = stale_sql(cube_inspections.FAMILY, f, to)
    m1, m2, rest = hz.whole_months(f, to)
    parts = [
        # Found, and inspections, on clean days.
        (f"""SELECT CASE measure WHEN '{hz.FOUND}' THEN 'hazards_found' ELSE 'inspections' END,
                    {month_text("day")}, SUM(value)
             FROM {t["day"]} WHERE prefix = %s AND day BETWEEN %s AND %s
               AND ((measure = '{hz.FOUND}' AND day NOT IN ({stale_h}))
                    OR (measure = 'inspections' AND day NOT IN ({stale_i})))
             GROUP BY 1, 2""",  # noqa: S608
         (s.prefix, f, to, *stale_h_params, *stale_i_params)),
        # Rectified, found in the whole months, closed on clean days by as_of.
        (f"""SELECT 'hazards_rectified', {month_index_text("month")}, SUM(n) FROM {t["by_month"]}
             WHERE prefix = %s AND measure = '{hz.RECT}' AND day <= %s AND day NOT IN ({stale_h})
               AND month BETWEEN %s AND %s
             GROUP BY 2""",  # noqa: S608
         (s.prefix, a, *stale_h_params, m1, m2)),
        # Stale days from the facts.
        (f"""SELECT 'hazards_found', {month_text("h.found_on")}, COUNT(*) FROM {t["hazard"]} h
             WHERE h.region_code LIKE %s AND h.found_on BETWEEN %s AND %s AND h.found_on IN ({stale_h})
             GROUP BY 2""",  # noqa: S608
         (like, f, to, *stale_h_params)),
        (f"""SELECT 'hazards_rectified', {month_text("h.found_on")}, COUNT(*) FROM {t["hazard"]} h
             WHERE h.region_code LIKE %s AND {hz.CLOSED} AND h.closed_on <= %s AND h.closed_on IN ({stale_h})
               AND {month_sql("h.found_on")} BETWEEN %s AND %s
             GROUP BY 2""",  # noqa: S608
         (like, a, *stale_h_params, m1, m2)),
        (f"""SELECT 'inspections', {month_text("i.date")}, COUNT(*) FROM {t["insp"]} i
             WHERE i.region_code LIKE %s AND i.date IN ({stale_i})
             GROUP BY 2""",  # noqa: S608
         (like, *stale_i_params)),
    ]
    if rest:
        # Rectified among the hazards found on the days of partly covered months, from the facts.
        found_on = " OR ".join("h.found_on BETWEEN %s AND %s" for _ in rest)
        parts.append((
            f"""SELECT 'hazards_rectified', {month_text("h.found_on")}, COUNT(*) FROM {t["hazard"]} h
                WHERE h.region_code LIKE %s AND ({found_on}) AND {hz.CLOSED} AND h.closed_on <= %s
                GROUP BY 2""",  # noqa: S608
            (like, *[d for r in rest for d in r], a),
        ))
    sql = " UNION ALL ".join(f"SELECT * FROM ({p}) x{i}" for i, (p, _) in enumerate(parts))  # noqa: S608
    rows: Rows = {}
    for code, key, value in _fetch(sql, tuple(x for _, p in parts for x in p)):
        _add(rows, key, code, value)
    return rows


def by_city(s: Scope) -> Rows:
    """{city prefix: {hazards_found, hazards_rectified, hazards_overdue}} for a province."""
    t = tables()
    f, to, a = s.date_from, s.date_to, s.as_of
    like = s.prefix + "%"
    stale, stale_params = stale_sql(hz.FAMILY, None, max(to, a))
    m1, m2, rest = hz.whole_months(f, to)
    city = "SUBSTR(h.region_code, 1, 4)"
    keys, km, kd = hz.day_keys()
    # Every possible 4-digit prefix under the province's, probed by the (prefix, measure, day) key: a
    # range of prefixes would make PostgreSQL scan the whole table.
    cities = (list_param(f"{s.prefix}{n:02d}" for n in range(100)),)
    parts = [
        (f"""SELECT prefix, measure, SUM(value) FROM {t["day"]}
             WHERE {in_list("prefix")} AND {measures_in(hz.DAY_MEASURES)} AND day NOT IN ({stale})
               AND ((measure = '{hz.FOUND}' AND day BETWEEN %s AND %s)
                    OR (measure IN ('{hz.OVERDUE_IN}', '{hz.OVERDUE_OUT}') AND day <= %s))
             GROUP BY 1, 2""",  # noqa: S608
         (*cities, *stale_params, f, to, a)),
        (f"""SELECT prefix, measure, SUM(n) FROM {t["by_month"]}
             WHERE {in_list("prefix")} AND measure = '{hz.RECT}' AND day <= %s
               AND day NOT IN ({stale}) AND month BETWEEN %s AND %s
             GROUP BY 1, 2""",  # noqa: S608
         (*cities, a, *stale_params, m1, m2)),
        # Stale days: the hazards dated on one of them, counted as the day rows count them.
        (f"""SELECT p, m, COUNT(*) FROM (
                 SELECT {city} AS p, {km} AS m, {kd} AS d, {month_sql("h.found_on")} AS mo
                 FROM ({hz.stale_hazards(stale)}) c JOIN {t["hazard"]} h ON h.id = c.id {keys}
                 WHERE h.region_code LIKE %s AND {kd} IN ({stale})) k
             WHERE (m = '{hz.FOUND}' AND d BETWEEN %s AND %s)
                OR (m IN ('{hz.OVERDUE_IN}', '{hz.OVERDUE_OUT}') AND d <= %s)
                OR (m = '{hz.RECT}' AND d <= %s AND mo BETWEEN %s AND %s)
             GROUP BY 1, 2""",  # noqa: S608
         (*stale_params * 3, like, *stale_params, f, to, a, a, m1, m2)),
    ]
    if rest:
        found_on = " OR ".join("h.found_on BETWEEN %s AND %s" for _ in rest)
        parts.append((
            f"""SELECT {city}, '{hz.RECT}', COUNT(*) FROM {t["hazard"]} h
                WHERE h.region_code LIKE %s AND ({found_on}) AND {hz.CLOSED} AND h.closed_on <= %s
                GROUP BY 1""",  # noqa: S608
            (like, *[d for r in rest for d in r], a),
        ))
    sql = " UNION ALL ".join(f"SELECT * FROM ({p}) x{i}" for i, (p, _) in enumerate(parts))  # noqa: S608
    raw: Rows = {}
    for key, measure, value in _fetch(sql, tuple(x for _, p in parts for x in p)):
        _add(raw, key, measure, value)
    return {
        key: {
            "hazards_found": v.get(hz.FOUND, 0),
            "hazards_rectified": v.get(hz.RECT, 0),
            "hazards_overdue": v.get(hz.OVERDUE_IN, 0) - v.get(hz.OVERDUE_OUT, 0),
        }
        for key, v in raw.items()
    }


def by_sector(s: Scope) -> Rows:
    """{sector id ('0': none): {hazards_found, hazards_rectified, inspections}} for a province.

    By the unit's sector now, as ``compute_by(scope, "industry")`` groups the facts.
    """
    t = tables()
    f, to, a = s.date_from, s.date_to, s.as_of
    like = s.prefix + "%"
    stale_h, stale_h_params = stale_sql(hz.FAMILY, None, max(to, a))
    stale_i, stale_i_params = stale_sql(cube_inspections.FAMILY, f, to)
    m1, m2, rest = hz.whole_months(f, to)
    found, rect, insp = hz.FOUND_BY_SECTOR, hz.RECT_BY_SECTOR, cube_inspections.INSPECTIONS_BY_SECTOR
    sector = "CAST(COALESCE(u.sector_id, 0) AS TEXT)"
    units = f"LEFT JOIN {t['unit']} u ON u.id = h.unit_id"
    closed = f"{hz.CLOSED} AND h.closed_on <= %s"
    # "h_found@12": the measure's two parts.
    at = "STRPOS(measure, '@')" if not sqlite() else "INSTR(measure, '@')"
    before_at, after_at = f"SUBSTR(measure, 1, {at} - 1)", f"SUBSTR(measure, {at} + 1)"
    parts = [
        # Clean days: found and inspections by day, rectified by closing day and month found.
        (f"""SELECT {before_at}, {after_at}, SUM(value) FROM {t["day"]}
             WHERE prefix = %s AND day BETWEEN %s AND %s
               AND ((SUBSTR(measure, 1, {len(found)}) = '{found}' AND day NOT IN ({stale_h}))
                    OR (SUBSTR(measure, 1, {len(insp)}) = '{insp}' AND day NOT IN ({stale_i})))
             GROUP BY 1, 2""",  # noqa: S608
         (s.prefix, f, to, *stale_h_params, *stale_i_params)),
        (f"""SELECT 'h_rect', {after_at}, SUM(n) FROM {t["by_month"]}
             WHERE prefix = %s AND SUBSTR(measure, 1, {len(rect)}) = '{rect}' AND day <= %s AND day NOT IN ({stale_h})
               AND month BETWEEN %s AND %s
             GROUP BY 2""",  # noqa: S608
         (s.prefix, a, *stale_h_params, m1, m2)),
        # Stale days from the facts.
        (f"""SELECT 'h_found', {sector}, COUNT(*) FROM {t["hazard"]} h {units}
             WHERE h.region_code LIKE %s AND h.found_on BETWEEN %s AND %s AND h.found_on IN ({stale_h})
             GROUP BY 2""",  # noqa: S608
         (like, f, to, *stale_h_params)),
        (f"""SELECT 'h_rect', {sector}, COUNT(*) FROM {t["hazard"]} h {units}
             WHERE h.region_code LIKE %s AND {closed} AND h.closed_on IN ({stale_h})
               AND {month_sql("h.found_on")} BETWEEN %s AND %s
             GROUP BY 2""",  # noqa: S608
         (like, a, *stale_h_params, m1, m2)),
        (f"""SELECT 'inspections', {sector}, COUNT(*)
             FROM {t["insp"]} i LEFT JOIN {t["unit"]} u ON u.id = i.unit_id
             WHERE i.region_code LIKE %s AND i.date IN ({stale_i})
             GROUP BY 2""",  # noqa: S608
         (like, *stale_i_params)),
    ]
    if rest:
        found_on = " OR ".join("h.found_on BETWEEN %s AND %s" for _ in rest)
        parts.append((
            f"""SELECT 'h_rect', {sector}, COUNT(*) FROM {t["hazard"]} h {units}
                WHERE h.region_code LIKE %s AND ({found_on}) AND {closed}
                GROUP BY 2""",  # noqa: S608
            (like, *[d for r in rest for d in r], a),
        ))
    sql = " UNION ALL ".join(f"SELECT * FROM ({p}) x{i}" for i, (p, _) in enumerate(parts))  # noqa: S608
    names = {"h_found": "hazards_found", "h_rect": "hazards_rectified", "inspections": "inspections"}
    rows: Rows = {}
    for code, key, value in _fetch(sql, tuple(x for _, p in parts for x in p)):
        _add(rows, key, names[code], value)
    return rows
