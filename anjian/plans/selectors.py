"""Reads of the 双随机抽查 register, scope first, and the two pools a new draw samples from; and the reads of
the 年度监督检查计划 (annual plans): the list, one plan, its items with their progress, the units left out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from anjian.accounts.models import Organization, OrgKind
from anjian.core.scope import get_in_scope, region_prefix, scoped
from anjian.inspections.models import InspectionKind, Person, PersonKind
from anjian.plans.capacity import limit_for
from anjian.plans.models import RISK_KEYS, AnnualPlan, AnnualPlanStatus, Draw, PlanItem
from anjian.regions.selectors import township_names
from anjian.units.models import Unit, UnitStatus
from anjian.units.selectors import unit_queryset

if TYPE_CHECKING:
    from anjian.accounts.models import User


@dataclass
class PoolFilters:
    """The conditions of a draw's unit pool (stored on the draw as ``filters``)."""

    township: str = ""  # 9-digit township code, or "" for the whole region
    sectors: list[str] = field(default_factory=list)  # sector codes
    risk_classes: list[str] = field(default_factory=list)  # "A"–"D"
    key_supervision: bool = False  # only 重点监管 units
    # A year: only units in no approved annual plan of that year (DOMAIN.md §3.5: the units not in
    # the plan are covered by 双随机); None for every unit.
    not_in_annual_plan: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "township": self.township,
            "sectors": sorted(self.sectors),
            "risk_classes": sorted(self.risk_classes),
            "key_supervision": self.key_supervision,
            "not_in_annual_plan": self.not_in_annual_plan,
        }


def draw_list(user: User) -> QuerySet[Draw]:
    return scoped(user, Draw.objects.all()).select_related("org", "created_by").order_by("-created_at", "-id")


def draw_get(user: User, pk: int | str) -> Draw:
    return get_in_scope(user, Draw.objects.select_related("org", "created_by"), pk=pk)


def pool_units(user: User, f: PoolFilters) -> QuerySet[Unit]:
    """Units that may be drawn: in the user's scope, in the register and not closed, matching ``f``."""
    qs = unit_queryset(user).filter(is_active=True).exclude(status=UnitStatus.CLOSED)
    qs = filter_units(qs, township=f.township, sectors=f.sectors, risk_classes=f.risk_classes,
                      key_supervision=f.key_supervision)
    if f.not_in_annual_plan:
        # Only approved plans count: a draft binds nobody (150号 Art. 5, inspect by the approved plan).
        planned = PlanItem.objects.filter(year=f.not_in_annual_plan, plan__status=AnnualPlanStatus.APPROVED)
        qs = qs.exclude(id__in=planned.values("unit_id"))
    return qs.order_by("id")


def filter_units(
    qs: QuerySet[Unit], *, township: str = "", sectors: list[str] | None = None, risk_classes: list[str] | None = None,
    key_supervision: bool = False, high_risk_only: bool = False,
) -> QuerySet[Unit]:
    """The unit conditions shared by a draw's pool and an annual plan's generation."""
    if township:
        qs = qs.filter(region_code__startswith=township[:9])
    if sectors:
        qs = qs.filter(sector__code__in=sectors)
    if risk_classes:
        # "" selects the units not yet classified (annual plans; a draw's classes are A–D).
        qs = qs.filter(risk_class__in=risk_classes)
    if key_supervision:
        qs = qs.filter(key_supervision=True)
    if high_risk_only:
        qs = qs.filter(sector__high_risk=True)
    return qs


def pool_inspectors(user: User) -> QuerySet[Person]:
    """Officials who may be assigned: available, in scope, and of the drawing office.

    A county office (安委办/应急管理局) coordinates the county's joint checks, so it draws from the
    officials of every organisation of its county; a department or a township inspects with its own
    执法人员 (their certificates are issued for that body), so it draws from its own officials only.
    Officials of the regions above (visible through ``ScopePaths.ancestors``) are never drawn.
    """
    if user.org_id is None:
        return Person.objects.none()
    org = user.org
    assert org is not None
    qs = scoped(user, Person.objects.filter(kind=PersonKind.OFFICIAL, available=True))
    if org.kind == OrgKind.COUNTY_OFFICE:
        qs = qs.filter(org__region_code__startswith=region_prefix(user) or org.region_code)
    else:
        qs = qs.filter(org=org)
    return qs.order_by("id")


