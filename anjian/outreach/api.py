"""Outreach API: the outreach register (宣教活动: 培训, 演练, 宣传, 竞赛, 电影下乡), scoped like the UI.

404 not found or out of scope, 403 role or jurisdiction not allowed, 422 invalid data with
reasons by field, in Chinese.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from anjian.accounts.roles import UNIT_EDITORS
from anjian.campaigns.api import MAX_PAGE_SIZE, ErrorOut, denied, paginate, rejected
from anjian.campaigns.selectors import campaign_queryset
from anjian.outreach import selectors, services
from anjian.outreach.models import Activity, ActivityKind
from anjian.units.models import Unit

router = Router(tags=["宣传教育"])
FIELDS = ("number", "kind", "date", "region_code", "name", "attendees", "materials")


class ActivityOut(Schema):
    id: int
    number: str
    kind: str
    kind_display: str
    date: dt.date
    region_code: str
    name: str
    attendees: int
    materials: int
    unit: int | None
    unit_name: str | None
    campaign: int | None
    campaign_name: str | None
    org: int | None


class ActivityPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[ActivityOut]


class ActivityQuery(Schema):
    kind: str | None = Field(None, description="类型代码：training、drill、publicity、contest、film")
    unit: int | None = None
    campaign: int | None = None
    from_: dt.date | None = Field(None, alias="from", description="日期起 YYYY-MM-DD")
    to: dt.date | None = Field(None, description="日期止 YYYY-MM-DD")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class ActivityIn(Schema):
    number: str
    kind: str = Field(description="类型代码：training、drill、publicity、contest、film")
    date: dt.date
    name: str = ""
    unit: int | None = Field(None, description="单位 id；有单位的按单位所在区划")
    region_code: str = Field("", description="未指明单位时必填")
    attendees: int = 0
    materials: int = 0
    campaign: int | None = Field(None, description="专项行动 id")


class ActivityPatch(Schema):
    number: str | None = None
    kind: str | None = None
    date: dt.date | None = None
    name: str | None = None
    unit: int | None = None
    region_code: str | None = None
    attendees: int | None = None
    materials: int | None = None
    campaign: int | None = None


def activity_out(a: Activity) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "kind": a.kind,
        "kind_display": a.get_kind_display(),
        "date": a.date,
        "region_code": a.region_code,
        "name": a.name,
        "attendees": a.attendees,
        "materials": a.materials,
        "unit": a.unit_id,
        "unit_name": a.unit.name if a.unit else None,
        "campaign": a.campaign_id,
        "campaign_name": a.campaign.name if a.campaign else None,
        "org": a.org_id,
    }


def _get(actor: Any, pk: int) -> Activity:
    try:
        return selectors.activity_get(actor, pk)
    except Http404 as exc:
        raise HttpError(404, "未找到该宣教活动") from exc


def _data(actor: Any, values: dict[str, Any]) -> services.ActivityData:
    errors: dict[str, list[str]] = {}
    unit = None
    if values.get("unit") is not None:
        unit = Unit.objects.filter(pk=values["unit"]).first()
        if unit is None:
            errors["unit"] = [f"单位 {values['unit']} 不存在"]
    campaign = None
    if values.get("campaign") is not None:
        campaign = campaign_queryset(actor).filter(pk=values["campaign"]).first()
        if campaign is None:
            errors["campaign"] = [f"专项行动 {values['campaign']} 不存在"]
    for name in ("number", "kind", "date"):
        if values.get(name) is None:
            errors[name] = ["该项不能为空"]
    if errors:
        raise services.OutreachError(errors)
    return services.ActivityData(
        number=values["number"],
        kind=values["kind"],
        date=values["date"],
        region_code=values.get("region_code") or "",
        name=values.get("name") or "",
        attendees=values.get("attendees") or 0,
        materials=values.get("materials") or 0,
        unit=unit,
        campaign=campaign,
    )


@router.get("", response=ActivityPage, summary="宣教活动列表")
def activities_list(request: HttpRequest, filters: Query[ActivityQuery]) -> dict[str, Any]:
    kind = filters.kind if filters.kind in ActivityKind.values else ""
    qs = selectors.activity_list(request.auth, kind=kind, unit=filters.unit)  # type: ignore[attr-defined]
    if filters.campaign is not None:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.from_:
        qs = qs.filter(date__gte=filters.from_)
    if filters.to:
        qs = qs.filter(date__lte=filters.to)
    return paginate(qs, filters.page, filters.page_size, activity_out)


@router.post(
    "",
    response={201: ActivityOut, 403: ErrorOut, 422: ErrorOut},
    summary="登记宣教活动",
    description="县级管理员、部门监管员、乡镇监管员可在其管辖范围内登记。",
)
def activities_create(request: HttpRequest, payload: ActivityIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    if actor.role not in UNIT_EDITORS:
        return denied(f"{actor.get_role_display()}无权登记宣教活动")
    try:
        activity = services.activity_create(actor=actor, data=_data(actor, payload.model_dump()))
    except services.PermissionDenied as exc:
        return denied(str(exc))
    except services.OutreachError as exc:
        return rejected(exc.errors)
    return Status(201, activity_out(selectors.activity_get(actor, activity.pk)))


@router.get("/{activity_id}", response={200: ActivityOut, 404: ErrorOut}, summary="宣教活动详情")
def activities_detail(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    return activity_out(_get(request.auth, activity_id))  # type: ignore[attr-defined]


@router.patch(
    "/{activity_id}",
    response={200: ActivityOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="修改宣教活动",
    description="只改所给字段。",
)
def activities_update(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    activity = _get(actor, activity_id)
    if actor.role not in UNIT_EDITORS:
        return denied(f"{actor.get_role_display()}无权修改宣教活动")
    values: dict[str, Any] = {n: getattr(activity, n) for n in FIELDS}
    values["unit"] = activity.unit_id
    values["campaign"] = activity.campaign_id
    given = payload.model_dump(exclude_unset=True)
    if given.get("unit") is not None and "region_code" not in given:
        values["region_code"] = ""
    values.update(given)
    try:
        services.activity_update(actor=actor, activity=activity, data=_data(actor, values))
    except services.PermissionDenied as exc:
        return denied(str(exc))
    except services.OutreachError as exc:
        return rejected(exc.errors)
    return Status(200, activity_out(selectors.activity_get(actor, activity.pk)))
