"""The catalogue by township, supervising department, industry or month (进展情况统计表, 通报排名, 看板).

The same declarations as ``compute.py`` and still one query per fact table: each table's
queryset is annotated with a group key (the township prefix of ``region_code``, the unit's
supervising department or sector, or the month of the fact's own date) and aggregated with
``values(key).annotate(...)``. Rates are computed per row from that row's numerators and
denominators. The totals row is ``compute(scope)`` itself, so it equals the dashboard's figures;
counts of distinct things (units, outings, groups, interviews naming units of several townships)
may be counted in more than one row, as they would be township by township.

By month (``compute_by(scope, "month")``, the dashboard's trend charts) there is one row per
calendar month of the period, keyed ``YYYY-MM``, and each fact table is keyed by the month of its
own event date (local dates, Asia/Shanghai):

- 检查 inspections: ``inspections.date``. An outing lies in one day, so outings, inspections and
  person-times add up over the months; groups and units inspected are distinct within the month.
- 隐患 hazards: ``found_on``. A month row counts the hazards *found in that month*: found, rectified
  (by ``as_of``), and of those the ones still open or overdue at ``as_of``, and the major ones placed
  under listed supervision in the period. Hazards found before the period belong to no month, so the
  open/overdue totals (hazards found any time) are more than the sum of the month rows.
- 执法 enforcement actions: ``date``; documents: ``issued_on``. Distinct units are distinct within
  the month.
- 约谈与曝光 interviews: the event's ``date``.
- 事故 accidents: the local day of ``occurred_at``.
- 宣传教育 outreach: ``date``.
- 台账 units and 专项行动 tasks are stocks, not events: they are 0 in every month row (see the totals).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, connections
from django.db.models import Case, CharField, DateField, F, IntegerField, Value, When
from django.db.models.functions import Coalesce, Substr, TruncMonth

from anjian.core.dbrouter import read_alias
from anjian.stats import indicators as ind
from anjian.stats.compute import (
    INSPECTION_COLUMNS,
    QUERYSETS,
    Values,
    _sql,
    aggregates,
    compute,
    interviews_qs,
    outings_sql,
    units_named_qs,
)
from anjian.stats.scope import Scope, ScopeError

TOWNSHIP, DEPARTMENT, INDUSTRY, MONTH = "township", "department", "industry", "month"
GROUPS: dict[str, str] = {TOWNSHIP: "乡镇（街道）", DEPARTMENT: "监管部门", INDUSTRY: "行业领域", MONTH: "月份"}
TOWNSHIP_DIGITS = 9
NO_TOWNSHIP, NO_DEPARTMENT, NO_INDUSTRY = "未落到乡镇（街道）", "未明确监管部门", "未明确行业领域"

# The event date of each fact table, for the month key (units and tasks are stocks: no month).
EVENT_DATE: dict[str, str] = {
    ind.INSPECTIONS: "date", ind.HAZARDS: "found_on", ind.ENFORCEMENT: "date", ind.DOCUMENTS: "issued_on",
    ind.INTERVIEWS: "date", ind.ACCIDENTS: "occurred_at", ind.OUTREACH: "date",
}

# Indicators whose figure is a sum over facts each of which lies in exactly one row: the rows add up
# to the total. (Distinct units, outings, groups and interviews may lie in several rows.)
ADDITIVE_BY: dict[str, frozenset[str]] = {
    TOWNSHIP: frozenset(
        i.code for i in ind.CATALOGUE
        if i.kind != ind.RATE and i.table not in (ind.INSPECTIONS, ind.INTERVIEWS)
    ) | {"inspections"},
}
ADDITIVE_BY[DEPARTMENT] = ADDITIVE_BY[TOWNSHIP] - {f"tasks_{x}" for x in ("total", "done", "overdue")}
ADDITIVE_BY[INDUSTRY] = ADDITIVE_BY[DEPARTMENT]
# By month: every fact lies in the one month of its date; distinct units and groups may lie in several
# months, and stocks (units, tasks) and hazards found before the period (open, overdue) in none.
ADDITIVE_BY[MONTH] = frozenset(
    i.code for i in ind.CATALOGUE
    if i.kind != ind.RATE and i.table not in (ind.UNITS, ind.TASKS) and not i.code.endswith("_units")
    and i.code not in ("inspection_groups", "units_inspected", "hazards_open", "hazards_overdue",
                       "hazards_major_supervised")
)


@dataclass
class Row:
    key: str
    name: str
    values: Values = field(default_factory=dict)


@dataclass
class Grouped:
    scope: Scope
    group: str
    rows: list[Row]
    total: Values


def _check(group: str) -> None:
    if group not in GROUPS:
        raise ScopeError(f"分组方式无效：{group}（township、department、industry 或 month）")


def _key(table: str, group: str) -> Any | None:
    """The group key of a table's queryset, or None when the table does not reach a unit (or a month)."""
    if group == MONTH:
        if table not in EVENT_DATE:
            return None
        # A date (the local day for occurred_at); the key is its first seven characters (_month_key).
        return TruncMonth(EVENT_DATE[table], output_field=DateField())
    if group == INDUSTRY:
        if table == ind.TASKS:
            return None
        path = "sector_id" if table == ind.UNITS else "unit__sector_id"
        return Coalesce(F(path), Value(0), output_field=IntegerField())
    if group == TOWNSHIP:
        if table == ind.ACCIDENTS:
            return Case(
                When(unit__isnull=False, then=Substr("unit__region_code", 1, TOWNSHIP_DIGITS)),
                default=Substr("region_code", 1, TOWNSHIP_DIGITS), output_field=CharField(),
            )
        return Substr("region_code", 1, TOWNSHIP_DIGITS)
    if table == ind.TASKS:
        return None
    path = "department_id" if table == ind.UNITS else "unit__department_id"
    return Coalesce(F(path), Value(0), output_field=IntegerField())


