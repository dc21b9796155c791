"""The hazards family from the day rows (cube.py): found, rectified, open and overdue hazards.

With C the day a hazard was verified and closed (销号; none while it is not), and the rules of
``hazards.selectors`` (indicators.md):

- found in [from, to], by level: a sum of days of ``found_on``;
- open at ``as_of`` = found by then and not closed by then = #{found_on ≤ as_of} − #{max(found_on, C)
  ≤ as_of}: a hazard closed by ``as_of`` and found by then is exactly one whose later of the two
  days is by then. Two sums of days;
- overdue at ``as_of`` = open and deadline < as_of. With E = max(found_on, deadline + 1), "found by
  then with the deadline before it" is E ≤ as_of, so overdue = #{E ≤ as_of} − #{max(E, C) ≤ as_of};
- rectified = found in [from, to] and C ≤ as_of: two dates, so ``DayByMonth`` counts each day's
  closings by the month the hazard was found. The whole months of the period are a sum of rows;
  the days of a month the period only partly covers are asked of the facts;
- 挂牌督办 (supervisions, 28,000 rows in a province over three years) is always asked of the facts.

Triggers (migration ``0003_cube_hazards``) mark ``found_on``, ``deadline + 1`` and C, before and
after a change: every day row a hazard counts in is dated one of those.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from anjian.stats.cube import (
    LEVELS,
    SECTOR_LEVEL,
    add_days,
    fetch_row,
    greatest,
    in_list,
    lateral,
    list_param,
    measures_in,
    month_index,
    month_sql,
    sqlite,
    stale_sql,
    tables,
)  # fmt: skip
from anjian.stats.scope import Scope

FAMILY = "hazards"
FOUND, FOUND_GENERAL, FOUND_MAJOR = "h_found", "h_found_general", "h_found_major"
OPEN_OUT, OVERDUE_IN, OVERDUE_OUT = "h_open_out", "h_overdue_in", "h_overdue_out"
DAY_MEASURES = (FOUND, FOUND_GENERAL, FOUND_MAJOR, OPEN_OUT, OVERDUE_IN, OVERDUE_OUT)
RECT, RECT_GENERAL, RECT_MAJOR = "h_rect", "h_rect_general", "h_rect_major"
MONTH_MEASURES = (RECT, RECT_GENERAL, RECT_MAJOR)
# By the unit's sector (the province only, cube.SECTOR_LEVEL): found, and rectified by closing day
# and month found; "h_found@12" …, sector 0 for a unit without one.
FOUND_BY_SECTOR, RECT_BY_SECTOR = "h_found@", "h_rect@"
BY_SECTOR = (FOUND_BY_SECTOR, RECT_BY_SECTOR)

CLOSED = "h.status = 'closed' AND h.closed_on IS NOT NULL"


def day_keys() -> tuple[str, str, str]:
    """(join, m, d): the join giving (measure m, day d) of every day row a hazard ``h`` counts in,
    with m's and d's expressions; d is NULL where it counts in none.

    The "out" days are NULL for a hazard not closed: GREATEST would skip a NULL closing day.
    """
    closed_on = f"CASE WHEN {CLOSED} THEN h.closed_on END"
    found = f"CASE h.level WHEN 'general' THEN '{FOUND_GENERAL}' WHEN 'major' THEN '{FOUND_MAJOR}' END"
    rect = f"CASE h.level WHEN 'general' THEN '{RECT_GENERAL}' WHEN 'major' THEN '{RECT_MAJOR}' END"
    after_deadline = add_days("h.deadline", 1)
    join, (m, d) = lateral("k", ("m", "d"), [
        (f"'{FOUND}'", "h.found_on"),
        (found, "h.found_on"),
        (f"'{OPEN_OUT}'", f"CASE WHEN {CLOSED} THEN {greatest('h.found_on', 'h.closed_on')} END"),
        (f"'{OVERDUE_IN}'", greatest("h.found_on", after_deadline)),
        (f"'{OVERDUE_OUT}'", f"CASE WHEN {CLOSED} THEN {greatest('h.found_on', after_deadline, 'h.closed_on')} END"),
        (f"'{RECT}'", closed_on),
        (rect, closed_on),
    ])  # fmt: skip
    return join, m, d


def stale_hazards(stale: str) -> str:
    """The hazards dated (found, deadline + 1, closed) on one of the ``stale`` days; takes its parameters 3 times.

    Driven from the stale days, one index look-up each (found_on, closed_on, deadline): with an OR of
    IN (subquery), PostgreSQL may scan every hazard of the province instead (280 ms).
    """
    t = tables()
    return f"""
        SELECT x.id FROM ({stale}) s JOIN {t["hazard"]} x ON x.found_on = s.day
        UNION SELECT x.id FROM ({stale}) s JOIN {t["hazard"]} x ON x.closed_on = s.day
        UNION SELECT x.id FROM ({stale}) s JOIN {t["hazard"]} x ON x.deadline = {add_days("s.day", -1)}"""  # noqa: S608


def whole_months(f: dt.date, to: dt.date) -> tuple[int, int, list[tuple[dt.date, dt.date]]]:
    """The whole months of [f, to] as month indexes (first, last; first > last when none) and the
    ranges of days left over (at most two)."""
    first = month_index(f) + (0 if f.day == 1 else 1)
    month_end = (to + dt.timedelta(days=1)).day == 1
    last = month_index(to) - (0 if month_end else 1)
    if first > last:
        return first, last, [(f, to)]
    rest = []
    if f.day != 1:
        rest.append((f, _month_start(first) - dt.timedelta(days=1)))
    if not month_end:
        rest.append((_month_start(last + 1), to))
    return first, last, rest


def _month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def read(s: Scope) -> dict[str, int]:
    """The hazards family of ``compute`` for the scope: the day rows and the stale days' facts."""
    from anjian.hazards.models import Supervision
    from anjian.stats.compute import _sql

    t = tables()
    f, to, a = s.date_from, s.date_to, s.as_of
    like = s.prefix + "%"
    stale, stale_params = stale_sql(FAMILY, None, max(to, a))
    m1, m2, rest = whole_months(f, to)

    # The same sums over the day rows of the clean days and over the stale days' facts.
    def sums(value: str, month: str) -> str:
        def on(measures: tuple[str, ...], days: str) -> str:
            names = ", ".join(f"'{m}'" for m in measures)
            return f"COALESCE(SUM({value}) FILTER (WHERE m IN ({names}) AND {days}), 0)"

        in_period, by_as_of = "d BETWEEN %s AND %s", "d <= %s"
        rect = f"d <= %s AND {month} BETWEEN %s AND %s"
        return ", ".join([
            on((FOUND,), in_period), on((FOUND_GENERAL,), in_period), on((FOUND_MAJOR,), in_period),
            on((FOUND,), by_as_of), on((OPEN_OUT,), by_as_of), on((OVERDUE_IN,), by_as_of),
            on((OVERDUE_OUT,), by_as_of), on((RECT,), rect), on((RECT_GENERAL,), rect), on((RECT_MAJOR,), rect),
        ])  # fmt: skip

    sums_params = (f, to, f, to, f, to, a, a, a, a, a, m1, m2, a, m1, m2, a, m1, m2)
    # Clean days: the day rows (rectified from DayByMonth, the month being the month found).
    rows = f"""
        SELECT measure AS m, day AS d, value AS v, -1 AS mo FROM {t["day"]}
        WHERE prefix = %s AND {measures_in(DAY_MEASURES)} AND day <= %s AND day NOT IN ({stale})
        UNION ALL
        SELECT measure, day, n, month FROM {t["by_month"]}
        WHERE prefix = %s AND {measures_in(MONTH_MEASURES)} AND day <= %s AND day NOT IN ({stale})
          AND month BETWEEN %s AND %s"""  # noqa: S608
    rows_params = (s.prefix, a if a > to else to, *stale_params, s.prefix, a, *stale_params, m1, m2)
    # Stale days: the hazards dated on one of them (found, deadline + 1 or closed), counted alike.
    keys, km, kd = day_keys()
    live = f"""
        SELECT {km} AS m, {kd} AS d, 1 AS v, {month_sql("h.found_on")} AS mo
        FROM ({stale_hazards(stale)}) c JOIN {t["hazard"]} h ON h.id = c.id {keys}
        WHERE h.region_code LIKE %s AND {kd} IN ({stale})"""  # noqa: S608
    live_params = (*stale_params, *stale_params, *stale_params, like, *stale_params)
    # Rectified among the hazards found on days of months the period only partly covers.
    if rest:
        found_on = " OR ".join("h.found_on BETWEEN %s AND %s" for _ in rest)
        partial = f"""
            SELECT COUNT(*), COUNT(*) FILTER (WHERE h.level = 'general'), COUNT(*) FILTER (WHERE h.level = 'major')
            FROM {t["hazard"]} h
            WHERE h.region_code LIKE %s AND ({found_on}) AND {CLOSED} AND h.closed_on <= %s"""  # noqa: S608
        partial_params: tuple[Any, ...] = (like, *[d for r in rest for d in r], a)
    else:
        partial, partial_params = "SELECT 0, 0, 0", ()
    # indicators.supervised's hazards, asked from the supervisions of the period: PostgreSQL would
    # otherwise read every major hazard of the province (90,000, 100 ms) to probe the supervisions.
    placed = Supervision.objects.filter(
        placed_on__range=(f, to), hazard__level="major", hazard__region_code__startswith=s.prefix
    ).values("hazard_id").distinct()
    supervised, supervised_params = _sql(placed, "hazard_id")

    sql = f"""
        SELECT c.*, l.*, p.*, (SELECT COUNT(*) FROM ({supervised}) x)
        FROM (SELECT {sums("r.v", "r.mo")} FROM ({rows}) r) c
        CROSS JOIN (SELECT {sums("z.v", "z.mo")} FROM ({live}) z) l
        CROSS JOIN ({partial}) p
    """  # noqa: S608
    params = (
        *supervised_params, *sums_params, *rows_params, *sums_params, *live_params, *partial_params,
    )  # fmt: skip
    row = fetch_row(sql, params)
    v = [c + lv for c, lv in zip(row[0:10], row[10:20], strict=True)]
    found, general, major, found_by_as_of, open_out, overdue_in, overdue_out, rect, rect_g, rect_m = v
    p_all, p_general, p_major = row[20:23]
    return {
        "hazards_found": found,
        "hazards_general_found": general,
        "hazards_major_found": major,
        "hazards_open": found_by_as_of - open_out,
        "hazards_overdue": overdue_in - overdue_out,
        "hazards_rectified": rect + p_all,
        "hazards_general_rectified": rect_g + p_general,
        "hazards_major_rectified": rect_m + p_major,
        "hazards_major_supervised": row[23],
    }


