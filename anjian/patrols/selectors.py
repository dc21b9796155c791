"""Reads of the patrol register, scope first: the list, coverage by grid or township, the units not visited.

What coverage counts (one definition, used by the page, its .xlsx and the not-visited list):

- 在册单位 (``units``): the units in the user's scope that are in the registry and not closed — the
  statistics catalogue's 生产经营单位数 (anjian/stats/compute.py ``units_qs``), counted by the unit's
  *current* grid or township;
- 已巡查单位 (``visited``): of those, the units with at least one patrol in the period, ends included;
  a unit visited twice counts once;
- 巡查次数 (``visits``): every patrol in the period, counted where it was made (the grid and region the
  patrol row carries), visits to closed or deregistered units included — it is the work done;
- 覆盖率: visited / units, "—" when there are no units (rendered like the statistics: two decimals).

Each figure is aggregated in SQL: one query on units, one on patrols, one for the rows' names,
whatever the number of grids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from anjian.accounts.roles import Role
from anjian.core.params import param_date, param_int
from anjian.core.scope import get_in_scope, region_prefix, scoped
from anjian.hazards.models import Hazard
from anjian.patrols.models import Outcome, Patrol
from anjian.regions.models import Division, Grid
from anjian.regions.selectors import townships_within
from anjian.stats.render import percent
from anjian.units.models import Unit, UnitStatus

if TYPE_CHECKING:
    from anjian.accounts.models import User

By = Literal["grid", "township"]
GROUPS: dict[str, str] = {"grid": "网格", "township": "乡镇（街道）"}
NO_GRID = "none"  # the key of the row of units outside any grid (a query-string value too)
NO_GRID_NAME = "（未划入网格）"
TOTAL = "合计"


# --- the list -------------------------------------------------------------------------------------


@dataclass
class PatrolFilters:
    grid: int | None = None
    township: str = ""  # 9 digits
    unit: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outcome: str = ""


def filters_from_params(params: Any) -> PatrolFilters:
    """Bad values are ignored, as on the other lists."""
    township = str(params.get("township") or "")
    outcome = str(params.get("outcome") or "")
    return PatrolFilters(
        grid=param_int(params.get("grid")),
        township=township[:9] if township.isdigit() and len(township) >= 9 else "",
        unit=param_int(params.get("unit")),
        date_from=param_date(params.get("from")),
        date_to=param_date(params.get("to")),
        outcome=outcome if outcome in Outcome.values else "",
    )


def patrol_queryset(user: User) -> QuerySet[Patrol]:
    return scoped(user, Patrol.objects.all())


def patrol_list(user: User, f: PatrolFilters | None = None) -> QuerySet[Patrol]:
    f = f or PatrolFilters()
    qs = patrol_queryset(user).select_related("unit", "grid", "by", "hazard")
    if f.grid:
        qs = qs.filter(grid_id=f.grid)
    if f.township:
        qs = qs.filter(region_code__startswith=f.township)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.date_from:
        qs = qs.filter(patrolled_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(patrolled_on__lte=f.date_to)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    return qs.order_by("-patrolled_on", "-id")


def patrol_get(user: User, pk: int | str) -> Patrol:
    return get_in_scope(user, Patrol.objects.select_related("unit", "grid", "by", "hazard"), pk=pk)


def hazards_to_link(user: User, patrol: Patrol) -> QuerySet[Hazard]:
    """The unit's hazards in scope found on or after the visit: what its finding may have been reported as."""
    return (
        scoped(user, Hazard.objects.filter(unit_id=patrol.unit_id, found_on__gte=patrol.patrolled_on))
        .only("id", "number", "description", "found_on")
        .order_by("-found_on", "-id")
    )


# --- the places of the user's region --------------------------------------------------------------


def _prefix(user: User) -> str | None:
    """The region the user's rows are listed for ('' for a system administrator without an organisation)."""
    if user.role == Role.SYSADMIN and user.org_id is None:
        return ""
    return region_prefix(user)


def grids(user: User) -> QuerySet[Grid]:
    """The grids of the user's region (a grid worker: their own)."""
    if user.role == Role.GRID_WORKER:
        if user.grid_id is None:
            return Grid.objects.none()
        return Grid.objects.filter(pk=user.grid_id).select_related("township")
    prefix = _prefix(user)
    if prefix is None or user.role in (Role.UNIT_STAFF, Role.EXPERT):
        return Grid.objects.none()
    return Grid.objects.filter(region_code__startswith=prefix[:9]).select_related("township").order_by(
        "region_code", "name"
    )


def townships(user: User) -> QuerySet[Division]:
    """The townships of the user's region."""
    prefix = _prefix(user)
    if prefix is None or user.role in (Role.UNIT_STAFF, Role.EXPERT):
        return Division.objects.none()
    if user.role == Role.GRID_WORKER and user.grid_id is not None:
        prefix = user.grid.region_code[:9]  # type: ignore[union-attr]
    return townships_within(prefix[:9])


