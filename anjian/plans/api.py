"""Draws API (read-only): 双随机抽查 with everything needed to re-run a draw outside anjian.

Readers are ``services.DRAW_READERS`` (others 403); scope as ``selectors`` (a draw outside the
reader's region is 404). The detail carries the seed, both pools, the exclusions (回避) and the
result, so anyone can recompute the draw with the recipe of docs/decisions.md ("双随机 draws"):

    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode("ascii")).digest(), "big"))
    for unit in rng.sample(unit_pool, unit_target):
        eligible = sorted(p for p in inspector_pool if p not in excluded.get(str(unit), []))
        inspectors = rng.sample(eligible, inspectors_per_unit)

and ``verified`` lists what ``services.draw_verify`` finds wrong with the stored draw (empty when sound).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from anjian.campaigns.api import MAX_PAGE_SIZE, ErrorOut, paginate
from anjian.plans import selectors, services
from anjian.plans.capacity import CapacityError, plan_capacity, progress_status
from anjian.plans.models import AnnualPlan, Draw, PlanItem

if TYPE_CHECKING:
    from anjian.accounts.models import User

router = Router(tags=["双随机抽查"])


class DrawResultRow(Schema):
    unit: int = Field(description="单位 id")
    inspectors: list[int] = Field(description="检查人员 id，按抽取顺序")


class DrawSummaryOut(Schema):
    id: int
    number: str = Field(description="编号：SJ + 县区划代码 + 年份 + 5 位序号")
    title: str
    org: int = Field(description="抽取单位（机构）id")
    org_name: str
    region_code: str
    created_at: dt.datetime
    unit_target: int = Field(description="抽取单位数")
    inspectors_per_unit: int = Field(description="每家检查人员数")
    unit_pool_size: int
    inspector_pool_size: int
    result_hash: str
    published_at: dt.datetime | None = Field(description="公开时间；未公开为 null")


class DrawOut(DrawSummaryOut):
    created_by_name: str
    note: str
    seed: str = Field(description="随机种子（64 位十六进制）")
    filters: dict[str, Any] = Field(
        description="抽取条件：township, sectors, risk_classes, key_supervision, not_in_annual_plan（年份或 null）"
    )
    unit_pool: list[int] = Field(description="单位名录库（单位 id，升序）")
    inspector_pool: list[int] = Field(description="检查人员名录库（人员 id，升序）")
    excluded: dict[str, list[int]] = Field(description="回避人员：{单位 id: [人员 id]}")
    result: list[DrawResultRow] = Field(description="抽取结果，按抽取顺序")
    verified: list[str] = Field(description="按保存的种子和名录库重新抽取、核对哈希发现的问题；为空表示验证通过")


class DrawPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[DrawSummaryOut]


class DrawQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def draw_summary_out(d: Draw) -> dict[str, Any]:
    return {
        "id": d.pk,
        "number": d.number,
        "title": d.title,
        "org": d.org_id,
        "org_name": d.org.name,
        "region_code": d.region_code,
        "created_at": d.created_at,
        "unit_target": d.unit_target,
        "inspectors_per_unit": d.inspectors_per_unit,
        "unit_pool_size": len(d.unit_pool),
        "inspector_pool_size": len(d.inspector_pool),
        "result_hash": d.result_hash,
        "published_at": d.published_at,
    }


def draw_out(d: Draw) -> dict[str, Any]:
    return {
        **draw_summary_out(d),
        "created_by_name": d.created_by.full_name or d.created_by.get_username(),
        "note": d.note,
        "seed": d.seed,
        "filters": d.filters,
        "unit_pool": d.unit_pool,
        "inspector_pool": d.inspector_pool,
        "excluded": d.excluded,
        "result": d.result,
        "verified": services.draw_verify(d),
    }


def _check_reader(user: User, what: str = "双随机抽查") -> None:
    if user.role not in services.DRAW_READERS:
        raise HttpError(403, f"{user.get_role_display()}无权查看{what}")


@router.get(
    "",
    response={200: DrawPage, 403: ErrorOut},
    summary="双随机抽查列表",
    description="本人管辖范围内的抽查，新的在前；种子、名录库、结果和验证见详情。网格员、单位安全员、专家 403。",
)
def draws_list(request: HttpRequest, query: Query[DrawQuery]) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    _check_reader(user)
    return paginate(selectors.draw_list(user), query.page, query.page_size, draw_summary_out)


@router.get(
    "/{draw_id}",
    response={200: DrawOut, 403: ErrorOut, 404: ErrorOut},
    summary="双随机抽查详情",
    description=(
        "随机种子、单位和检查人员名录库、回避人员、抽取结果和结果哈希：凭这些数据即可在 anjian 之外复算"
        "（方法见 docs/decisions.md“双随机 draws”）。`verified` 为验证发现的问题，为空表示验证通过。"
    ),
)
def draws_detail(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    _check_reader(user)
    try:
        draw = selectors.draw_get(user, draw_id)
    except Http404 as exc:
        raise HttpError(404, "未找到该抽查") from exc
    return draw_out(draw)


# --- 年度监督检查计划 (read-only) --------------------------------------------------------------------

annual_router = Router(tags=["年度监督检查计划"])


class CapacityOut(Schema):
    total_days: int = Field(description="总法定工作日 = 国家法定工作日 × 执法人员数（人·日）")
    inspection_days: int = Field(description="监督检查工作日 = 总法定工作日 − 其他执法工作日 − 非执法工作日")
    key_days: int = Field(description="重点检查工作日")
    general_days: int = Field(description="一般检查工作日（双随机抽查等）")
    key_capacity: int = Field(description="重点检查能力（家次）")
    general_capacity: int = Field(description="一般检查能力（家次）")
    scheduled_times: int = Field(description="已列入计划（家次）")
    over: bool = Field(description="已列入超过重点检查能力")


class PlanTotalsOut(Schema):
    units: int = Field(description="列入单位（家）")
    planned: int = Field(description="计划检查（家次）")
    done: int = Field(description="已完成（家次；每家最多计其计划次数）")
    rate: float | None = Field(description="完成率（小数；未计划时为 null）")
    over_limit: int = Field(description="实际检查超过年度上限的单位（家）")
    not_started: int = Field(description="尚未检查的单位（家）")


class AnnualPlanSummaryOut(Schema):
    id: int
    number: str = Field(description="编号：JH + 县区划代码 + 计划年度 + 5 位序号")
    title: str
    year: int
    org: int
    org_name: str
    region_code: str
    status: str = Field(description="draft 草稿 / approved 已批准")
    approved_at: dt.datetime | None
    unit_count: int = Field(description="列入单位（家）")
    planned_times: int = Field(description="计划检查（家次）")


class AnnualPlanOut(AnnualPlanSummaryOut):
    officers: int
    legal_workdays: int
    other_enforcement_days: int
    non_enforcement_days: int
    key_share: int = Field(description="重点检查工作日占比（%）")
    days_per_inspection: int = Field(description="每家次所需工作日（人·日）")
    limits: dict[str, dict[str, int]] = Field(
        description="年度检查次数上限：high_risk / other → 分级 A–D 与 \"\"（未分级）")
    capacity: CapacityOut | None = Field(description="工作日测算；输入使监督检查工作日为负时为 null")
    totals: PlanTotalsOut
    note: str


class PlanItemOut(Schema):
    id: int
    unit: int
    unit_name: str
    region_code: str
    risk_class: str
    times: int = Field(description="计划检查次数")
    quarter: int | None
    actual: int = Field(description="计划年度内实际检查次数（不含企业自查、网格巡查）")
    limit: int = Field(description="该单位的年度上限")
    status: str = Field(description="未开始 / 进行中 / 已完成")
    over_limit: bool = Field(description="实际检查超过年度上限")
    note: str


class AnnualPlanPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[AnnualPlanSummaryOut]


class PlanItemPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[PlanItemOut]


class AnnualPlanQuery(Schema):
    year: int | None = Field(None, description="计划年度")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class PlanItemQuery(Schema):
    status: str = Field("", description="未开始、进行中、已完成或超过上限")
    township: str = Field("", description="乡镇（街道）区划代码")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def _plan_head(p: AnnualPlan, unit_count: int, planned_times: int) -> dict[str, Any]:
    return {
        "id": p.pk, "number": p.number, "title": p.title, "year": p.year, "org": p.org_id, "org_name": p.org.name,
        "region_code": p.region_code, "status": p.status, "approved_at": p.approved_at,
        "unit_count": unit_count, "planned_times": planned_times,
    }


def plan_summary_out(p: AnnualPlan) -> dict[str, Any]:
    """A row of ``selectors.plan_list`` (annotated with unit_count and planned_times)."""
    return _plan_head(p, p.unit_count, p.planned_times)  # type: ignore[attr-defined]


def plan_out(p: AnnualPlan) -> dict[str, Any]:
    totals = selectors.plan_totals(p)
    try:
        cap = plan_capacity(p, totals.planned)
        cap_out: dict[str, Any] | None = {
            "total_days": cap.total_days, "inspection_days": cap.inspection_days, "key_days": cap.key_days,
            "general_days": cap.general_days, "key_capacity": cap.key_capacity,
            "general_capacity": cap.general_capacity, "scheduled_times": cap.scheduled_times, "over": cap.over,
        }
    except CapacityError:
        cap_out = None
    return {
        **_plan_head(p, totals.units, totals.planned),
        "officers": p.officers, "legal_workdays": p.legal_workdays,
        "other_enforcement_days": p.other_enforcement_days, "non_enforcement_days": p.non_enforcement_days,
        "key_share": p.key_share, "days_per_inspection": p.days_per_inspection, "limits": p.limits,
        "capacity": cap_out,
        "totals": {"units": totals.units, "planned": totals.planned, "done": totals.done,
                   "rate": float(totals.rate) if totals.rate is not None else None,
                   "over_limit": totals.over_limit, "not_started": totals.not_started},
        "note": p.note,
    }


def plan_item_out(i: PlanItem) -> dict[str, Any]:
    actual, limit = i.actual, i.limit  # type: ignore[attr-defined]
    return {
        "id": i.pk, "unit": i.unit_id, "unit_name": i.unit.name, "region_code": i.unit.region_code,
        "risk_class": i.unit.risk_class, "times": i.times, "quarter": i.quarter, "actual": actual, "limit": limit,
        "status": progress_status(actual, i.times), "over_limit": actual > limit, "note": i.note,
    }


def _annual_plan(user: User, plan_id: int) -> AnnualPlan:
    _check_reader(user, "年度监督检查计划")
    try:
        return selectors.plan_get(user, plan_id)
    except Http404 as exc:
        raise HttpError(404, "未找到该计划") from exc


@annual_router.get(
    "",
    response={200: AnnualPlanPage, 403: ErrorOut},
    summary="年度监督检查计划列表",
    description="本人管辖范围内的计划，新的年度在前。网格员、单位安全员、专家 403。",
)
def annual_plans_list(request: HttpRequest, query: Query[AnnualPlanQuery]) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    _check_reader(user, "年度监督检查计划")
    return paginate(selectors.plan_list(user, query.year), query.page, query.page_size, plan_summary_out)


@annual_router.get(
    "/{plan_id}",
    response={200: AnnualPlanOut, 403: ErrorOut, 404: ErrorOut},
    summary="年度监督检查计划详情",
    description="工作日测算（安监总政法〔2017〕150号）、年度检查次数上限和执行情况合计；列入单位见 /items。",
)
def annual_plans_detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    return plan_out(_annual_plan(user, plan_id))


@annual_router.get(
    "/{plan_id}/items",
    response={200: PlanItemPage, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="年度监督检查计划的列入单位及执行情况",
    description="每家单位的计划次数、计划年度内的实际检查次数、年度上限和执行状态；可按状态、乡镇筛选。",
)
def annual_plans_items(request: HttpRequest, plan_id: int, query: Query[PlanItemQuery]) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    plan = _annual_plan(user, plan_id)
    if query.status and query.status not in selectors.ITEM_STATUSES:
        raise HttpError(422, f"执行状态无效：{query.status}（应为{'、'.join(selectors.ITEM_STATUSES)}）")
    items = selectors.plan_items(plan, status=query.status, township=query.township)
    return paginate(items, query.page, query.page_size, plan_item_out)
