"""Compute the catalogue for a scope: one aggregate query per fact table (ARCHITECTURE.md "Statistics").

Each table's indicators come out of one ``aggregate()`` with conditional aggregation
(``Count(..., distinct=True, filter=Q(...))``, ``Sum(..., filter=...)``). Inspections and
interviews need a nested aggregation (person-times per outing; persons per event with the named
units counted distinct), so each of them is one SQL statement built around the ORM's own filtered
queryset.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from anjian.stats import indicators as ind
from anjian.stats.scope import Scope

Values = dict[str, Any]


# --- the facts in scope, one queryset per table -------------------------------------------------


def _unit_filters(s: Scope, unit: str = "unit") -> Q:
    """sector / department / unit filters through the supervised unit."""
    q = Q()
    if s.sector_id is not None:
        q &= Q(**{f"{unit}__sector_id": s.sector_id})
    if s.department_id is not None:
        q &= Q(**{f"{unit}__department_id": s.department_id})
    if s.unit is not None:
        q &= Q(**{f"{unit}_id": s.unit})
    return q


def _campaign(s: Scope, *paths: str) -> Q:
    if s.campaign_ids is None:
        return Q()
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{p}__in": s.campaign_ids})
    return q


def units_qs(s: Scope) -> QuerySet[Any]:
    from anjian.units.models import Unit, UnitStatus

    q = s.region_q("region_code") & ~Q(status=UnitStatus.CLOSED)
    q &= Q(is_active=True) | Q(deactivated_at__date__gt=s.as_of)
    if s.sector_id is not None:
        q &= Q(sector_id=s.sector_id)
    if s.department_id is not None:
        q &= Q(department_id=s.department_id)
    if s.unit is not None:
        q &= Q(pk=s.unit)
    return Unit.objects.filter(q)


def inspections_qs(s: Scope) -> QuerySet[Any]:
    from anjian.inspections.models import Inspection

    q = s.region_q("region_code") & Q(date__range=(s.date_from, s.date_to)) & _unit_filters(s)
    q &= _campaign(s, "campaign_id")
    if s.inspection_kind:
        q &= Q(kind=s.inspection_kind)
    return Inspection.objects.filter(q)


def hazards_qs(s: Scope) -> QuerySet[Any]:
    from anjian.hazards.models import Hazard

    q = s.region_q("region_code") & _unit_filters(s)
    # A hazard belongs to its own campaign and to the campaign of the inspection that found it.
    q &= _campaign(s, "campaign_id", "inspection__campaign_id")
    if s.inspection_kind:
        q &= Q(inspection__kind=s.inspection_kind)
    return Hazard.objects.filter(q)


def enforcement_qs(s: Scope) -> QuerySet[Any]:
    from anjian.enforcement.models import EnforcementAction

    q = s.region_q("region_code") & Q(date__range=(s.date_from, s.date_to)) & _unit_filters(s)
    q &= _campaign(s, "campaign_id", "inspection__campaign_id")
    return EnforcementAction.objects.filter(q)


def documents_qs(s: Scope) -> QuerySet[Any]:
    from anjian.enforcement.models import Document

    q = s.region_q("region_code") & Q(issued_on__range=(s.date_from, s.date_to)) & _unit_filters(s)
    q &= _campaign(s, "action__campaign_id", "inspection__campaign_id")
    return Document.objects.filter(q)


def interviews_qs(s: Scope) -> QuerySet[Any]:
    from anjian.enforcement.models import Interview

    q = Q(date__range=(s.date_from, s.date_to), units__in=units_named_qs(s).values("pk"))
    q &= _campaign(s, "campaign_id")
    return Interview.objects.filter(q)


def units_named_qs(s: Scope) -> QuerySet[Any]:
    """Units that count for interviews: in the region and the unit filters (closed ones too)."""
    from anjian.units.models import Unit

    q = s.region_q("region_code")
    if s.sector_id is not None:
        q &= Q(sector_id=s.sector_id)
    if s.department_id is not None:
        q &= Q(department_id=s.department_id)
    if s.unit is not None:
        q &= Q(pk=s.unit)
    return Unit.objects.filter(q)


def accidents_qs(s: Scope) -> QuerySet[Any]:
    from anjian.accidents.models import Accident

    # Counted where the unit is; an accident with no unit, where it happened.
    where = Q(unit__isnull=False, **{"unit__region_code__startswith": s.prefix}) | Q(
        unit__isnull=True, **{"region_code__startswith": s.prefix}
    )
    q = where & Q(occurred_at__date__range=(s.date_from, s.date_to)) & _unit_filters(s)
    return Accident.objects.filter(q)


def outreach_qs(s: Scope) -> QuerySet[Any]:
    from anjian.outreach.models import Activity

    q = s.region_q("region_code") & Q(date__range=(s.date_from, s.date_to)) & _unit_filters(s)
    q &= _campaign(s, "campaign_id")
    return Activity.objects.filter(q)


def tasks_qs(s: Scope) -> QuerySet[Any]:
    """Tasks of the campaign (and sub-campaigns) filtered on; else of the campaigns running in the period."""
    from anjian.campaigns.models import Task

    q = s.region_q("region_code")
    if s.campaign_ids is not None:
        q &= Q(campaign_id__in=s.campaign_ids)
    else:
        q &= Q(campaign__start__lte=s.date_to, campaign__end__gte=s.date_from)
    return Task.objects.filter(q)


QUERYSETS = {
    ind.UNITS: units_qs,
    ind.HAZARDS: hazards_qs,
    ind.ENFORCEMENT: enforcement_qs,
    ind.DOCUMENTS: documents_qs,
    ind.ACCIDENTS: accidents_qs,
    ind.OUTREACH: outreach_qs,
    ind.TASKS: tasks_qs,
}


# --- one query per table --------------------------------------------------------------------------


def _aggregate(table: str, s: Scope) -> Values:
    qs = QUERYSETS[table](s).order_by()
    # Aliases must not shadow the table's own fields (accidents.deaths …).
    aggregates = {}
    for i in ind.of_table(table):
        assert callable(i.agg), i.code
        aggregates[f"x_{i.code}"] = i.agg(s)
    row = qs.aggregate(**aggregates)
    return {k[2:]: v for k, v in row.items()}


def _sql(qs: QuerySet[Any], *fields: str) -> tuple[str, tuple[Any, ...]]:
    sql, params = qs.order_by().values(*fields).query.sql_with_params()
    return sql, tuple(params)


def _fetch(sql: str, params: tuple[Any, ...], columns: list[str]) -> Values:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {c: int(v or 0) for c, v in zip(columns, row, strict=True)}


def _inspections(s: Scope) -> Values:
    """Outings are (group, day); an inspection without a group is an outing alone.

    Person-times per outing: the distinct officials named on its inspections, or — for an outing
    whose inspections name nobody but give a number (a ledger's 检查人数) — the larger of the two,
    as ``anjian.inspections.selectors.outings`` counts them. Experts likewise.
    """
    from anjian.inspections.models import Inspection

    base, params = _sql(inspections_qs(s), "id", "unit_id", "group_id", "date", "official_count", "expert_count")
    t_off = Inspection.officials.through._meta.db_table
    t_exp = Inspection.experts.through._meta.db_table
    # Table names and the ORM's own SQL only; every value is a parameter.
    sql = f"""
        SELECT COUNT(DISTINCT o.g), COUNT(*), COALESCE(SUM(o.n), 0),
               COALESCE(SUM(CASE WHEN o.named_o > o.oc THEN o.named_o ELSE o.oc END), 0),
               COALESCE(SUM(CASE WHEN o.named_e > o.ec THEN o.named_e ELSE o.ec END), 0),
               (SELECT COUNT(DISTINCT b.unit_id) FROM ({base}) b)
        FROM (
            SELECT MAX(i.group_id) AS g, COUNT(DISTINCT i.id) AS n,
                   COUNT(DISTINCT po.person_id) AS named_o,
                   COALESCE(MAX(CASE WHEN po.person_id IS NULL THEN i.official_count END), 0) AS oc,
                   COUNT(DISTINCT pe.person_id) AS named_e,
                   COALESCE(MAX(CASE WHEN pe.person_id IS NULL THEN i.expert_count END), 0) AS ec
            FROM ({base}) i
            LEFT JOIN {t_off} po ON po.inspection_id = i.id
            LEFT JOIN {t_exp} pe ON pe.inspection_id = i.id
            GROUP BY COALESCE(i.group_id, -i.id), i.date
        ) o
    """  # noqa: S608
    columns = ["inspection_groups", "outings", "inspections", "inspector_visits", "expert_visits", "units_inspected"]
    return _fetch(sql, params + params, columns)


def _interviews(s: Scope) -> Values:
    from anjian.enforcement.models import Interview

    base, params = _sql(interviews_qs(s), "id")
    named, nparams = _sql(units_named_qs(s), "id")
    table = Interview._meta.db_table
    through = Interview.units.through._meta.db_table
    told = "('interview', 'notice')"

    def units(kinds: str) -> str:
        sql = f"(SELECT COUNT(DISTINCT t.unit_id) FROM {through} t JOIN {table} k ON k.id = t.interview_id "  # noqa: S608
        return (
            sql + f"WHERE k.kind IN {kinds} AND t.interview_id IN ({base}) AND t.unit_id IN ({named}))"
        )

    sql = f"""
        SELECT COALESCE(SUM(CASE WHEN iv.kind IN {told} THEN 1 ELSE 0 END), 0),
               {units(told)},
               COALESCE(SUM(CASE WHEN iv.kind IN {told} THEN iv.persons ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN iv.kind = 'exposure' THEN 1 ELSE 0 END), 0),
               {units("('exposure')")}
        FROM {table} iv WHERE iv.id IN ({base})
    """  # noqa: S608
    columns = ["interviews", "interviewed_units", "interviewed_persons", "exposures", "exposed_units"]
    return _fetch(sql, params + nparams + params + nparams + params, columns)


def compute(s: Scope) -> Values:
    """Every indicator of the catalogue for the scope: counts as int, money as Decimal, rates as float|None."""
    raw: Values = {}
    for table in ind.TABLES:
        if table == ind.INSPECTIONS:
            raw.update(_inspections(s))
        elif table == ind.INTERVIEWS:
            raw.update(_interviews(s))
        else:
            raw.update(_aggregate(table, s))
    out: Values = {}
    for i in ind.CATALOGUE:
        if i.kind == ind.RATE:
            num, den = (raw[c] for c in i.ratio)  # type: ignore[union-attr]
            out[i.code] = num / den if den else None
        elif i.kind == ind.MONEY_KIND:
            out[i.code] = Decimal(raw[i.code] or 0).quantize(Decimal("0.01"))
        else:
            out[i.code] = int(raw[i.code] or 0)
    return out


def yoy(current: Values, previous: Values) -> dict[str, float | None]:
    """(X - X_prev) / X_prev for every indicator; None when X_prev is 0 or undefined."""
    out: dict[str, float | None] = {}
    for code in ind.CODES:
        now, prev = current.get(code), previous.get(code)
        out[code] = None if not prev or now is None else float((now - prev) / prev)
    return out


def with_yoy(s: Scope) -> tuple[Values, dict[str, float | None]]:
    """The indicators of the scope and their year-on-year change (one query per table, twice)."""
    current = compute(s)
    return current, yoy(current, compute(s.previous_year()))


def as_json(s: Scope, computed: tuple[Values, dict[str, float | None]] | None = None) -> dict[str, Any]:
    """The machine-readable form of indicators.md: scope, indicators, yoy (every indicator present)."""
    current, yoys = computed or with_yoy(s)
    return {"scope": s.as_json(), "indicators": _jsonable(current), "yoy": yoys}


def _jsonable(values: Values) -> Values:
    return {k: (f"{v:.2f}" if isinstance(v, Decimal) else v) for k, v in values.items()}
