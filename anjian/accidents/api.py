"""Accidents API: the accident register (事故), scoped like the UI.

404 not found or out of scope, 403 role or jurisdiction not allowed, 422 invalid data with
reasons by field, in Chinese.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from anjian.accidents import selectors, services
from anjian.accidents.models import Accident, Category, Investigation
from anjian.accounts.roles import UNIT_EDITORS
from anjian.campaigns.api import MAX_PAGE_SIZE, ErrorOut, denied, paginate, rejected
from anjian.units.models import Unit

router = Router(tags=["事故"])
FIELDS = ("number", "occurred_at", "region_code", "category", "road", "deaths", "injuries", "direct_loss", "summary")


class AccidentOut(Schema):
    id: int
    number: str
    occurred_at: dt.datetime
    region_code: str
    unit: int | None
    unit_name: str | None
    category: str
    category_display: str
    road: bool
    deaths: int
    injuries: int
    direct_loss: Decimal
    summary: str
    investigation: str
    investigation_display: str


class AccidentPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[AccidentOut]


class AccidentQuery(Schema):
    category: str | None = Field(None, description="事故类别代码：production、road、fire、other")
    investigation: str | None = Field(None, description="调查状态代码：pending、concluded、none")
    unit: int | None = None
    from_: dt.date | None = Field(None, alias="from", description="发生日期起 YYYY-MM-DD")
    to: dt.date | None = Field(None, description="发生日期止 YYYY-MM-DD")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class AccidentIn(Schema):
    number: str
    occurred_at: dt.datetime
    category: str = Field(description="事故类别代码：production、road、fire、other")
    unit: int | None = Field(None, description="单位 id；有单位的按单位所在区划")
    region_code: str = Field("", description="未指明单位时必填")
    road: bool = False
    deaths: int = 0
    injuries: int = 0
    direct_loss: Decimal = Decimal("0")
    summary: str = ""
    investigation: str = Field(Investigation.PENDING, description="调查状态代码：pending、concluded、none")


class AccidentPatch(Schema):
    number: str | None = None
    occurred_at: dt.datetime | None = None
    category: str | None = None
    unit: int | None = None
    region_code: str | None = None
    road: bool | None = None
    deaths: int | None = None
    injuries: int | None = None
    direct_loss: Decimal | None = None
    summary: str | None = None
    investigation: str | None = None


def accident_out(a: Accident) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "occurred_at": a.occurred_at,
        "region_code": a.region_code,
        "unit": a.unit_id,
        "unit_name": a.unit.name if a.unit else None,
        "category": a.category,
        "category_display": a.get_category_display(),
        "road": a.road,
        "deaths": a.deaths,
        "injuries": a.injuries,
        "direct_loss": a.direct_loss,
        "summary": a.summary,
        "investigation": a.investigation,
        "investigation_display": a.get_investigation_display(),
    }


def _get(actor: Any, pk: int) -> Accident:
    try:
        return selectors.accident_get(actor, pk)
    except Http404 as exc:
        raise HttpError(404, "未找到该事故") from exc


def _data(values: dict[str, Any]) -> services.AccidentData:
    unit = None
    if values.get("unit") is not None:
        unit = Unit.objects.filter(pk=values["unit"]).first()
        if unit is None:
            raise services.AccidentError({"unit": [f"单位 {values['unit']} 不存在"]})
    missing = [n for n in ("number", "occurred_at", "category") if values.get(n) is None]
    if missing:
        raise services.AccidentError({n: ["该项不能为空"] for n in missing})
    return services.AccidentData(
        number=values["number"],
        occurred_at=values["occurred_at"],
        category=values["category"],
        region_code=values.get("region_code") or "",
        unit=unit,
        road=bool(values.get("road")),
        deaths=values.get("deaths") or 0,
        injuries=values.get("injuries") or 0,
        direct_loss=values.get("direct_loss") or Decimal("0"),
        summary=values.get("summary") or "",
        investigation=values.get("investigation") or Investigation.PENDING,
    )


@router.get("", response=AccidentPage, summary="事故列表")
def accidents_list(request: HttpRequest, filters: Query[AccidentQuery]) -> dict[str, Any]:
    category = filters.category if filters.category in Category.values else ""
    qs = selectors.accident_list(request.auth, category=category, unit=filters.unit)  # type: ignore[attr-defined]
    if filters.investigation in Investigation.values:
        qs = qs.filter(investigation=filters.investigation)
    if filters.from_:
        qs = qs.filter(occurred_at__date__gte=filters.from_)
    if filters.to:
        qs = qs.filter(occurred_at__date__lte=filters.to)
    return paginate(qs, filters.page, filters.page_size, accident_out)


@router.post(
    "",
    response={201: AccidentOut, 403: ErrorOut, 422: ErrorOut},
    summary="登记事故",
    description="县级管理员、部门监管员、乡镇监管员可在其管辖范围内登记。",
)
def accidents_create(request: HttpRequest, payload: AccidentIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    if actor.role not in UNIT_EDITORS:
        return denied(f"{actor.get_role_display()}无权登记事故")
    try:
        accident = services.accident_create(actor=actor, data=_data(payload.model_dump()))
    except services.PermissionDenied as exc:
        return denied(str(exc))
    except services.AccidentError as exc:
        return rejected(exc.errors)
    return Status(201, accident_out(selectors.accident_get(actor, accident.pk)))


@router.get("/{accident_id}", response={200: AccidentOut, 404: ErrorOut}, summary="事故详情")
def accidents_detail(request: HttpRequest, accident_id: int) -> dict[str, Any]:
    return accident_out(_get(request.auth, accident_id))  # type: ignore[attr-defined]


@router.patch(
    "/{accident_id}",
    response={200: AccidentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="修改事故",
    description="只改所给字段，如调查状态（调查中、已结案、无需调查）。",
)
def accidents_update(request: HttpRequest, accident_id: int, payload: AccidentPatch) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    accident = _get(actor, accident_id)
    if actor.role not in UNIT_EDITORS:
        return denied(f"{actor.get_role_display()}无权修改事故")
    values: dict[str, Any] = {n: getattr(accident, n) for n in FIELDS}
    values["unit"] = accident.unit_id
    values["investigation"] = accident.investigation
    given = payload.model_dump(exclude_unset=True)
    if given.get("unit") is not None and "region_code" not in given:
        values["region_code"] = ""
    values.update(given)
    try:
        services.accident_update(actor=actor, accident=accident, data=_data(values))
    except services.PermissionDenied as exc:
        return denied(str(exc))
    except services.AccidentError as exc:
        return rejected(exc.errors)
    return Status(200, accident_out(selectors.accident_get(actor, accident.pk)))
