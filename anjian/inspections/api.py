"""Inspections API: list, create, detail, and a failed checklist item → hazard; scoped like the UI.

Reads go through ``anjian.inspections.selectors`` (scope first), writes through the services.
404 not found or out of scope, 403 role not allowed, 422 invalid data with reasons by field.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from anjian.campaigns.models import Campaign
from anjian.hazards.models import MajorCriterion
from anjian.inspections import selectors, services
from anjian.inspections.models import Checklist, ChecklistItem, Inspection, InspectionGroup, Person, PersonKind
from anjian.units.models import Unit

router = Router(tags=["监督检查"])
MAX_PAGE_SIZE = 200


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class InspectionOut(Schema):
    id: int
    number: str
    unit: int
    unit_name: str
    kind: str
    kind_display: str
    date: dt.date
    group: int | None
    group_name: str | None
    officials: list[str]
    experts: list[str]
    official_count: int
    expert_count: int
    campaign: int | None
    checklist: int | None
    findings: str
    follows: int | None
    unit_signatory: str
    signed_at: str | None
    hazards: list[int]


class InspectionPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[InspectionOut]


class InspectionQuery(Schema):
    kind: str | None = Field(None, description="检查类型代码，如 special、follow_up")
    from_: str | None = Field(None, alias="from", description="起始日期 YYYY-MM-DD")
    to: str | None = Field(None, description="截止日期 YYYY-MM-DD")
    group: int | None = None
    unit: int | None = None
    campaign: int | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class InspectionIn(Schema):
    unit: int = Field(description="被检查单位 id")
    kind: str = Field(description="检查类型代码")
    date: dt.date
    group: int | None = None
    officials: list[int] = Field(default_factory=list, description="执法/监管人员 id")
    experts: list[int] = Field(default_factory=list, description="专家 id")
    official_count: int = Field(0, ge=0)
    expert_count: int = Field(0, ge=0)
    campaign: int | None = None
    checklist: int | None = None
    findings: str = ""
    follows: int | None = Field(None, description="复查对象（检查 id）")


class ItemHazardIn(Schema):
    note: str = ""
    deadline: dt.date | None = None
    criterion: int | None = Field(
        None, description="重大隐患判定标准条款 id；涉及重大隐患的检查项须填写才按重大隐患上报"
    )


class ItemHazardOut(Schema):
    hazard: int
    number: str
    level: str
    notices: list[str]


def inspection_out(i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk,
        "number": i.number,
        "unit": i.unit_id,
        "unit_name": i.unit.name,
        "kind": i.kind,
        "kind_display": i.get_kind_display(),
        "date": i.date,
        "group": i.group_id,
        "group_name": i.group.name if i.group else None,
        "officials": [p.name for p in i.officials.all()],
        "experts": [p.name for p in i.experts.all()],
        "official_count": i.official_count,
        "expert_count": i.expert_count,
        "campaign": i.campaign_id,
        "checklist": i.checklist_id,
        "findings": i.findings,
        "follows": i.follows_id,
        "unit_signatory": i.unit_signatory,
        "signed_at": i.signed_at.isoformat() if i.signed_at else None,
        "hazards": [h.pk for h in i.hazards.all()],
    }


def _get(request: HttpRequest, pk: int) -> Inspection:
    try:
        return selectors.inspection_get(request.auth, pk)  # type: ignore[attr-defined]
    except Http404 as exc:
        raise HttpError(404, "未找到该检查记录") from exc


def _rejected(errors: dict[str, list[str]]) -> Status:
    detail = "；".join(m for ms in errors.values() for m in ms)
    return Status(422, {"detail": detail or "提交的数据有误", "errors": errors})


def _data(actor: Any, p: InspectionIn) -> services.InspectionData:
    """Ids → objects; references the caller cannot see are reported as not found (422)."""
    errors: dict[str, list[str]] = {}
    unit = Unit.objects.filter(pk=p.unit).first()
    if unit is None:
        errors["unit"] = [f"单位 {p.unit} 不存在"]
    group = InspectionGroup.objects.filter(services.people_q(actor), pk=p.group).first() if p.group else None
    if p.group and group is None:
        errors["group"] = [f"检查组 {p.group} 不存在"]
    people = Person.objects.filter(services.people_q(actor))
    officials = list(people.filter(pk__in=p.officials, kind=PersonKind.OFFICIAL))
    experts = list(people.filter(pk__in=p.experts, kind=PersonKind.EXPERT))
    if len(officials) != len(set(p.officials)):
        errors["officials"] = ["检查人员须为本县登记的执法/监管人员"]
    if len(experts) != len(set(p.experts)):
        errors["experts"] = ["专家须为本县专家库人员"]
    campaign = Campaign.objects.filter(services.people_q(actor), pk=p.campaign).first() if p.campaign else None
    if p.campaign and campaign is None:
        errors["campaign"] = [f"专项行动 {p.campaign} 不存在"]
    checklist = Checklist.objects.filter(pk=p.checklist, active=True).first() if p.checklist else None
    if p.checklist and checklist is None:
        errors["checklist"] = [f"检查表 {p.checklist} 不存在"]
    follows = selectors.inspection_list(actor).filter(pk=p.follows).first() if p.follows else None
    if p.follows and follows is None:
        errors["follows"] = [f"检查记录 {p.follows} 不存在"]
    if errors:
        raise services.InspectionError(errors)
    assert unit is not None
    return services.InspectionData(
        unit=unit,
        kind=p.kind,
        date=p.date,
        group=group,
        officials=officials,
        experts=experts,
        official_count=p.official_count,
        expert_count=p.expert_count,
        campaign=campaign,
        checklist=checklist,
        findings=p.findings,
        follows=follows,
    )


@router.get("", response=InspectionPage, summary="检查记录列表", description="筛选参数与网页检查记录列表相同。")
def inspections_list(request: HttpRequest, filters: Query[InspectionQuery]) -> dict[str, Any]:
    params = {"from" if k == "from_" else k: v for k, v in filters.model_dump(exclude={"page", "page_size"}).items()}
    qs = selectors.inspection_list(request.auth, selectors.filters_from_params(params))  # type: ignore[attr-defined]
    qs = qs.prefetch_related("officials", "experts", "hazards")
    count = qs.count()
    size = filters.page_size
    offset = (filters.page - 1) * size
    return {
        "count": count,
        "page": filters.page,
        "page_size": size,
        "pages": max(1, math.ceil(count / size)),
        "items": [inspection_out(i) for i in qs[offset : offset + size]],
    }


@router.post(
    "",
    response={201: InspectionOut, 403: ErrorOut, 422: ErrorOut},
    summary="录入检查",
    description="县级管理员、部门监管员、乡镇监管员可对其管辖范围内的单位录入检查。",
)
def inspections_create(request: HttpRequest, payload: InspectionIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    if actor.role not in services.CREATORS:
        return Status(403, {"detail": f"{actor.get_role_display()}无权录入监督检查"})
    try:
        inspection = services.inspection_create(actor=actor, data=_data(actor, payload))
    except services.PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.InspectionError as exc:
        return _rejected(exc.errors)
    return Status(201, inspection_out(selectors.inspection_get(actor, inspection.pk)))


@router.get("/{inspection_id}", response=InspectionOut, summary="检查记录详情")
def inspections_detail(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    return inspection_out(_get(request, inspection_id))


@router.post(
    "/{inspection_id}/items/{item_id}/hazard",
    response={201: ItemHazardOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="不符合项转为隐患",
    description="检查表中不符合的一项一步上报为隐患，关联本次检查及其专项行动。",
)
def inspections_item_hazard(request: HttpRequest, inspection_id: int, item_id: int, payload: ItemHazardIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    inspection = _get(request, inspection_id)
    item = ChecklistItem.objects.filter(pk=item_id, checklist_id=inspection.checklist_id).first()
    if item is None:
        return Status(404, {"detail": "本次检查的检查表中没有该项"})
    criterion = None
    if payload.criterion is not None:
        criterion = MajorCriterion.objects.filter(pk=payload.criterion).first()
        if criterion is None:
            return _rejected({"criterion": [f"判定标准条款 {payload.criterion} 不存在"]})
    try:
        _, hazard, notices = services.fail_item_to_hazard(
            actor=actor,
            inspection=inspection,
            item=item,
            note=payload.note,
            deadline=payload.deadline,
            criterion=criterion,
        )
    except services.PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.InspectionError as exc:
        return _rejected(exc.errors)
    return Status(201, {"hazard": hazard.pk, "number": hazard.number, "level": hazard.level, "notices": notices})
