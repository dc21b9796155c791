"""Day figures of wide regions (统计底表): keep them, and read the catalogue from them, exactly.

For a county, a city or the province without filters, every family but accidents and campaign tasks comes
from rows per day (``models.py``) instead of the facts (docs/performance.md, issue 5: the
province's outings over three years read 1,000,000 inspections and 3,360,000 official rows, 3.9 s;
its "open" and "overdue" hazards read all 3,000,000 hazards for any period).

Exact at every moment, not "as of the last refresh":

- Triggers (migrations ``0002`` … ``0010`` on PostgreSQL, ``0011`` on SQLite) add a
  :class:`~anjian.stats.models.StaleDay` in the same transaction as every insert, update or delete
  of a fact: the days of every day row the fact counted in, before and after the change.
- A reader takes the day rows of the period except the stale days, and computes the stale days
  from the facts, in one statement (one snapshot).
- :func:`refresh` (a job every minute; ``anjian stats-cube refresh``) recomputes the stale days
  and removes exactly the marks it read, so a write committed meanwhile keeps its own mark.

Each family is a module of the same shape (``cube_units``, ``cube_inspections``, ``cube_hazards``,
``cube_enforcement``, ``cube_interviews``; documents and outreach, plain sums of days, are
``cube_simple``'s :class:`Additive`): its measures, ``read(scope)`` for ``compute`` and
``recompute(cursor, days)`` for the refresher. ``tests/stats/test_cube.py`` checks every figure
against the facts through random writes of every kind.

PostgreSQL and SQLite alike (the triggers of SQLite are migration ``0011``): the SQL of the families
is written once, with the few places the two dialects differ (a list parameter, a lateral join, a
day's arithmetic, a month's text) asked of the helpers below.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q

from anjian.core.dbrouter import read_alias
from anjian.stats.scope import Scope

# Region prefixes kept per day: the province (2 digits), its cities (4) and counties (6). Townships
# and villages are small enough for the facts (docs/performance.md, issue 5).
LEVELS = (2, 4, 6)
# The dashboard's sector chart (hazards found and rectified, inspections, by the unit's sector) is
# kept for the province only: by city it would be 14 times the rows.
SECTOR_LEVEL = 2

_LOCK = 0x616E6A69  # pg_advisory_xact_lock key of refresh() and rebuild(): one refresher at a time


def enabled(alias: str | None = None) -> bool:
    vendor = connections[alias or read_alias()].vendor
    # SQLite's triggers and reads take a unit's local day by a fixed offset (local_minutes).
    kept = vendor == "postgresql" or (vendor == "sqlite" and local_minutes() is not None)
    return bool(settings.ANJIAN_STATS_CUBE) and kept


def applies(s: Scope) -> bool:
    """Whether the scope can be read from the day rows: a county, a city or the province, no filter."""
    unfiltered = (
        s.campaign_ids is None and s.sector_id is None and s.department_id is None
        and not s.inspection_kind and s.unit is None
    )  # fmt: skip
    return unfiltered and len(s.prefix) in LEVELS and enabled()


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


# --- the two dialects -----------------------------------------------------------------------------


def sqlite() -> bool:
    """Whether the statements are SQLite's (else PostgreSQL's); replicas are of the same kind."""
    return connections["default"].vendor == "sqlite"


def local_minutes() -> int | None:
    """settings.TIME_ZONE's fixed offset from UTC in minutes; None for a zone with summer time.

    SQLite has no time zones: its triggers (migration 0011) and reads take a timestamp's local day
    (Django's ``__date``) as ``date(ts, '+480 minutes')``, exact for a zone of one fixed offset
    (Asia/Shanghai since 1991); with another the day rows stay off on SQLite.
    """
    return _offset_minutes(settings.TIME_ZONE)


@functools.lru_cache
def _offset_minutes(tz_name: str) -> int | None:
    from anjian.stats.migrations._vendor import fixed_offset_minutes

    try:
        return fixed_offset_minutes(tz_name)
    except ValueError:
        return None


def month_sql(column: str) -> str:
    """``month_index`` of a date column in SQL; -1 for NULL."""
    if sqlite():
        # %%: Django's cursor takes the statement as a %-format (its parameters are %s).
        return (f"COALESCE(CAST(strftime('%%Y', {column}) AS INTEGER) * 12"
                f" + CAST(strftime('%%m', {column}) AS INTEGER) - 1, -1)")
    return f"COALESCE((EXTRACT(YEAR FROM {column}) * 12 + EXTRACT(MONTH FROM {column}) - 1)::int, -1)"


def month_text(column: str) -> str:
    """A date column as 'YYYY-MM'."""
    return f"strftime('%%Y-%%m', {column})" if sqlite() else f"TO_CHAR({column}, 'YYYY-MM')"


def month_index_text(column: str) -> str:
    """A ``month_index`` column as 'YYYY-MM'."""
    if sqlite():
        return f"printf('%%04d-%%02d', {column} / 12, {column} - ({column} / 12) * 12 + 1)"
    return f"TO_CHAR(MAKE_DATE({column} / 12, MOD({column}, 12) + 1, 1), 'YYYY-MM')"


def in_list(column: str) -> str:
    """``column`` is one of a list given as one parameter (:func:`list_param`)."""
    return f"{column} IN (SELECT value FROM json_each(%s))" if sqlite() else f"{column} = ANY(%s)"  # noqa: S608


def list_param(values: Iterable[Any]) -> Any:
    """The parameter of :func:`in_list`: an array, or on SQLite a JSON list (dates as 'YYYY-MM-DD')."""
    if sqlite():
        return json.dumps([v if isinstance(v, int | str) else str(v) for v in values])
    return list(values)


def add_days(column: str, n: int) -> str:
    """A date column plus ``n`` days."""
    return f"date({column}, '{int(n):+d} day')" if sqlite() else f"({column} + {int(n)})"


def greatest(first: str, *others: str) -> str:
    """The latest of non-NULL dates (SQLite's MAX of several values, like GREATEST, for non-NULL ones)."""
    return f"{'MAX' if sqlite() else 'GREATEST'}({', '.join((first, *others))})"


def local_day(column: str) -> tuple[str, tuple[Any, ...]]:
    """A timestamp column's local day (settings.TIME_ZONE, Django's ``__date``) and its parameters."""
    if sqlite():
        return f"date({column}, '{local_minutes():+d} minutes')", ()
    return f"({column} AT TIME ZONE %s)::date", (settings.TIME_ZONE,)


def local_day_range(column: str, day: str) -> tuple[str, tuple[Any, ...]]:
    """``column`` (a timestamp) falls on the local day ``day`` (a date expression): by its index."""
    if sqlite():
        # Django keeps a timestamp as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]', ordered as text.
        minutes = -(local_minutes() or 0)
        return (
            f"{column} >= datetime({day}, '{minutes:+d} minutes')"
            f" AND {column} < datetime({day}, '+1 day', '{minutes:+d} minutes')"
        ), ()
    tz = settings.TIME_ZONE
    return f"{column} >= ({day}::timestamp AT TIME ZONE %s) AND {column} < (({day} + 1)::timestamp AT TIME ZONE %s)", (
        tz,
        tz,
    )


def lateral(alias: str, names: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[str, list[str]]:
    """A join giving each row of the outer query once per row of ``rows`` (expressions on it), and
    the expressions of the columns ``names``: PostgreSQL's ``CROSS JOIN LATERAL (VALUES …)``;
    SQLite has no LATERAL, so a join with the row numbers and a CASE per column."""
    if not sqlite():
        values = ", ".join("(" + ", ".join(r) + ")" for r in rows)
        return f"CROSS JOIN LATERAL (VALUES {values}) {alias} ({', '.join(names)})", [f"{alias}.{n}" for n in names]
    numbers = " UNION ALL ".join(f"SELECT {i} AS i" for i in range(len(rows)))
    columns = [
        f"CASE {alias}.i " + " ".join(f"WHEN {i} THEN {r[c]}" for i, r in enumerate(rows)) + " END"
        for c in range(len(names))
    ]
    return f"CROSS JOIN ({numbers}) {alias}", columns


def insert_days(source: str, prefix: str, day: str, pairs: Sequence[tuple[str, str]], before: str = "") -> str:
    """The INSERT of ``DayFigure`` rows from a FROM item: a row (measure, prefix, day, value) per
    (measure, value expression) of ``pairs`` whose value is not 0. ``before`` goes first (a WITH)."""
    join, (m, v) = lateral("v", ("m", "value"), [(f"'{measure}'", value) for measure, value in pairs])
    return f"""{before} INSERT INTO {tables()["day"]} (measure, prefix, day, value)
        SELECT {m}, {prefix}, {day}, {v} FROM {source} {join} WHERE {v} <> 0"""  # noqa: S608


def advisory_lock(cursor: Any) -> None:
    """One refresher at a time: PostgreSQL's lock; SQLite's write transactions are one at a time
    already (settings: ``transaction_mode`` IMMEDIATE)."""
    if not sqlite():
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])


def tables() -> dict[str, str]:
    from anjian.enforcement.models import Document, EnforcementAction, Interview
    from anjian.hazards.models import Hazard, Supervision
    from anjian.inspections.models import Inspection
    from anjian.outreach.models import Activity
    from anjian.stats.models import DayByMonth, DayFigure, StaleDay
    from anjian.units.models import Unit

    return {
        "insp": Inspection._meta.db_table, "hazard": Hazard._meta.db_table,
        "supervision": Supervision._meta.db_table, "action": EnforcementAction._meta.db_table,
        "document": Document._meta.db_table, "activity": Activity._meta.db_table,
        "interview": Interview._meta.db_table, "interview_units": Interview.units.through._meta.db_table,
        "unit": Unit._meta.db_table,
        "day": DayFigure._meta.db_table, "by_month": DayByMonth._meta.db_table, "stale": StaleDay._meta.db_table,
    }  # fmt: skip


def measures_in(measures: tuple[str, ...]) -> str:
    """``measure IN (…)``: a read takes its own measures' rows only, by the (prefix, measure, day) key."""
    return "measure IN (" + ", ".join(f"'{m}'" for m in measures) + ")"


def stale_sql(family: str, lo: dt.date | None, hi: dt.date) -> tuple[str, tuple[Any, ...]]:
    """The family's stale days in [lo, hi] (lo None: up to hi), as a subquery."""
    t = tables()
    if lo is None:
        return f"SELECT DISTINCT day FROM {t['stale']} WHERE family = %s AND day <= %s", (family, hi)  # noqa: S608
    return (
        f"SELECT DISTINCT day FROM {t['stale']} WHERE family = %s AND day BETWEEN %s AND %s",  # noqa: S608
        (family, lo, hi),
    )


def fetch_row(sql: str, params: tuple[Any, ...]) -> list[int]:
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        return [int(v or 0) for v in cursor.fetchone()]


# --- the families -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Additive:
    """A family whose figures all add up over days: counts and sums of one table's rows by one date.

    ``figures`` maps each catalogue code to its SQL aggregate over the table's rows (alias ``a``).
    """

    family: str
    table: str
    date: str
    figures: dict[str, str]

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(f"{self.family}:{code}" for code in self.figures)

    def read(self, s: Scope) -> dict[str, int]:
        t = tables()
        stale, stale_params = stale_sql(self.family, s.date_from, s.date_to)
        sums = ", ".join(f"COALESCE(SUM(value) FILTER (WHERE measure = '{m}'), 0)" for m in self.measures)
        sql = f"""
            SELECT d.*, l.*
            FROM (SELECT {sums} FROM {t["day"]}
                  WHERE prefix = %s AND {measures_in(self.measures)} AND day BETWEEN %s AND %s
                  AND day NOT IN ({stale})) d
            CROSS JOIN (SELECT {", ".join(self.figures.values())} FROM {t[self.table]} a
                        WHERE a.region_code LIKE %s AND a.{self.date} IN ({stale})) l
        """  # noqa: S608
        params = (s.prefix, s.date_from, s.date_to, *stale_params, s.prefix + "%", *stale_params)
        row = fetch_row(sql, params)
        n = len(self.figures)
        return {code: row[i] + row[n + i] for i, code in enumerate(self.figures)}

    def recompute(self, cursor: Any, days: list[dt.date] | None) -> None:
        t = tables()
        if days is not None and not days:
            return
        on_days = "TRUE" if days is None else in_list(f"a.{self.date}")
        columns = ", ".join(f"{agg} AS c{i}" for i, agg in enumerate(self.figures.values()))
        for level in LEVELS:
            source = f"""(SELECT SUBSTR(a.region_code, 1, {int(level)}) AS p, a.{self.date} AS d, {columns}
                          FROM {t[self.table]} a WHERE {on_days} GROUP BY 1, 2) x"""  # noqa: S608
            pairs = [(m, f"x.c{i}") for i, m in enumerate(self.measures)]
            cursor.execute(insert_days(source, "x.p", "x.d", pairs), () if days is None else (list_param(days),))


@dataclass(frozen=True)
class Family:
    name: str
    day_measures: tuple[str, ...]
    month_measures: tuple[str, ...]
    recompute: Callable[[Any, list[dt.date] | None], None]
    # Measures named by a prefix and a key (by sector: "h_found@12"), in either table.
    measure_prefixes: tuple[str, ...] = ()


def families() -> dict[str, Family]:
    from anjian.stats import cube_enforcement, cube_hazards, cube_inspections, cube_interviews, cube_simple, cube_units

    def family(m: ModuleType) -> Family:
        return Family(m.FAMILY, m.DAY_MEASURES, m.MONTH_MEASURES, m.recompute, getattr(m, "BY_SECTOR", ()))

    modules = (cube_units, cube_inspections, cube_hazards, cube_enforcement, cube_interviews)
    additive = [Family(a.family, a.measures, (), a.recompute) for a in cube_simple.FAMILIES]
    return {f.name: f for f in [*map(family, modules), *additive]}


def readers() -> dict[str, Callable[[Scope], dict[str, Any]]]:
    """The catalogue's fact tables (indicators.py) read from the day rows, and their readers."""
    from anjian.stats import cube_enforcement, cube_hazards, cube_inspections, cube_interviews, cube_simple, cube_units
    from anjian.stats import indicators as ind

    return {
        ind.UNITS: cube_units.read, ind.INSPECTIONS: cube_inspections.read, ind.HAZARDS: cube_hazards.read,
        ind.ENFORCEMENT: cube_enforcement.read, ind.DOCUMENTS: cube_simple.DOCUMENTS.read,
        ind.INTERVIEWS: cube_interviews.read, ind.OUTREACH: cube_simple.OUTREACH.read,
    }  # fmt: skip


# --- keeping ----------------------------------------------------------------------------------------


def refresh(batch: int = 5000) -> int:
    """Recompute the stale days and remove the marks read; the number of (family, day) recomputed.

    The marks are read first and removed by id at the end: the recomputation sees every write
    whose mark was read (it committed before), and a write committed meanwhile keeps its own mark.
    Each pass takes the days of the oldest ``batch`` marks and every mark of those days, so that a
    day marked by 100,000 writes (a ledger import) is recomputed once, not once per 5,000 marks.
    """
    from anjian.stats.models import StaleDay

    if not enabled("default"):
        return 0
    done = 0
    stale = StaleDay.objects.using("default")
    for fam in families().values():
        while True:
            with transaction.atomic(using="default"), connections["default"].cursor() as cursor:
                advisory_lock(cursor)
                oldest = list(stale.filter(family=fam.name).order_by("id").values_list("day", flat=True)[:batch])
                if not oldest:
                    break
                marks = list(stale.filter(family=fam.name, day__in=set(oldest)).values_list("id", "day"))
                days = sorted({d for _, d in marks})
                _delete(fam, days)
                fam.recompute(cursor, days)
                ids = [i for i, _ in marks]
                for at in range(0, len(ids), batch):  # within SQLite's limit of parameters
                    stale.filter(id__in=ids[at : at + batch]).delete()
                done += len(days)
            # The marks of writes made meanwhile are the next run's (a writer never keeps us here).
            if len(oldest) < batch:
                break
    return done


def rebuild() -> int:
    """Recompute every day of every family (after a load that bypassed the triggers); the day rows kept."""
    from anjian.stats.models import DayByMonth, DayFigure, StaleDay

    if not enabled("default"):
        return 0
    with transaction.atomic(using="default"), connections["default"].cursor() as cursor:
        advisory_lock(cursor)
        for fam in families().values():
            _delete(fam, None)
            StaleDay.objects.using("default").filter(family=fam.name).delete()
            fam.recompute(cursor, None)
        return DayFigure.objects.using("default").count() + DayByMonth.objects.using("default").count()


def _delete(fam: Family, days: list[dt.date] | None) -> None:
    from anjian.stats.models import DayByMonth, DayFigure

    on_days = {} if days is None else {"day__in": days}
    by_key = Q()
    for p in fam.measure_prefixes:
        by_key |= Q(measure__startswith=p)
    DayFigure.objects.using("default").filter(Q(measure__in=fam.day_measures) | by_key, **on_days).delete()
    DayByMonth.objects.using("default").filter(Q(measure__in=fam.month_measures) | by_key, **on_days).delete()
