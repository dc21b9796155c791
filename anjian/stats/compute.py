"""Compute the catalogue for a scope: one aggregate query per fact table (ARCHITECTURE.md "Statistics").

Each table's indicators come out of one ``aggregate()`` with conditional aggregation
(``Count(..., filter=Q(...))``, ``Sum(..., filter=...)``). Inspections and
interviews need a nested aggregation (person-times per outing; persons per event with the named
units counted distinct), so each of them is one SQL statement built around the ORM's own filtered
queryset.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import F, IntegerField, Q, QuerySet, Value

from anjian.core.dbrouter import read_alias
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


def _interview_conditions(s: Scope, event: str, named: str) -> Q:
    """The events' own conditions (period, campaign) and the named unit's, all on the same named unit.

    ``event`` and ``named`` are the paths to the interview and to the named unit: ``""`` and
    ``"units__"`` from the interviews, ``"interview__"`` and ``"unit__"`` from their (event, unit) rows.
    The conditions go through the join (``units__region_code__startswith``) rather than
    ``units__in=<subquery>``: with the subquery SQLite probes (interview, unit) for every unit of
    the region, interviews × units index look-ups (docs/performance.md, issue 5).
    """
    on_unit: dict[str, Any] = {f"{named}region_code__startswith": s.prefix}
    if s.sector_id is not None:
        on_unit[f"{named}sector_id"] = s.sector_id
    if s.department_id is not None:
        on_unit[f"{named}department_id"] = s.department_id
    if s.unit is not None:
        on_unit[f"{named}id"] = s.unit
    # One Q: every condition on the same named unit.
    q = Q(**{f"{event}date__range": (s.date_from, s.date_to)}, **on_unit)
    return q & _campaign(s, f"{event}campaign_id")


def interviews_qs(s: Scope) -> QuerySet[Any]:
    """Events naming at least one unit of ``units_named_qs`` (the same conditions, on the named unit)."""
    from anjian.enforcement.models import Interview

    return Interview.objects.filter(_interview_conditions(s, "", "units__"))


def interview_units_qs(s: Scope) -> QuerySet[Any]:
    """The (event, named unit) rows of those events whose unit meets the conditions: each event of
    ``interviews_qs`` has at least one, and the units counted are exactly theirs."""
    from anjian.enforcement.models import Interview

    return Interview.units.through.objects.filter(_interview_conditions(s, "interview__", "unit__"))


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


def aggregates(table: str, s: Scope) -> dict[str, Any]:
    """The table's declared indicators as aggregates, keyed ``x_<code>``.

    Aliases must not shadow the table's own fields (accidents.deaths …).
    """
    out = {}
    for i in ind.of_table(table):
        assert callable(i.agg), i.code
        out[f"x_{i.code}"] = i.agg(s)
    return out


def _aggregate(table: str, s: Scope) -> Values:
    row = QUERYSETS[table](s).order_by().aggregate(**aggregates(table, s))
    return {k[2:]: v for k, v in row.items()}


def _sql(qs: QuerySet[Any], *fields: str) -> tuple[str, tuple[Any, ...]]:
    sql, params = qs.order_by().values(*fields).query.sql_with_params()
    return sql, tuple(params)


def _fetch(sql: str, params: tuple[Any, ...], columns: list[str]) -> Values:
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {c: int(v or 0) for c, v in zip(columns, row, strict=True)}


INSPECTION_COLUMNS = ["inspection_groups", "outings", "inspections", "inspector_visits", "expert_visits",
                      "units_inspected"]


def outings_sql(
    s: Scope, key: Any | None = None, *, only: Q | None = None, per_day: bool = False
) -> tuple[str, tuple[Any, ...]]:
    """The inspections family in one statement: one row per value of ``key`` (an expression on the
    inspection, e.g. its township), or one row in all (key 0) without it — ``compute`` and
    ``grouped.compute_by`` share it. ``only`` narrows the inspections further; ``per_day`` gives a
    row per (key, day), with the day after the key and no distinct units (0): the day figures of
    ``cube.py``.

    Outings are (group, day); an inspection without a group is an outing alone. Person-times per
    outing: the distinct officials named on its inspections, or — for an outing whose inspections
    name nobody but give a number (a ledger's 检查人数) — the larger of the two, as
    ``anjian.inspections.selectors.outings`` counts them. Experts likewise.

    The outings are grouped from the inspections alone, and the distinct people of each outing
    from the inspections joined with the officials, then with the experts (UNION ALL): joining both
    lists side by side multiplies every outing's rows by officials × experts before the distinct
    counts (docs/performance.md, issue 5). "Names nobody" is asked only of an inspection that gives a
    number: with 0 (the default) it cannot raise the outing's maximum.
    """
    from anjian.inspections.models import Inspection

    # Without a key, one constant group: a column, as GROUP BY takes a bare literal for a position.
    qs = inspections_qs(s).annotate(k_group=key if key is not None else Value(0, output_field=IntegerField()))
    if only is not None:
        qs = qs.filter(only)
    base, params = _sql(qs, "id", "unit_id", "group_id", "date", "official_count", "expert_count", "k_group")
    kg = "i.k_group"
    t_off = Inspection.officials.through._meta.db_table
    t_exp = Inspection.experts.through._meta.db_table

    def people(through: str, e: int) -> str:
        # The distinct people of each outing from one list, officials (e = 0) or experts (e = 1).
        return f"""
            SELECT DISTINCT {kg} AS kg, COALESCE(i.group_id, -i.id) AS k, i.date AS d, {e} AS e,
                   x.person_id AS person
            FROM ({base}) i JOIN {through} x ON x.inspection_id = i.id"""  # noqa: S608

    def bare(column: str, through: str) -> str:
        # A scalar subquery, not NOT EXISTS: PostgreSQL would hash the whole list of people for an
        # EXISTS it expects to ask of every inspection; this one is asked (by index) only of the few
        # inspections whose CASE gets that far.
        missing = f"(SELECT MIN(x.person_id) FROM {through} x WHERE x.inspection_id = i.id) IS NULL"  # noqa: S608
        return f"COALESCE(MAX(CASE WHEN i.{column} > 0 AND {missing} THEN i.{column} END), 0)"

    # Distinct units need a pass of their own over the inspections (a correlated one: a row per
    # key); the day figures take them from FirstSeen instead.
    units = "0" if per_day else f"(SELECT COUNT(DISTINCT i.unit_id) FROM ({base}) i WHERE {kg} = o.kg)"  # noqa: S608
    group_by = "o.kg, o.d" if per_day else "o.kg"
    # Table names and the ORM's own SQL only; every value is a parameter.
    sql = f"""
        SELECT {group_by}, COUNT(DISTINCT o.g), COUNT(*), COALESCE(SUM(o.n), 0),
               COALESCE(SUM(CASE WHEN COALESCE(p.n_o, 0) > o.oc THEN p.n_o ELSE o.oc END), 0),
               COALESCE(SUM(CASE WHEN COALESCE(p.n_e, 0) > o.ec THEN p.n_e ELSE o.ec END), 0),
               {units}
        FROM (
            SELECT {kg} AS kg, COALESCE(i.group_id, -i.id) AS k, i.date AS d, MAX(i.group_id) AS g,
                   COUNT(*) AS n, {bare("official_count", t_off)} AS oc, {bare("expert_count", t_exp)} AS ec
            FROM ({base}) i
            GROUP BY {kg}, COALESCE(i.group_id, -i.id), i.date
        ) o
        LEFT JOIN (
            SELECT t.kg, t.k, t.d, SUM(1 - t.e) AS n_o, SUM(t.e) AS n_e FROM (
                {people(t_off, 0)} UNION ALL {people(t_exp, 1)}
            ) t GROUP BY t.kg, t.k, t.d
        ) p ON p.kg = o.kg AND p.k = o.k AND p.d = o.d
        GROUP BY {group_by}
    """  # noqa: S608
    return sql, params * (3 if per_day else 4)


def _inspections(s: Scope) -> Values:
    sql, params = outings_sql(s)
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()  # none when the scope has no inspection
    values = row[1:] if row else [0] * len(INSPECTION_COLUMNS)
    return {c: int(v or 0) for c, v in zip(INSPECTION_COLUMNS, values, strict=True)}


def _interviews(s: Scope) -> Values:
    """One pass over the (event, named unit) rows of the scope: events, distinct units and persons by kind.

    Persons are summed once per event (an event naming three units of the region counts its
    persons once), hence the DISTINCT (event, persons) pairs.
    """
    rows = interview_units_qs(s).annotate(k=F("interview__kind"), n=F("interview__persons"))
    base, params = _sql(rows, "interview_id", "unit_id", "k", "n")
    told = "('interview', 'notice')"
    sql = f"""
        WITH p AS ({base})
        SELECT COUNT(DISTINCT CASE WHEN p.k IN {told} THEN p.interview_id END),
               COUNT(DISTINCT CASE WHEN p.k IN {told} THEN p.unit_id END),
               (SELECT COALESCE(SUM(e.n), 0) FROM (SELECT DISTINCT p.interview_id, p.n FROM p
                                                   WHERE p.k IN {told}) e),
               COUNT(DISTINCT CASE WHEN p.k = 'exposure' THEN p.interview_id END),
               COUNT(DISTINCT CASE WHEN p.k = 'exposure' THEN p.unit_id END)
        FROM p
    """  # noqa: S608
    columns = ["interviews", "interviewed_units", "interviewed_persons", "exposures", "exposed_units"]
    return _fetch(sql, params, columns)


def compute(s: Scope) -> Values:
    """Every indicator of the catalogue for the scope: counts as int, money as Decimal, rates as float|None."""
    from anjian.stats import cube

    raw: Values = {}
    # A city or the province: the families kept per day are read from the day rows (cube.py), as exact
    # as the facts.
    readers = cube.readers() if cube.applies(s) else {}
    for table in ind.TABLES:
        if table in readers:
            raw.update(readers[table](s))
        elif table == ind.INSPECTIONS:
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
    return {"scope": s.as_json(), "indicators": jsonable(current), "yoy": yoys}


def jsonable(values: Values) -> Values:
    return {k: (f"{v:.2f}" if isinstance(v, Decimal) else v) for k, v in values.items()}
