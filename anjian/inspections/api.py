"""Inspections API: inspections (list, create, detail, photos, 结案), a failed checklist item →
hazard, people, groups and checklists; scoped like the UI.

Reads go through ``anjian.inspections.selectors`` (scope first), writes through the services.
404 not found or out of scope, 403 role not allowed, 422 invalid data with reasons by field.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from anjian.campaigns.models import Campaign
from anjian.hazards.models import MajorCriterion
from anjian.hazards.services import MAX_PHOTO_BYTES, MAX_PHOTOS
from anjian.inspections import selectors, services
from anjian.inspections.models import (
    Attachment,
    Checklist,
    ChecklistItem,
    Inspection,
    InspectionGroup,
    Person,
    PersonKind,
)
from anjian.units.models import Sector, Unit

router = Router(tags=["监督检查"])
MAX_PAGE_SIZE = 200


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    lat: float | None
    lng: float | None
    taken_at: str | None
    uploaded_at: str
    url: str


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
    case_closed_on: dt.date | None
    case_closed_by: int | None
    attachments: list[AttachmentOut]


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
    case: str | None = Field(None, description="结案情况：closed 已结案，open 未结案")
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


class PersonOut(Schema):
    id: int
    kind: str
    kind_display: str
    name: str
    org: int | None
    org_name: str | None
    region_code: str
    cert_no: str
    phone: str
    expert_level: str
    employer: str
    sectors: list[int]
    available: bool


class PersonIn(Schema):
    kind: str = Field(description="official 执法/监管人员，expert 专家")
    name: str
    cert_no: str = Field("", description="执法证号")
    phone: str = ""
    expert_level: str = Field("", description="专家级别：province 省级、city 市级、county 县级")
    employer: str = Field("", description="工作单位")
    sectors: list[int] = Field(default_factory=list, description="专业领域（行业 id）")
    available: bool = True


class GroupOut(Schema):
    id: int
    name: str
    org: int | None
    region_code: str
    leader: int | None
    leader_name: str | None
    members: list[int]
    member_names: list[str]
    start: dt.date | None
    end: dt.date | None
    campaign: int | None


class GroupIn(Schema):
    name: str
    leader: int | None = Field(None, description="组长（人员 id），同时计为成员")
    members: list[int] = Field(default_factory=list, description="成员（人员 id）")
    start: dt.date | None = None
    end: dt.date | None = None
    campaign: int | None = None


class ChecklistItemOut(Schema):
    id: int
    order: int
    text: str
    basis: str
    major: bool


class ChecklistOut(Schema):
    id: int
    name: str
    sector: int | None
    items: list[ChecklistItemOut]


def attachment_out(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "lat": float(a.lat) if a.lat is not None else None,
        "lng": float(a.lng) if a.lng is not None else None,
        "taken_at": a.taken_at.isoformat() if a.taken_at else None,
        "uploaded_at": a.uploaded_at.isoformat(),
        "url": f"/api/v1/inspections/{a.inspection_id}/attachments/{a.pk}",
    }


def person_out(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_display": p.get_kind_display(),
        "name": p.name,
        "org": p.org_id,
        "org_name": p.org.name if p.org else None,
        "region_code": p.region_code,
        "cert_no": p.cert_no,
        "phone": p.phone,
        "expert_level": p.expert_level,
        "employer": p.employer,
        "sectors": [s.pk for s in p.sectors.all()],
        "available": p.available,
    }


def group_out(g: InspectionGroup) -> dict[str, Any]:
    members = list(g.members.all())
    return {
        "id": g.pk,
        "name": g.name,
        "org": g.org_id,
        "region_code": g.region_code,
        "leader": g.leader_id,
        "leader_name": g.leader.name if g.leader else None,
        "members": [p.pk for p in members],
        "member_names": [p.name for p in members],
        "start": g.start,
        "end": g.end,
        "campaign": g.campaign_id,
    }


def checklist_out(c: Checklist) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "sector": c.sector_id,
        "items": [
            {"id": i.pk, "order": i.order, "text": i.text, "basis": i.basis, "major": i.major} for i in c.items.all()
        ],
    }


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
        "case_closed_on": i.case_closed_on,
        "case_closed_by": i.case_closed_by_id,
        "attachments": [attachment_out(a) for a in i.attachments.all()],
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
    qs = qs.prefetch_related("officials", "experts", "hazards", "attachments")
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


# --- people, groups, checklists: declared before "/{inspection_id}" so the paths stay theirs ---


def _forbidden(actor: Any, what: str) -> Status | None:
    if actor.role not in services.CREATORS:
        return Status(403, {"detail": f"{actor.get_role_display()}无权{what}"})
    return None


@router.get(
    "/people",
    response=list[PersonOut],
    summary="人员与专家库",
    description="本县及上级登记的执法/监管人员和专家；`kind` 可选 official 或 expert。",
)
def people_list(request: HttpRequest, kind: str = "") -> list[dict[str, Any]]:
    return [person_out(p) for p in selectors.person_list(request.auth, kind)]  # type: ignore[attr-defined]


@router.post(
    "/people",
    response={201: PersonOut, 403: ErrorOut, 422: ErrorOut},
    summary="登记人员",
    description="县级管理员、部门监管员、乡镇监管员可登记本机构的执法/监管人员或专家。",
)
def people_create(request: HttpRequest, payload: PersonIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    denied = _forbidden(actor, "登记人员")
    if denied:
        return denied
    sectors = list(Sector.objects.filter(pk__in=payload.sectors))
    if len(sectors) != len(set(payload.sectors)):
        return _rejected({"sectors": ["专业领域中有不存在的行业"]})
    data = services.PersonData(
        kind=payload.kind,
        name=payload.name,
        cert_no=payload.cert_no,
        phone=payload.phone,
        expert_level=payload.expert_level,
        employer=payload.employer,
        sectors=sectors,
        available=payload.available,
    )
    try:
        person = services.person_create(actor=actor, data=data)
    except services.PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.InspectionError as exc:
        return _rejected(exc.errors)
    return Status(201, person_out(selectors.person_list(actor).get(pk=person.pk)))


@router.get("/groups", response=list[GroupOut], summary="检查组", description="本县及上级组建的检查组/督导组。")
def groups_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [group_out(g) for g in selectors.group_list(request.auth)]  # type: ignore[attr-defined]


@router.post(
    "/groups",
    response={201: GroupOut, 403: ErrorOut, 422: ErrorOut},
    summary="组建检查组",
    description="组长和成员须为调用者可见的人员；组长同时计为成员。",
)
def groups_create(request: HttpRequest, payload: GroupIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    denied = _forbidden(actor, "组建检查组")
    if denied:
        return denied
    errors: dict[str, list[str]] = {}
    people = Person.objects.filter(services.people_q(actor))
    leader = people.filter(pk=payload.leader).first() if payload.leader else None
    if payload.leader and leader is None:
        errors["leader"] = [f"人员 {payload.leader} 不存在"]
    members = list(people.filter(pk__in=payload.members))
    if len(members) != len(set(payload.members)):
        errors["members"] = ["成员须为本县登记的人员"]
    campaign = None
    if payload.campaign:
        campaign = Campaign.objects.filter(services.people_q(actor), pk=payload.campaign).first()
    if payload.campaign and campaign is None:
        errors["campaign"] = [f"专项行动 {payload.campaign} 不存在"]
    if errors:
        return _rejected(errors)
    data = services.GroupData(
        name=payload.name, leader=leader, members=members, start=payload.start, end=payload.end, campaign=campaign
    )
    try:
        group = services.group_create(actor=actor, data=data)
    except services.PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.InspectionError as exc:
        return _rejected(exc.errors)
    return Status(201, group_out(selectors.group_list(actor).get(pk=group.pk)))


@router.get(
    "/checklists",
    response=list[ChecklistOut],
    summary="检查表",
    description="启用的行业检查表及其检查项（检查内容、检查依据、是否涉及重大隐患）。",
)
def checklists_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [checklist_out(c) for c in selectors.checklists()]


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
    item = (
        ChecklistItem.objects.filter(pk=item_id, checklist_id=inspection.checklist_id).first()
        if inspection.checklist_id is not None
        else None
    )
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


@router.post(
    "/{inspection_id}/attachments",
    response={201: InspectionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="上传检查照片与材料",
    description=(
        f"multipart/form-data：`files`（可多个：照片 JPEG、PNG、WebP 或 PDF 文件，每个不超过 "
        f"{MAX_PHOTO_BYTES // (1024 * 1024)}MB，一次最多 {MAX_PHOTOS} 个）。照片重新编码为 JPEG"
        "（只保留拍摄位置和时间），PDF 原样保存；SHA-256 按保存的内容在上传时计算。返回更新后的检查记录。"
    ),
)
def inspections_attach(request: HttpRequest, inspection_id: int, files: File[list[UploadedFile]]) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    inspection = _get(request, inspection_id)
    try:
        services.inspection_attach(actor=actor, inspection=inspection, files=files)
    except services.PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.InspectionError as exc:
        return _rejected(exc.errors)
    return Status(201, inspection_out(selectors.inspection_get(actor, inspection.pk)))


@router.get(
    "/{inspection_id}/attachments/{attachment_id}",
    summary="下载检查照片与材料",
    description="文件内容；响应头 `X-Content-SHA256` 为上传时记录的哈希。",
    response={200: None},
)
def inspections_attachment_file(request: HttpRequest, inspection_id: int, attachment_id: int) -> FileResponse:
    try:
        item = selectors.attachment_get(request.auth, inspection_id, attachment_id)  # type: ignore[attr-defined]
    except Http404 as exc:
        raise HttpError(404, "未找到该文件") from exc
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["X-Content-SHA256"] = item.sha256
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline" if item.is_image else "attachment"
    return response


@router.post(
    "/{inspection_id}/close",
    response={200: InspectionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="结案",
    description="本次检查发现的隐患全部销号后才能结案；否则 409，`detail` 说明尚有几项未销号。",
)
def inspections_close(request: HttpRequest, inspection_id: int) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    inspection = _get(request, inspection_id)
    try:
        services.inspection_close_case(actor=actor, inspection=inspection)
    except services.PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.InspectionError as exc:
        return Status(409, {"detail": str(exc), "errors": exc.errors})
    return Status(200, inspection_out(selectors.inspection_get(actor, inspection.pk)))