@dataclass(frozen=True)
class ResultRow:
    """One line of the published list (公示名单)."""

    position: int
    unit: Unit | None
    inspectors: list[Person]


def draw_rows(draw: Draw) -> list[ResultRow]:
    """The result with its units and people, in drawn order (two queries).

    The draw is read as stored (it may name a unit now outside the reader's scope, e.g. moved to
    another township: the published list does not change with it).
    """
    unit_ids = [row["unit"] for row in draw.result]
    person_ids = {p for row in draw.result for p in row["inspectors"]}
    units = Unit.objects.in_bulk(unit_ids)
    people = Person.objects.in_bulk(list(person_ids))
    return [
        ResultRow(n, units.get(row["unit"]), [people[p] for p in row["inspectors"] if p in people])
        for n, row in enumerate(draw.result, start=1)
    ]


def filters_label(filters: dict[str, Any]) -> str:
    """The stored pool conditions in words: "乡镇：安定镇；行业领域：危险化学品；分级分类：A、B；只抽重点监管单位"."""
    from anjian.units.models import Sector

    township = str(filters.get("township") or "")
    town = township_names([township]).get(township[:9], township) if township else "全部"
    codes = list(filters.get("sectors") or [])
    names = dict(Sector.objects.filter(code__in=codes).values_list("code", "name"))
    sectors = "、".join(names.get(c, c) for c in codes) or "全部"
    classes = "、".join(filters.get("risk_classes") or []) or "全部"
    text = f"乡镇：{town}；行业领域：{sectors}；分级分类：{classes}"
    text += "；只抽重点监管单位" if filters.get("key_supervision") else ""
    if filters.get("not_in_annual_plan"):
        text += f"；只抽未列入{filters['not_in_annual_plan']}年度已批准年度监督检查计划的单位"
    return text


# --- 年度监督检查计划 ----------------------------------------------------------------------------

# The inspections that count against a plan and against a unit's yearly limit: every kind an office
# makes, whichever office made it (国办发〔2024〕54号 limits the inspections an enterprise receives,
# not those of one office). Not 企业自查 (the unit checking itself, no supervision at all) nor 网格巡查
# (a grid worker's patrol: 网格员 are not enforcement officers and a patrol is no 执法检查).
COUNTED_KINDS = [k for k in InspectionKind.values if k not in (InspectionKind.SELF, InspectionKind.GRID)]


def plan_list(user: User, year: int | None = None) -> QuerySet[AnnualPlan]:
    qs = scoped(user, AnnualPlan.objects.all()).select_related("org", "created_by", "approved_by")
    if year:
        qs = qs.filter(year=year)
    return qs.annotate(unit_count=Count("items"), planned_times=Coalesce(Sum("items__times"), 0)).order_by(
        "-year", "-id")


def plan_get(user: User, pk: int | str) -> AnnualPlan:
    """One plan in the reader's scope, else 404 (another county's, another township's)."""
    return get_in_scope(user, AnnualPlan.objects.select_related("org", "created_by", "approved_by"), pk=pk)


def plan_years(user: User) -> list[int]:
    return sorted(set(scoped(user, AnnualPlan.objects.all()).values_list("year", flat=True)), reverse=True)


def org_units(user: User, org: Organization) -> QuerySet[Unit]:
    """The units an office's plan covers: in the register, not closed, within the office's jurisdiction
    (its region; for a department also its sectors, 管行业必须管安全) — and within the reader's scope."""
    qs = unit_queryset(user).filter(is_active=True, region_code__startswith=org.region_prefix)
    qs = qs.exclude(status=UnitStatus.CLOSED)
    if org.kind == OrgKind.DEPARTMENT:
        qs = qs.filter(sector__in=org.sectors.all())
    return qs


def planned_unit_ids(year: int) -> Any:
    """The units in a plan of ``year`` (any office, draft or approved), as a subquery."""
    return PlanItem.objects.filter(year=year).values("unit_id")


def unplanned_units(user: User, plan: AnnualPlan) -> QuerySet[Unit]:
    """150号 Art. 4 "no gap": the office's units in no plan of the year; 双随机 covers them (DOMAIN.md §3.5)."""
    return (org_units(user, plan.org).exclude(id__in=planned_unit_ids(plan.year))
            .select_related("sector").order_by("region_code", "name_pinyin", "id"))


