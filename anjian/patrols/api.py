"""Patrols API: 网格巡查 — the register, 巡查打卡 from a phone (retry-safe), coverage by grid or township.

Thin like the pages (anjian/patrols/views.py): reads through ``anjian.patrols.selectors`` (scope first),
the write through ``services.patrol_record``. Readers are ``services.READERS`` (coverage:
``services.COVERAGE_READERS``), recorders ``services.RECORDERS``; other roles get 403. Errors in Chinese:
404 not found or out of scope (a patrol, or the unit of a new patrol), 403 role not allowed, 422 invalid
data with reasons by field. A refused request writes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from anjian.campaigns.api import MAX_PAGE_SIZE, ErrorOut, denied, paginate, rejected
from anjian.core.scope import scoped
from anjian.patrols import selectors, services
from anjian.patrols.forms import month_start
from anjian.patrols.models import Outcome, Patrol
from anjian.units.models import Unit

if TYPE_CHECKING:
    from anjian.accounts.models import User

router = Router(tags=["网格巡查"])

# The IdempotencyKey.key column is 128 characters (as anjian/hazards/api.py).
MAX_IDEMPOTENCY_KEY = 128
# Service field names → the API's (the API names the unit by id).
FIELD_NAMES = {"unit": "unit_id"}
UNIT_NOT_FOUND = "未找到该单位，或该单位不在您的管辖范围内"
OUTCOMES_DOC = "巡查结果：normal 正常 / hazard_found 发现隐患 / stopped 单位停产或关闭 / no_principal 未见负责人"
COORD = Decimal("0.000001")  # the model's 6 decimal places


# --- schemas ---------------------------------------------------------------------------------------


class PatrolOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    grid_id: int | None = Field(description="巡查时单位所在网格")
    grid_name: str | None
    region_code: str
    patrolled_on: dt.date
    outcome: str = Field(description=OUTCOMES_DOC)
    outcome_display: str
    note: str
    hazard_id: int | None = Field(description="巡查发现的隐患（上报后关联）")
    hazard_number: str | None
    lat: float | None
    lng: float | None
    by_name: str = Field(description="巡查人")
    created_at: dt.datetime


class PatrolPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[PatrolOut]


class PatrolQuery(Schema):
    """The filters of the list page (``selectors.filters_from_params``: invalid values are ignored), plus paging."""

    grid: str | None = Field(None, description="网格 id")
    township: str | None = Field(None, description="乡镇区划代码（9 位）")
    unit: str | None = Field(None, description="单位 id")
    from_: str | None = Field(None, alias="from", description="巡查日期起 YYYY-MM-DD")
    to: str | None = Field(None, description="巡查日期止 YYYY-MM-DD")
    outcome: str | None = Field(None, description=OUTCOMES_DOC)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class PatrolIn(Schema):
    unit_id: int = Field(description="单位 id（须在本人管辖范围内；网格员：本网格）")
    outcome: str = Field(description=OUTCOMES_DOC, json_schema_extra={"enum": list(Outcome.values)})
    patrolled_on: dt.date | None = Field(None, description="巡查日期，默认今天；不能晚于今天，也不能早于单位建档日期")
    note: str = Field("", description=f"情况说明（最多 {services.MAX_NOTE} 字）")
    lat: Decimal | None = Field(None, description="纬度（与经度同时给出）")
    lng: Decimal | None = Field(None, description="经度（与纬度同时给出）")


class CoverageQuery(Schema):
    from_: dt.date | None = Field(None, alias="from", description="起始日期 YYYY-MM-DD，默认截止日期所在月的 1 日")
    to: dt.date | None = Field(None, description="截止日期 YYYY-MM-DD，默认今天；首尾两日都算")
    by: Literal["grid", "township"] = Field("grid", description="grid 按网格 / township 按乡镇（街道）")


class CoverageRowOut(Schema):
    key: str = Field(description="网格 id、乡镇代码（9 位），或 none（未划入网格）；合计行为空")
    name: str
    township: str = Field(description="网格所属乡镇（按网格统计时）")
    units: int = Field(description="在册单位：辖区内在册且未关闭的单位，按单位现属网格、乡镇计")
    visited: int = Field(description="已巡查：期间内至少巡查一次的单位")
    not_visited: int = Field(description="未巡查")
    visits: int = Field(description="巡查次数：期间内的全部巡查，按巡查时所在网格、乡镇计")
    rate: float | None = Field(description="覆盖率 = 已巡查 ÷ 在册单位（0 至 1 的小数）；没有在册单位时为 null")
    rate_text: str = Field(description="覆盖率，如页面显示：“57.14%”，没有在册单位时“—”")


class CoverageOut(Schema):
    by: str
    by_display: str
    date_from: dt.date
    date_to: dt.date
    rows: list[CoverageRowOut]
    total: CoverageRowOut = Field(description="合计")


# --- conversions -----------------------------------------------------------------------------------


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def patrol_out(p: Patrol) -> dict[str, Any]:
    """One patrol; ``unit``, ``grid``, ``by`` and ``hazard`` must be fetched with it (``selectors.patrol_get``)."""
    return {
        "id": p.pk,
        "unit_id": p.unit_id,
        "unit_name": p.unit.name,
        "grid_id": p.grid_id,
        "grid_name": p.grid.name if p.grid is not None else None,
        "region_code": p.region_code,
        "patrolled_on": p.patrolled_on,
        "outcome": p.outcome,
        "outcome_display": p.get_outcome_display(),
        "note": p.note,
        "hazard_id": p.hazard_id,
        "hazard_number": p.hazard.number if p.hazard is not None else None,
        "lat": _float(p.lat),
        "lng": _float(p.lng),
        "by_name": p.by.full_name or p.by.get_username(),
        "created_at": p.created_at,
    }


def coverage_row_out(r: selectors.CoverageRow) -> dict[str, Any]:
    rate = r.rate
    return {
        "key": r.key,
        "name": r.name,
        "township": r.township,
        "units": r.units,
        "visited": r.visited,
        "not_visited": r.not_visited,
        "visits": r.visits,
        "rate": float(rate) if rate is not None else None,
        "rate_text": r.rate_text,
    }


def _coord(value: Decimal | None) -> Decimal | None:
    """Rounded to the model's 6 places; a value out of range is left for the service to refuse."""
    if value is None or not value.is_finite() or abs(value) > 180:
        return value
    return value.quantize(COORD, rounding=ROUND_HALF_UP)


