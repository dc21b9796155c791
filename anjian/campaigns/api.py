"""Campaigns API: 专项行动 and their roadmap tasks (重点任务), scoped like the UI.

Reads go through ``anjian.campaigns.selectors`` (scope first), writes through the services.
404 not found or out of scope, 403 role or region not allowed, 422 invalid data with reasons
by field — all in Chinese, as the other APIs.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from anjian.accounts.models import Organization, OrgKind
from anjian.campaigns import selectors, services
from anjian.campaigns.models import Campaign, Task

router = Router(tags=["专项行动"])
MAX_PAGE_SIZE = 200


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


def paginate(qs: QuerySet[Any], page: int, size: int, out: Any) -> dict[str, Any]:
    """The common page envelope of the APIs: count, page, page_size, pages, items."""
    count = qs.count()
    offset = (page - 1) * size
    return {
        "count": count,
        "page": page,
        "page_size": size,
        "pages": max(1, math.ceil(count / size)),
        "items": [out(obj) for obj in qs[offset : offset + size]],
    }


def rejected(errors: dict[str, list[str]]) -> Status:
    detail = "；".join(m for ms in errors.values() for m in ms)
    return Status(422, {"detail": detail or "提交的数据有误", "errors": errors})


def denied(message: str) -> Status:
    return Status(403, {"detail": message})


# --- schemas ---------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    name: str
    parent: int | None
    parent_name: str | None
    start: dt.date
    end: dt.date
    lead_department: int | None
    lead_department_name: str | None
    region_code: str
    description: str
    tasks_total: int
    tasks_done: int


class CampaignPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[CampaignOut]


class CampaignQuery(Schema):
    q: str | None = Field(None, description="名称包含")
    parent: int | None = Field(None, description="上级行动 id")
    region: str | None = Field(None, description="所属区划代码前缀")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class CampaignIn(Schema):
    name: str
    start: dt.date
    end: dt.date
    region_code: str = Field(description="所属区划代码（6、9或12位）")
    parent: int | None = Field(None, description="上级行动 id")
    lead_department: int | None = Field(None, description="牵头部门 id")
    description: str = ""


class CampaignPatch(Schema):
    name: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    region_code: str | None = None
    parent: int | None = None
    lead_department: int | None = None
    description: str | None = None


class TaskOut(Schema):
    id: int
    campaign: int
    campaign_name: str
    number: str
    content: str
    due: dt.date
    responsible: str
    completed_on: dt.date | None
    progress: str


class TaskIn(Schema):
    number: str
    content: str
    due: dt.date
    responsible: str
    completed_on: dt.date | None = None
    progress: str = ""


class TaskPatch(Schema):
    number: str | None = None
    content: str | None = None
    due: dt.date | None = None
    responsible: str | None = None
    completed_on: dt.date | None = None
    progress: str | None = None


class CompleteIn(Schema):
    completed_on: dt.date = Field(description="完成日期")
    progress: str = Field("", description="进展情况")


def campaign_out(c: Campaign) -> dict[str, Any]:
    tasks = list(c.tasks.all())
    return {
        "id": c.pk,
        "name": c.name,
        "parent": c.parent_id,
        "parent_name": c.parent.name if c.parent else None,
        "start": c.start,
        "end": c.end,
        "lead_department": c.lead_department_id,
        "lead_department_name": c.lead_department.name if c.lead_department else None,
        "region_code": c.region_code,
        "description": c.description,
        "tasks_total": len(tasks),
        "tasks_done": sum(1 for t in tasks if t.completed_on is not None),
    }


def task_out(t: Task) -> dict[str, Any]:
    return {
        "id": t.pk,
        "campaign": t.campaign_id,
        "campaign_name": t.campaign.name,
        "number": t.number,
        "content": t.content,
        "due": t.due,
        "responsible": t.responsible,
        "completed_on": t.completed_on,
        "progress": t.progress,
    }


def _campaign(actor: Any, pk: int) -> Campaign:
    try:
        return selectors.campaign_get(actor, pk)
    except Http404 as exc:
        raise HttpError(404, "未找到该专项行动") from exc


def _task(actor: Any, pk: int) -> Task:
    try:
        return selectors.task_get(actor, pk)
    except Http404 as exc:
        raise HttpError(404, "未找到该重点任务") from exc


def _campaign_data(actor: Any, values: dict[str, Any]) -> services.CampaignData:
    """Ids → objects; a parent or department the caller cannot see is reported as not found (422)."""
    errors: dict[str, list[str]] = {}
    parent = None
    if values.get("parent") is not None:
        parent = selectors.campaign_queryset(actor).filter(pk=values["parent"]).first()
        if parent is None:
            errors["parent"] = [f"上级行动 {values['parent']} 不存在"]
    department = None
    if values.get("lead_department") is not None:
        department = Organization.objects.filter(pk=values["lead_department"], kind=OrgKind.DEPARTMENT).first()
        if department is None:
            errors["lead_department"] = [f"牵头部门 {values['lead_department']} 不存在"]
    if errors:
        raise services.CampaignError(errors)
    return services.CampaignData(
        name=values["name"],
        start=values["start"],
        end=values["end"],
        region_code=values["region_code"],
        parent=parent,
        lead_department=department,
        description=values.get("description") or "",
    )


# --- campaigns -------------------------------------------------------------------------------


@router.get("", response=CampaignPage, summary="专项行动列表", description="本辖区及上级区划的专项行动。")
def campaigns_list(request: HttpRequest, filters: Query[CampaignQuery]) -> dict[str, Any]:
    qs = selectors.campaign_list(request.auth, filters.q or "")  # type: ignore[attr-defined]
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.region:
        qs = qs.filter(region_code__startswith=filters.region.strip())
    return paginate(qs.prefetch_related("tasks"), filters.page, filters.page_size, campaign_out)


@router.post(
    "",
    response={201: CampaignOut, 403: ErrorOut, 422: ErrorOut},
    summary="登记专项行动",
    description="县级管理员、部门监管员、乡镇监管员可在其管辖区划内登记。",
)
def campaigns_create(request: HttpRequest, payload: CampaignIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    if actor.role not in services.WRITERS:
        return denied(f"{actor.get_role_display()}无权登记专项行动")
    try:
        campaign = services.campaign_create(actor=actor, data=_campaign_data(actor, payload.model_dump()))
    except services.PermissionDenied as exc:
        return denied(str(exc))
    except services.CampaignError as exc:
        return rejected(exc.errors)
    return Status(201, campaign_out(selectors.campaign_get(actor, campaign.pk)))


@router.get("/{campaign_id}", response={200: CampaignOut, 404: ErrorOut}, summary="专项行动详情")
def campaigns_detail(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return campaign_out(_campaign(request.auth, campaign_id))  # type: ignore[attr-defined]


@router.patch(
    "/{campaign_id}",
    response={200: CampaignOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="修改专项行动",
    description="只改所给字段；只能修改本区划的专项行动（上级区划的只读）。",
)
def campaigns_update(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    campaign = _campaign(actor, campaign_id)
    if actor.role not in services.WRITERS:
        return denied(f"{actor.get_role_display()}无权修改专项行动")
    values = {
        "name": campaign.name,
        "start": campaign.start,
        "end": campaign.end,
        "region_code": campaign.region_code,
        "parent": campaign.parent_id,
        "lead_department": campaign.lead_department_id,
        "description": campaign.description,
    }
    values.update(payload.model_dump(exclude_unset=True))
    for name in ("name", "start", "end", "region_code"):
        if values[name] is None:
            return rejected({name: ["该项不能为空"]})
    try:
        services.campaign_update(actor=actor, campaign=campaign, data=_campaign_data(actor, values))
    except services.PermissionDenied as exc:
        return denied(str(exc))
    except services.CampaignError as exc:
        return rejected(exc.errors)
    return Status(200, campaign_out(selectors.campaign_get(actor, campaign.pk)))


# --- tasks -----------------------------------------------------------------------------------


@router.get("/{campaign_id}/tasks", response={200: list[TaskOut], 404: ErrorOut}, summary="重点任务列表")
def campaigns_tasks(request: HttpRequest, campaign_id: int) -> list[dict[str, Any]]:
    actor = request.auth  # type: ignore[attr-defined]
    campaign = _campaign(actor, campaign_id)
    return [task_out(t) for t in selectors.task_list(actor, campaign)]


@router.post(
    "/{campaign_id}/tasks",
    response={201: TaskOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="添加重点任务",
)
def campaigns_task_create(request: HttpRequest, campaign_id: int, payload: TaskIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    campaign = _campaign(actor, campaign_id)
    if actor.role not in services.WRITERS:
        return denied(f"{actor.get_role_display()}无权登记重点任务")
    try:
        task = services.task_create(actor=actor, data=services.TaskData(campaign=campaign, **payload.model_dump()))
    except services.PermissionDenied as exc:
        return denied(str(exc))
    except services.CampaignError as exc:
        if "campaign" in exc.errors:
            return denied("、".join(exc.errors["campaign"]))
        return rejected(exc.errors)
    return Status(201, task_out(selectors.task_get(actor, task.pk)))


@router.patch(
    "/tasks/{task_id}",
    response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="修改重点任务",
)
def campaigns_task_update(request: HttpRequest, task_id: int, payload: TaskPatch) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    task = _task(actor, task_id)
    if actor.role not in services.WRITERS:
        return denied(f"{actor.get_role_display()}无权修改重点任务")
    values: dict[str, Any] = {
        n: getattr(task, n) for n in ("number", "content", "due", "responsible", "completed_on", "progress")
    }
    values.update(payload.model_dump(exclude_unset=True))
    for name in ("number", "content", "due", "responsible"):
        if values[name] is None:
            return rejected({name: ["该项不能为空"]})
    values["progress"] = values["progress"] or ""
    try:
        services.task_update(actor=actor, task=task, data=services.TaskData(campaign=task.campaign, **values))
    except services.PermissionDenied as exc:
        return denied(str(exc))
    except services.CampaignError as exc:
        if "campaign" in exc.errors:
            return denied("、".join(exc.errors["campaign"]))
        return rejected(exc.errors)
    return Status(200, task_out(selectors.task_get(actor, task.pk)))


@router.post(
    "/tasks/{task_id}/complete",
    response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="标记重点任务完成",
    description="填写完成日期和进展情况；再次标记则改为新的完成日期。",
)
def campaigns_task_complete(request: HttpRequest, task_id: int, payload: CompleteIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    task = _task(actor, task_id)
    if actor.role not in services.WRITERS:
        return denied(f"{actor.get_role_display()}无权标记重点任务完成")
    try:
        services.task_complete(actor=actor, task=task, on=payload.completed_on, progress=payload.progress)
    except services.PermissionDenied as exc:
        return denied(str(exc))
    except services.CampaignError as exc:
        return rejected(exc.errors)
    return Status(200, task_out(selectors.task_get(actor, task.pk)))


# --- 月度考核 (read-only) -----------------------------------------------------------------------------
# The same readers as the pages (services.ASSESSMENT_READERS; others 403) and the same scope (another
# county's campaign, scheme or assessment is 404). Published months are snapshots: they read the same
# every time, whatever was recorded since.


class AssessmentItemOut(Schema):
    indicator: str = Field(description="统计指标代码（indicators.md）")
    name: str
    direction: str = Field(description="at_least 不少于 / at_most 不多于")
    quota: str = Field(description="月度指标（默认值；各考核对象的单独指标见每行的 quota）")
    points: str = Field(description="分值")


class AssessmentSchemeOut(Schema):
    id: int
    campaign: int
    group: str = Field(description="township 乡镇（街道）/ department 监管部门")
    adjustment_limit: str = Field(description="每月加减分上限（绝对值）")
    items: list[AssessmentItemOut]


class AssessmentCellOut(Schema):
    indicator: str
    figure: str = Field(description="指标值，按统计目录的格式（比率为百分数）")
    quota: str
    score: str


class AssessmentAdjustmentOut(Schema):
    points: str
    reason: str


class AssessmentRowOut(Schema):
    rank: int = Field(description="名次：总分相同者名次相同（1、2、2、4）")
    key: str = Field(description="乡镇区划代码或部门 id")
    name: str
    cells: list[AssessmentCellOut]
    item_total: str
    adjustments: list[AssessmentAdjustmentOut]
    total: str


class AssessmentSummaryOut(Schema):
    id: int
    scheme: int
    month: str = Field(description="考核月份 YYYY-MM")
    status: str = Field(description="draft 草稿 / published 已通报")
    as_of: dt.date = Field(description="数据截至")
    published_at: dt.datetime | None


class AssessmentOut(AssessmentSummaryOut):
    rows: list[AssessmentRowOut]


def _scheme_out(s: Any) -> dict[str, Any]:
    from anjian.stats import indicators as ind

    return {
        "id": s.pk, "campaign": s.campaign_id, "group": s.group, "adjustment_limit": str(s.adjustment_limit),
        "items": [{"indicator": i.indicator, "name": ind.BY_CODE[i.indicator].name if i.indicator in ind.BY_CODE
                   else i.indicator, "direction": i.direction, "quota": str(i.quota), "points": str(i.points)}
                  for i in s.items.all()],
    }


def _assessment_summary(a: Any) -> dict[str, Any]:
    return {"id": a.pk, "scheme": a.scheme_id, "month": a.month.strftime("%Y-%m"), "status": a.status,
            "as_of": a.as_of, "published_at": a.published_at}


def _check_assessment_reader(actor: Any) -> None:
    if actor.role not in services.ASSESSMENT_READERS:
        raise HttpError(403, f"{actor.get_role_display()}无权查看月度考核")


@router.get(
    "/{campaign_id}/assessment-schemes",
    response={200: list[AssessmentSchemeOut], 403: ErrorOut, 404: ErrorOut},
    summary="专项行动的考核细则",
)
def campaign_schemes(request: HttpRequest, campaign_id: int) -> list[dict[str, Any]]:
    actor = request.auth  # type: ignore[attr-defined]
    _check_assessment_reader(actor)
    return [_scheme_out(s) for s in selectors.scheme_list(actor, _campaign(actor, campaign_id))]


@router.get(
    "/assessment-schemes/{scheme_id}/assessments",
    response={200: list[AssessmentSummaryOut], 403: ErrorOut, 404: ErrorOut},
    summary="考核细则下的各月考核",
)
def scheme_assessments(request: HttpRequest, scheme_id: int) -> list[dict[str, Any]]:
    actor = request.auth  # type: ignore[attr-defined]
    _check_assessment_reader(actor)
    try:
        scheme = selectors.scheme_get(actor, scheme_id)
    except Http404 as exc:
        raise HttpError(404, "未找到该考核细则") from exc
    return [_assessment_summary(a) for a in selectors.assessment_list(actor, scheme)]


@router.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentOut, 403: ErrorOut, 404: ErrorOut},
    summary="月度考核结果（排名、各项指标值与得分、加减分）",
)
def assessment_detail(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    actor = request.auth  # type: ignore[attr-defined]
    _check_assessment_reader(actor)
    try:
        a = selectors.assessment_get(actor, assessment_id)
    except Http404 as exc:
        raise HttpError(404, "未找到该月度考核") from exc
    rows = [
        {"rank": r.rank, "key": r.key, "name": r.name,
         "cells": [{"indicator": c.code, "figure": c.text, "quota": str(c.quota), "score": str(c.score)}
                   for c in r.cells],
         "item_total": str(r.item_total),
         "adjustments": [{"points": str(x.points), "reason": x.reason} for x in r.adjustments],
         "total": str(r.total)}
        for r in selectors.assessment_table(a)
    ]
    return {**_assessment_summary(a), "rows": rows}