def plan_candidates(
    user: User, plan: AnnualPlan, *, township: str = "", sectors: list[str] | None = None,
    risk_classes: list[str] | None = None, key_supervision: bool = False, high_risk_only: bool = False,
) -> QuerySet[Unit]:
    """The office's units matching the conditions, in the order a plan is filled (services.plan_generate):
    D, C, B, A, then the unclassified; 重点监管 first within a class; then by id."""
    qs = filter_units(org_units(user, plan.org), township=township, sectors=sectors, risk_classes=risk_classes,
                      key_supervision=key_supervision, high_risk_only=high_risk_only)
    rank = Case(*(When(risk_class=c, then=Value(n)) for n, c in enumerate("DCBA")), default=Value(4),
                output_field=IntegerField())
    return qs.select_related("sector").annotate(class_rank=rank).order_by("class_rank", "-key_supervision", "id")


def _limit_expression(limits: dict[str, Any]) -> Case:
    """The unit's yearly limit (capacity.limit_for) as SQL, so the 超过上限 filter runs in the query."""
    whens = [
        When(Q(unit__sector__high_risk=high, unit__risk_class=c),
             then=Value(limit_for(limits, high_risk=high, risk_class=c)))
        for high in (True, False) for c in RISK_KEYS
    ]
    return Case(*whens, default=Value(limit_for(limits, high_risk=False, risk_class="")), output_field=IntegerField())


# The status filters of the items page (capacity.progress_status, and 超过上限).
ITEM_STATUSES = ["未开始", "进行中", "已完成", "超过上限"]


def plan_items(plan: AnnualPlan, *, status: str = "", township: str = "") -> QuerySet[PlanItem]:
    """The plan's items, each with ``actual`` (its counted inspections in the plan year) and ``limit``.

    One query whatever the number of items: the inspections are counted with a filtered COUNT over
    a join, grouped by item (never a query per item).
    """
    start, end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    counted = Q(unit__inspections__date__gte=start, unit__inspections__date__lte=end,
                unit__inspections__kind__in=COUNTED_KINDS)
    qs = (PlanItem.objects.filter(plan=plan).select_related("unit", "unit__sector")
          .annotate(actual=Count("unit__inspections", filter=counted), limit=_limit_expression(plan.limits)))
    if township:
        qs = qs.filter(unit__region_code__startswith=township[:9])
    if status == "未开始":
        qs = qs.filter(actual=0)
    elif status == "进行中":
        qs = qs.filter(actual__gt=0, actual__lt=F("times"))
    elif status == "已完成":
        qs = qs.filter(actual__gte=F("times"))
    elif status == "超过上限":
        qs = qs.filter(actual__gt=F("limit"))
    return qs.order_by("id")


@dataclass(frozen=True)
class PlanTotals:
    units: int  # 列入单位（家）
    planned: int  # 计划检查（家次）
    done: int  # 已完成（家次）: per item at most its planned 次数
    over_limit: int  # 超过上限（家）
    not_started: int  # 未开始（家）

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.done, self.planned) if self.planned else None


def plan_totals(plan: AnnualPlan) -> PlanTotals:
    """The plan's totals in one query (the items' times, actual and limit; no row per item fetched twice)."""
    rows = list(plan_items(plan).values_list("times", "actual", "limit"))  # type: ignore[misc]
    return PlanTotals(
        units=len(rows),
        planned=sum(t for t, _, _ in rows),
        done=sum(min(a, t) for t, a, _ in rows),
        over_limit=sum(1 for _, a, lim in rows if a > lim),
        not_started=sum(1 for _, a, _ in rows if a == 0),
    )


def other_plans_of(year: int, unit_ids: Any, *, exclude_plan: AnnualPlan | None = None) -> dict[int, str]:
    """{unit id: the number of the plan of ``year`` it is in}, for these units (a list or a subquery)."""
    qs = PlanItem.objects.filter(year=year, unit_id__in=unit_ids)
    if exclude_plan is not None:
        qs = qs.exclude(plan=exclude_plan)
    return dict(qs.values_list("unit_id", "plan__number"))