def _sql_key(group: str, unit: str, event: str) -> str:
    """The group key in hand-written SQL: from the named unit, or (by month) from the event's date."""
    if group == TOWNSHIP:
        return f"SUBSTR({unit}.region_code, 1, {TOWNSHIP_DIGITS})"
    if group == INDUSTRY:
        return f"COALESCE({unit}.sector_id, 0)"
    if group == MONTH:
        # A DateField is ISO text on SQLite and a date on PostgreSQL.
        if connection.vendor == "postgresql":
            return f"TO_CHAR({event}.date, 'YYYY-MM')"
        return f"SUBSTR({event}.date, 1, 7)"
    return f"COALESCE({unit}.department_id, 0)"


def _month_key(raw: Any) -> str:
    """'2024-03-01', date(2024, 3, 1) or '2024-03' → '2024-03'."""
    return str(raw)[:7]


def _rows(sql: str, params: tuple[Any, ...], columns: list[str], group: str) -> dict[str, Values]:
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    key = _month_key if group == MONTH else str
    return {key(r[0]): {c: int(v or 0) for c, v in zip(columns, r[1:], strict=True)} for r in fetched}


def _aggregate_by(table: str, s: Scope, group: str) -> dict[str, Values]:
    key = _key(table, group)
    if key is None:
        return {}
    qs = QUERYSETS[table](s).order_by().annotate(k_group=key).values("k_group").annotate(**aggregates(table, s))
    name = _month_key if group == MONTH else str
    return {name(r.pop("k_group")): {k[2:]: v for k, v in r.items()} for r in qs}


def table_by(s: Scope, table: str, group: str) -> dict[str, Values]:
    """One fact table's indicators for each group key of the scope (``compute_by``'s query for it)."""
    _check(group)
    fetch = {ind.INSPECTIONS: _inspections_by, ind.INTERVIEWS: _interviews_by}
    return fetch[table](s, group) if table in fetch else _aggregate_by(table, s, group)


def _inspections_by(s: Scope, group: str) -> dict[str, Values]:
    sql, params = outings_sql(s, _key(ind.INSPECTIONS, group))
    return _rows(sql, params, INSPECTION_COLUMNS, group)


def _interviews_by(s: Scope, group: str) -> dict[str, Values]:
    from anjian.enforcement.models import Interview
    from anjian.units.models import Unit

    base, params = _sql(interviews_qs(s), "id")
    named, nparams = _sql(units_named_qs(s), "id")
    table = Interview._meta.db_table
    through = Interview.units.through._meta.db_table
    units = Unit._meta.db_table
    told = "('interview', 'notice')"
    # One row per (group, interview, named unit in scope).
    rows = f"""
        SELECT DISTINCT {_sql_key(group, "u", "iv")} AS k, iv.id AS id, iv.kind AS kind, iv.persons AS persons,
               t.unit_id AS unit_id
        FROM {through} t JOIN {table} iv ON iv.id = t.interview_id JOIN {units} u ON u.id = t.unit_id
        WHERE iv.id IN ({base}) AND t.unit_id IN ({named})
    """  # noqa: S608
    sql = f"""
        SELECT a.k, a.n_told, a.u_told, COALESCE(b.p, 0), a.n_exp, a.u_exp
        FROM (
            SELECT r.k AS k,
                   COUNT(DISTINCT CASE WHEN r.kind IN {told} THEN r.id END) AS n_told,
                   COUNT(DISTINCT CASE WHEN r.kind IN {told} THEN r.unit_id END) AS u_told,
                   COUNT(DISTINCT CASE WHEN r.kind = 'exposure' THEN r.id END) AS n_exp,
                   COUNT(DISTINCT CASE WHEN r.kind = 'exposure' THEN r.unit_id END) AS u_exp
            FROM ({rows}) r GROUP BY r.k
        ) a
        LEFT JOIN (
            SELECT d.k AS k, SUM(CASE WHEN d.kind IN {told} THEN d.persons ELSE 0 END) AS p
            FROM (SELECT DISTINCT r.k AS k, r.id AS id, r.kind AS kind, r.persons AS persons FROM ({rows}) r) d
            GROUP BY d.k
        ) b ON b.k = a.k
    """  # noqa: S608
    columns = ["interviews", "interviewed_units", "interviewed_persons", "exposures", "exposed_units"]
    return _rows(sql, (params + nparams) * 2, columns, group)