def recompute(cursor: Any, days: list[dt.date] | None) -> None:
    """Insert the rows of ``days`` (None: every day) at every level, computed from the facts."""
    t = tables()
    if days is not None and not days:
        return
    params: tuple[Any, ...] = ()
    if days is None:
        candidates = "TRUE"
    else:
        # The hazards dated on one of the days: by the found_on, closed_on and deadline indexes.
        candidates = f"({in_list('h.found_on')} OR {in_list('h.closed_on')} OR {in_list('h.deadline')})"
        before = [d - dt.timedelta(days=1) for d in days]
        params = (list_param(days), list_param(days), list_param(before), list_param(days))
    day_measures = ", ".join(f"'{m}'" for m in DAY_MEASURES)
    month_measures = ", ".join(f"'{m}'" for m in MONTH_MEASURES)
    for level in LEVELS:
        prefix = f"SUBSTR(h.region_code, 1, {int(level)})"
        by_sector = level == SECTOR_LEVEL
        # The unit's sector now, as compute_by(…, "industry") groups it.
        sector, join = ("0", "")
        if by_sector:
            sector, join = "COALESCE(u.sector_id, 0)", f"LEFT JOIN {t['unit']} u ON u.id = h.unit_id"
        keys, km, kd = day_keys()
        on_days = "TRUE" if days is None else in_list(kd)
        rows = f"""
            SELECT {km} AS m, {prefix} AS p, {kd} AS d, {month_sql("h.found_on")} AS mo, {sector} AS sec
            FROM {t["hazard"]} h {join} {keys}
            WHERE {candidates} AND {kd} IS NOT NULL AND {km} IS NOT NULL AND {on_days}"""  # noqa: S608
        inserts = [
            f"""INSERT INTO {t["day"]} (measure, prefix, day, value)
                SELECT m, p, d, COUNT(*) FROM r WHERE m IN ({day_measures}) GROUP BY m, p, d""",  # noqa: S608
            f"""INSERT INTO {t["by_month"]} (measure, prefix, day, month, n)
                SELECT m, p, d, mo, COUNT(*) FROM r WHERE m IN ({month_measures}) GROUP BY m, p, d, mo""",  # noqa: S608
        ]  # fmt: skip
        if by_sector:
            inserts += [
                f"""INSERT INTO {t["day"]} (measure, prefix, day, value)
                    SELECT '{FOUND_BY_SECTOR}' || sec, p, d, COUNT(*) FROM r WHERE m = '{FOUND}' GROUP BY sec, p, d""",  # noqa: S608
                f"""INSERT INTO {t["by_month"]} (measure, prefix, day, month, n)
                    SELECT '{RECT_BY_SECTOR}' || sec, p, d, mo, COUNT(*) FROM r WHERE m = '{RECT}'
                    GROUP BY sec, p, d, mo""",  # noqa: S608
            ]  # fmt: skip
        _insert_from(cursor, rows, params, inserts)


def _insert_from(cursor: Any, rows: str, params: tuple[Any, ...], inserts: list[str]) -> None:
    """Run ``inserts``, each reading the rows ``rows`` as ``r``, computing them once.

    PostgreSQL: one statement of data-modifying WITHs. SQLite has none: a temporary table.
    """
    if sqlite():
        cursor.execute("DROP TABLE IF EXISTS temp.stats_hazard_rows")
        cursor.execute(f"CREATE TEMP TABLE stats_hazard_rows AS {rows}", params)
        for insert in inserts:
            cursor.execute(f"WITH r AS (SELECT * FROM temp.stats_hazard_rows) {insert}", ())  # noqa: S608
        cursor.execute("DROP TABLE temp.stats_hazard_rows")
        return
    writes = "".join(f", w{i} AS ({insert})" for i, insert in enumerate(inserts[:-1]))
    cursor.execute(f"WITH r AS ({rows}) {writes} {inserts[-1]}", params)