# --- coverage -------------------------------------------------------------------------------------


def coverable_units(user: User) -> QuerySet[Unit]:
    """The units coverage counts: in scope, in the registry, not closed (the catalogue's 生产经营单位数)."""
    return scoped(user, Unit.objects.filter(is_active=True).exclude(status=UnitStatus.CLOSED))


def _visited(date_from: dt.date, date_to: dt.date | None = None) -> Exists:
    visits = Patrol.objects.filter(unit_id=OuterRef("pk"), patrolled_on__gte=date_from)
    if date_to is not None:
        visits = visits.filter(patrolled_on__lte=date_to)
    return Exists(visits)


@dataclass
class CoverageRow:
    key: str  # grid id, 9-digit township code, or NO_GRID
    name: str
    township: str = ""  # a grid's township
    units: int = 0
    visited: int = 0
    visits: int = 0

    @property
    def not_visited(self) -> int:
        return self.units - self.visited

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.visited, self.units) if self.units else None

    @property
    def rate_text(self) -> str:
        """As a table of the statistics shows a rate: "66.67%", "—" with no units."""
        return percent(self.rate, text=False)


@dataclass
class Coverage:
    by: str
    date_from: dt.date
    date_to: dt.date
    rows: list[CoverageRow] = field(default_factory=list)
    total: CoverageRow = field(default_factory=lambda: CoverageRow(key="", name=TOTAL))


def coverage(user: User, date_from: dt.date, date_to: dt.date, *, by: By = "grid") -> Coverage:
    """For each grid (or township) of the user's scope: units, units visited in the period, rate, visits."""
    if by not in GROUPS:
        raise ValueError(by)
    if by == "grid":
        unit_key: Any = F("grid_id")
        patrol_key: Any = F("grid_id")
        rows = {str(g.pk): CoverageRow(key=str(g.pk), name=g.name, township=g.township.name) for g in grids(user)}
    else:
        unit_key = Substr("region_code", 1, 9)
        patrol_key = Substr("region_code", 1, 9)
        rows = {d.code[:9]: CoverageRow(key=d.code[:9], name=d.name) for d in townships(user)}
    units = (
        coverable_units(user)
        .annotate(place=unit_key)
        .values("place")
        .annotate(units=Count("pk"), visited=Count("pk", filter=Q(_visited(date_from, date_to))))
        .order_by()
    )
    visits = (
        patrol_queryset(user)
        .filter(patrolled_on__range=(date_from, date_to))
        .annotate(place=patrol_key)
        .values("place")
        .annotate(n=Count("pk"))
        .order_by()
    )

    def row(place: Any) -> CoverageRow:
        key = NO_GRID if place is None else str(place)
        if key not in rows:
            # Units outside any grid, or a place not among the user's (a unit moved since): a row of its own.
            rows[key] = CoverageRow(key=key, name=NO_GRID_NAME if key == NO_GRID else _place_name(by, key))
        return rows[key]

    for u in units:
        r = row(u["place"])
        r.units, r.visited = u["units"], u["visited"]
    for v in visits:
        row(v["place"]).visits = v["n"]
    out = Coverage(by=by, date_from=date_from, date_to=date_to, rows=list(rows.values()))
    for r in out.rows:
        out.total.units += r.units
        out.total.visited += r.visited
        out.total.visits += r.visits
    return out


def _place_name(by: str, key: str) -> str:
    if by == "grid":
        grid = Grid.objects.filter(pk=key).first()
        return grid.name if grid is not None else key
    division = Division.objects.filter(code=key.ljust(12, "0")).first()
    return division.name if division is not None else key


# --- not visited ----------------------------------------------------------------------------------


def not_visited(
    user: User, since: dt.date, until: dt.date | None = None, *, grid: str = "", township: str = ""
) -> QuerySet[Unit]:
    """Units coverage counts with no patrol from ``since`` (to ``until``, ends included), with their last visit.

    ``grid``: a grid id or NO_GRID; ``township``: a 9-digit code. Never visited first, then the longest unvisited.
    """
    last = Patrol.objects.filter(unit_id=OuterRef("pk")).order_by("-patrolled_on").values("patrolled_on")[:1]
    qs = coverable_units(user).exclude(_visited(since, until)).select_related("grid", "sector")
    if grid == NO_GRID:
        qs = qs.filter(grid__isnull=True)
    elif grid.isdigit():
        qs = qs.filter(grid_id=int(grid))
    if township:
        qs = qs.filter(region_code__startswith=township[:9])
    return qs.annotate(last_patrolled_on=Subquery(last)).order_by(
        F("last_patrolled_on").asc(nulls_first=True), "name_pinyin", "id"
    )