def finish(raw: Values) -> Values:
    """Raw columns (missing ones are 0) → the typed indicator dict, rates from this row's own figures."""
    out: Values = {}
    for i in ind.CATALOGUE:
        if i.kind == ind.RATE:
            num, den = (int(raw.get(c) or 0) for c in i.ratio)  # type: ignore[union-attr]
            out[i.code] = num / den if den else None
        elif i.kind == ind.MONEY_KIND:
            out[i.code] = Decimal(raw.get(i.code) or 0).quantize(Decimal("0.01"))
        else:
            out[i.code] = int(raw.get(i.code) or 0)
    return out


def months(start: dt.date, end: dt.date) -> list[tuple[str, str]]:
    """(key, name) of each calendar month from ``start`` to ``end``: ("2024-03", "2024年3月") …"""
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append((f"{year:04d}-{month:02d}", f"{year}年{month}月"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _groups(s: Scope, group: str) -> dict[str, str]:
    """The rows to show whether or not they have data: townships of the region, its departments, months.

    By industry only the sectors with data are rows (the catalogue of sectors is long).
    """
    if group == MONTH:
        return dict(months(s.date_from, s.date_to))
    if group == INDUSTRY:
        return {}
    if group == TOWNSHIP:
        from anjian.regions.models import Division, Level

        towns = Division.objects.filter(level=Level.TOWNSHIP, code__startswith=s.prefix).order_by("code")
        return {t.code[:TOWNSHIP_DIGITS]: t.name for t in towns}
    from anjian.accounts.models import Organization, OrgKind

    depts = Organization.objects.filter(kind=OrgKind.DEPARTMENT, region_code__startswith=s.prefix)
    return {str(d.pk): d.name for d in depts.order_by("region_code", "name")}


def _names(keys: list[str], group: str) -> dict[str, str]:
    """Names of keys outside the listed rows (one query, none when there are none)."""
    if not keys:
        return {}
    if group == TOWNSHIP:
        from anjian.regions.models import Division

        found = dict(Division.objects.filter(code__in=[k.ljust(12, "0") for k in keys]).values_list("code", "name"))
        return {k: found.get(k.ljust(12, "0"), k) if k[6:] != "000" else NO_TOWNSHIP for k in keys}
    if group == INDUSTRY:
        from anjian.units.models import Sector

        ids = [int(k) for k in keys if k.isdigit() and k != "0"]
        found = {str(pk): name for pk, name in Sector.objects.filter(pk__in=ids).values_list("pk", "name")}
        return {k: NO_INDUSTRY if k == "0" else found.get(k, k) for k in keys}
    from anjian.accounts.models import Organization

    ids = [int(k) for k in keys if k.isdigit() and k != "0"]
    found = {str(pk): name for pk, name in Organization.objects.filter(pk__in=ids).values_list("pk", "name")}
    return {k: NO_DEPARTMENT if k == "0" else found.get(k, k) for k in keys}


def compute_by(s: Scope, group: str = TOWNSHIP, *, totals: bool = True) -> Grouped:
    """Every indicator for each township (department, industry, month) of the scope, and the totals row.

    The totals row is ``compute(s)`` (``{}`` with ``totals=False``). By month, facts dated outside the
    period's months (hazards found earlier, still open) belong to no row.
    """
    _check(group)
    raw: dict[str, Values] = {}
    for table in ind.TABLES:
        for key, values in table_by(s, table, group).items():
            raw.setdefault(key, {}).update(values)
    names = _groups(s, group)
    rows = [Row(key, name, finish(raw.get(key, {}))) for key, name in names.items()]
    # Facts that fall outside the listed rows (county-level records, units without a department).
    outside = set() if group == MONTH else set(raw) - set(names)
    extra = {key: finish(raw[key]) for key in sorted(outside)}
    extra = {key: values for key, values in extra.items() if any(values.values())}
    others = _names(list(extra), group)
    rows += [Row(key, others[key], values) for key, values in extra.items()]
    return Grouped(s, group, rows, compute(s) if totals else {})
