"""The statistics catalogue (indicators.md), each indicator declared once.

An indicator names its fact table and its aggregate: a function of the scope returning a Django
aggregate (with its filter, for conditional aggregation), or — for the two tables whose figures
need a nested aggregation (outings, interviews with their named units) — the name of a column of
that table's one SQL query (``compute.py``). Rates are declared as a ratio of two indicators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from anjian.hazards.selectors import open_q, overdue_at_q, rectified_q
from anjian.stats.scope import Scope

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=18, decimal_places=2)

# Fact tables, in the catalogue's order; compute.py runs one query for each.
UNITS = "units"
INSPECTIONS = "inspections"
HAZARDS = "hazards"
ENFORCEMENT = "enforcement"
DOCUMENTS = "documents"
INTERVIEWS = "interviews"
ACCIDENTS = "accidents"
OUTREACH = "outreach"
TASKS = "tasks"
TABLES = (UNITS, INSPECTIONS, HAZARDS, ENFORCEMENT, DOCUMENTS, INTERVIEWS, ACCIDENTS, OUTREACH, TASKS)

COUNT, MONEY_KIND, RATE = "count", "money", "rate"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    family: str
    table: str | None = None
    # A Django aggregate for the scope, or the column of the table's SQL query.
    agg: Callable[[Scope], Any] | str | None = None
    kind: str = COUNT
    # Rates: numerator and denominator codes.
    ratio: tuple[str, str] | None = None


def count(q: Callable[[Scope], Q] | Q | None = None, field: str | None = None) -> Callable[[Scope], Any]:
    """A count of the fact table's rows (each row is one fact), or of the distinct values of ``field`` (units).

    A plain ``COUNT(id)`` is exact because no query of the catalogue joins a relation that repeats a
    row: a condition on one (挂牌督办: a hazard's supervisions) is written ``pk__in`` a subquery, and
    ``tests/stats/test_compute_queries.py`` checks every table's queryset. ``COUNT(DISTINCT id)``
    would give the same figures but makes PostgreSQL sort the rows once per indicator (9 sorts of
    3,000,000 hazards for a province; docs/performance.md, issue 5).
    """

    def make(s: Scope) -> Any:
        cond = q(s) if callable(q) else q
        return Count(field or "pk", distinct=field is not None, filter=cond)

    return make


def supervised(s: Scope) -> Q:
    """Placed under listed supervision (挂牌督办) in the period, once however often it was placed."""
    from anjian.hazards.models import Supervision

    placed = Supervision.objects.filter(placed_on__range=(s.date_from, s.date_to)).values("hazard_id")
    return Q(level="major", pk__in=placed)


def total(field: str, q: Q | None = None) -> Callable[[Scope], Any]:
    return lambda s: Coalesce(Sum(field, filter=q), 0)


def money(field: Any, q: Q | None = None) -> Callable[[Scope], Any]:
    return lambda s: Coalesce(Sum(field, filter=q, output_field=MONEY), Value(Decimal("0"), output_field=MONEY))


# --- conditions that depend on the scope ----------------------------------------------------------


def found(s: Scope) -> Q:
    return Q(found_on__range=(s.date_from, s.date_to))


def rectified(s: Scope) -> Q:
    """Verified and closed (销号) on or before as_of; reported-rectified is not rectified.

    Rectified, open and overdue at a date are the hazard lists' own rules (``hazards.selectors``), so
    that a figure and the list it links to count the same hazards.
    """
    return rectified_q(s.as_of)


def action(kind: str) -> Callable[[Scope], Q]:
    return lambda s: Q(kind=kind)


PRODUCTION = Q(category="production")
ROAD = Q(category="road") | Q(road=True)
FIRE = Q(category="fire")


def fine() -> Any:
    from django.db.models import F

    return Coalesce(F("fine_current"), F("fine_initial"))


def _i(code: str, name: str, unit: str, family: str, table: str, agg: Any, kind: str = COUNT) -> Indicator:
    return Indicator(code, name, unit, family, table, agg, kind)


def _rate(code: str, name: str, family: str, num: str, den: str) -> Indicator:
    return Indicator(code, name, "%", family, kind=RATE, ratio=(num, den))


REG, INS, HAZ, ENF, INT, ACC, OUT, CAM = ("台账", "检查", "隐患", "执法", "约谈与曝光", "事故", "宣传教育", "专项行动")

CATALOGUE: tuple[Indicator, ...] = (
    # 台账 Registry (units in scope not closed at as_of)
    _i("units", "生产经营单位数", "家", REG, UNITS, count()),
    _i("units_key", "重点监管单位数", "家", REG, UNITS, count(Q(key_supervision=True))),
    # 检查 Inspections: columns of the outings query (compute.py)
    _i("inspection_groups", "检查组数", "个", INS, INSPECTIONS, "inspection_groups"),
    _i("outings", "出动次数", "次", INS, INSPECTIONS, "outings"),
    _i("inspections", "检查单位次数", "家次", INS, INSPECTIONS, "inspections"),
    _i("inspector_visits", "检查人次", "人次", INS, INSPECTIONS, "inspector_visits"),
    _i("expert_visits", "专家人次", "人次", INS, INSPECTIONS, "expert_visits"),
    _i("units_inspected", "检查单位数", "家", INS, INSPECTIONS, "units_inspected"),
    # 隐患 Hazards
    _i("hazards_found", "排查隐患总数", "个", HAZ, HAZARDS, count(found)),
    _i("hazards_general_found", "一般隐患数", "个", HAZ, HAZARDS, count(lambda s: found(s) & Q(level="general"))),
    _i("hazards_general_rectified", "一般隐患已整改数", "个", HAZ, HAZARDS,
       count(lambda s: found(s) & Q(level="general") & rectified(s))),
    _i("hazards_major_found", "重大隐患数", "个", HAZ, HAZARDS, count(lambda s: found(s) & Q(level="major"))),
    _i("hazards_major_rectified", "重大隐患已整改数", "个", HAZ, HAZARDS,
       count(lambda s: found(s) & Q(level="major") & rectified(s))),
    _i("hazards_rectified", "已整改隐患数", "个", HAZ, HAZARDS, count(lambda s: found(s) & rectified(s))),
    _rate("rectification_rate", "整改率", HAZ, "hazards_rectified", "hazards_found"),
    _rate("rectification_rate_general", "一般隐患整改率", HAZ, "hazards_general_rectified", "hazards_general_found"),
    _rate("rectification_rate_major", "重大隐患整改率", HAZ, "hazards_major_rectified", "hazards_major_found"),
    _i("hazards_overdue", "逾期未整改隐患数", "个", HAZ, HAZARDS,
       count(lambda s: overdue_at_q(s.as_of))),
    _i("hazards_open", "未销号隐患数", "个", HAZ, HAZARDS,
       count(lambda s: open_q(s.as_of))),
    _i("hazards_major_supervised", "挂牌督办重大隐患数", "个", HAZ, HAZARDS,
       count(supervised)),
    # 执法 Enforcement (actions dated in the period; documents issued in the period)
    _i("documents_issued", "执法文书数", "份", ENF, DOCUMENTS, count()),
    _i("orders_rectify_units", "责令限期整改单位数", "家", ENF, ENFORCEMENT, count(action("order_rectify"), "unit_id")),
    _i("cases_filed", "立案查处数", "起", ENF, ENFORCEMENT, count(action("case_filed"))),
    _i("case_units", "立案查处单位数", "家", ENF, ENFORCEMENT, count(action("case_filed"), "unit_id")),
    _i("penalty_cases", "行政处罚案件数", "起", ENF, ENFORCEMENT, count(action("penalty"))),
    _i("penalized_units", "行政处罚单位数", "家", ENF, ENFORCEMENT, count(action("penalty"), "unit_id")),
    _i("fines_yuan", "罚款金额", "元", ENF, ENFORCEMENT, lambda s: money(fine(), Q(kind="penalty"))(s), MONEY_KIND),
    _i("suspended_units", "停产停业整顿单位数", "家", ENF, ENFORCEMENT, count(action("suspend"), "unit_id")),
    _i("closed_units", "关闭取缔单位数", "家", ENF, ENFORCEMENT, count(action("close"), "unit_id")),
    _i("licenses_suspended", "暂扣许可证数", "件", ENF, ENFORCEMENT, count(action("license_suspend"))),
    _i("licenses_revoked", "吊销许可证数", "件", ENF, ENFORCEMENT, count(action("license_revoke"))),
    _i("cases_transferred", "移交案件数", "件", ENF, ENFORCEMENT, count(action("transfer"))),
    _i("criminal_transfers", "行刑衔接案件数", "起", ENF, ENFORCEMENT, count(action("criminal"))),
    # 约谈与曝光: columns of the interviews query (compute.py)
    _i("interviews", "约谈通报次数", "次", INT, INTERVIEWS, "interviews"),
    _i("interviewed_units", "被约谈通报单位数", "家", INT, INTERVIEWS, "interviewed_units"),
    _i("interviewed_persons", "约谈人次", "人次", INT, INTERVIEWS, "interviewed_persons"),
    _i("exposures", "警示曝光数", "个", INT, INTERVIEWS, "exposures"),
    _i("exposed_units", "被曝光单位数", "家", INT, INTERVIEWS, "exposed_units"),
    # 事故 Accidents
    _i("accidents", "生产安全事故起数", "起", ACC, ACCIDENTS, count(PRODUCTION)),
    _i("deaths", "死亡人数", "人", ACC, ACCIDENTS, total("deaths", PRODUCTION)),
    _i("injuries", "受伤人数", "人", ACC, ACCIDENTS, total("injuries", PRODUCTION)),
    _i("direct_loss_yuan", "直接经济损失", "元", ACC, ACCIDENTS, money("direct_loss", PRODUCTION), MONEY_KIND),
    _i("road_accidents", "道路交通事故起数", "起", ACC, ACCIDENTS, count(ROAD)),
    _i("road_deaths", "道路交通事故死亡人数", "人", ACC, ACCIDENTS, total("deaths", ROAD)),
    _i("fires", "火灾起数", "起", ACC, ACCIDENTS, count(FIRE)),
    _i("fire_deaths", "火灾死亡人数", "人", ACC, ACCIDENTS, total("deaths", FIRE)),
    # 宣传教育 Outreach
    _i("trainings", "培训场次", "场", OUT, OUTREACH, count(Q(kind="training"))),
    _i("training_attendees", "培训人次", "人次", OUT, OUTREACH, total("attendees", Q(kind="training"))),
    _i("drills", "应急演练次数", "次", OUT, OUTREACH, count(Q(kind="drill"))),
    _i("drill_participants", "演练参与人数", "人次", OUT, OUTREACH, total("attendees", Q(kind="drill"))),
    _i("publicity_events", "宣传活动次数", "次", OUT, OUTREACH, count(Q(kind__in=("publicity", "contest", "film")))),
    _i("materials_distributed", "发放宣传资料", "份", OUT, OUTREACH, total("materials")),
    # 专项行动 Campaign tasks
    _i("tasks_total", "任务总数", "项", CAM, TASKS, count()),
    _i("tasks_done", "已完成任务数", "项", CAM, TASKS, count(lambda s: Q(completed_on__lte=s.as_of))),
    _i("tasks_overdue", "逾期任务数", "项", CAM, TASKS,
       count(lambda s: Q(due__lt=s.as_of) & (Q(completed_on__isnull=True) | Q(completed_on__gt=s.as_of)))),
)

BY_CODE: dict[str, Indicator] = {i.code: i for i in CATALOGUE}
CODES: tuple[str, ...] = tuple(BY_CODE)


def of_table(table: str) -> list[Indicator]:
    return [i for i in CATALOGUE if i.table == table]