def _denied_reader(user: User, readers: frozenset[Any], what: str) -> None:
    if user.role not in readers:
        raise HttpError(403, f"{user.get_role_display()}无权查看{what}")


# --- endpoints -------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: PatrolPage, 403: ErrorOut},
    summary="巡查记录列表",
    description="本人管辖范围内的巡查记录，新的在前；筛选同列表页（无效的筛选值被忽略）。",
)
def patrols_list(request: HttpRequest, filters: Query[PatrolQuery]) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    _denied_reader(user, services.READERS, "网格巡查")
    f = selectors.filters_from_params(filters.dict(by_alias=True))
    return paginate(selectors.patrol_list(user, f), filters.page, filters.page_size, patrol_out)


@router.post(
    "",
    response={200: PatrolOut, 201: PatrolOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="巡查打卡",
    description=(
        "登记一次巡查（没有发现问题也登记）。网格员登记本网格的单位，乡镇监管员本乡镇的，县级管理员全县的；"
        "其他角色 403。单位不存在或不在管辖范围内 404。请求头 `Idempotency-Key`：同一用户以同一键重试时返回"
        "第一次登记的巡查（200），不会重复登记；首次登记返回 201。"
    ),
)
def patrols_create(
    request: HttpRequest,
    payload: PatrolIn,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", description="客户端生成的唯一键（最多128个字符），网络重试时不变"
    ),
) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    try:
        services.check_recorder(actor)
    except services.PermissionDenied as exc:
        return denied(str(exc))
    key = (idempotency_key or "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        return rejected({"Idempotency-Key": [f"Idempotency-Key 过长（最多{MAX_IDEMPOTENCY_KEY}个字符）"]})
    unit = Unit.objects.filter(pk=payload.unit_id).first()
    if unit is None:
        return Status(404, {"detail": UNIT_NOT_FOUND})
    data = services.PatrolData(
        unit=unit,
        outcome=payload.outcome,
        patrolled_on=payload.patrolled_on,
        note=payload.note,
        lat=_coord(payload.lat),
        lng=_coord(payload.lng),
    )
    try:
        # The service answers a retried key with the first patrol before it checks anything else.
        patrol, created = services.patrol_record(actor=actor, data=data, idempotency_key=key)
    except services.PermissionDenied as exc:
        return denied(str(exc))
    except services.PatrolError as exc:
        if "unit" in exc.errors and not scoped(actor, Unit.objects.filter(pk=unit.pk)).exists():
            return Status(404, {"detail": UNIT_NOT_FOUND})  # as if it did not exist
        return rejected({FIELD_NAMES.get(k, k): v for k, v in exc.errors.items()})
    # Read back unscoped: the actor recorded it (an idempotency key is the user's own).
    patrol = Patrol.objects.select_related("unit", "grid", "by", "hazard").get(pk=patrol.pk)
    return Status(201 if created else 200, patrol_out(patrol))


@router.get(
    "/coverage",
    response={200: CoverageOut, 403: ErrorOut, 422: ErrorOut},
    summary="巡查覆盖率",
    description=(
        "按网格或乡镇（街道）统计期间内的在册单位、已巡查、未巡查、巡查次数和覆盖率，最后是合计"
        "（与巡查覆盖率页面和导出同一口径）。县级管理员、部门监管员、乡镇监管员、领导可查看，其他角色 403。"
    ),
)
def patrols_coverage(request: HttpRequest, query: Query[CoverageQuery]) -> Status[dict[str, Any]]:
    user: User = request.auth  # type: ignore[attr-defined]
    _denied_reader(user, services.COVERAGE_READERS, "巡查覆盖率")
    date_to = query.to or timezone.localdate()
    date_from = query.from_ or month_start(date_to)
    if date_from > date_to:
        return rejected({"to": ["截止日期不能早于起始日期"]})
    cov = selectors.coverage(user, date_from, date_to, by=query.by)
    return Status(200, {
        "by": cov.by,
        "by_display": selectors.GROUPS[cov.by],
        "date_from": cov.date_from,
        "date_to": cov.date_to,
        "rows": [coverage_row_out(r) for r in cov.rows],
        "total": coverage_row_out(cov.total),
    })


@router.get("/{patrol_id}", response={200: PatrolOut, 403: ErrorOut, 404: ErrorOut}, summary="巡查记录详情")
def patrols_detail(request: HttpRequest, patrol_id: int) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    _denied_reader(user, services.READERS, "网格巡查")
    try:
        return patrol_out(selectors.patrol_get(user, patrol_id))
    except Http404 as exc:
        raise HttpError(404, "未找到该巡查记录") from exc
