"""Enforcement API: actions, their documents, interviews — scoped exactly like the UI.

Reads go through ``selectors`` (scope first), writes through ``services``/``documents``
(validation, audit). 401 not signed in, 403 role not allowed, 404 not found or out of scope,
422 invalid data with reasons by field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from anjian.core.scope import scoped
from anjian.enforcement import selectors, services
from anjian.enforcement.documents import document_issue
from anjian.enforcement.models import Document, EnforcementAction, Interview
from anjian.hazards.models import Hazard
from anjian.inspections.models import Inspection
from anjian.units.models import Unit

router = Router(tags=["执法与约谈曝光"])
MAX_ITEMS = 200


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class PenaltyEventOut(Schema):
    stage: str
    stage_label: str
    date: dt.date
    amount: Decimal | None
    note: str


class DocumentOut(Schema):
    id: int
    doc_type: str
    doc_type_label: str
    number: str
    issued_on: dt.date
    sha256: str


class ActionOut(Schema):
    id: int
    number: str
    unit_id: int
    unit_name: str
    kind: str
    kind_label: str
    date: dt.date
    inspection_id: int | None
    hazard_ids: list[int]
    cause: str
    legal_basis: str
    fine_initial: Decimal | None
    fine_current: Decimal | None
    penalty_events: list[PenaltyEventOut] = []
    documents: list[DocumentOut] = []


class ActionIn(Schema):
    unit_id: int
    kind: str
    date: dt.date
    number: str = ""
    inspection_id: int | None = None
    hazard_ids: list[int] = []
    cause: str = ""
    legal_basis: str = ""
    fine: Decimal | None = None


class DocumentIn(Schema):
    doc_type: str


class InterviewOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    date: dt.date
    unit_ids: list[int] = Field(description="被约谈（通报、曝光）的单位中调用者管辖范围内的")
    unit_names: list[str]
    other_units: int = Field(0, description="涉及的其他单位（不在调用者管辖范围内）数量")
    persons: int
    person_names: str = ""
    reason: str
    campaign_id: int | None = None


class PenaltyIn(Schema):
    stage: str
    date: dt.date
    amount: Decimal | None = None
    note: str = ""


class InterviewIn(Schema):
    kind: str
    date: dt.date
    unit_ids: list[int]
    number: str = ""
    persons: int = 0
    person_names: str = ""
    reason: str = ""


def document_out(d: Document) -> dict[str, Any]:
    return {
        "id": d.pk,
        "doc_type": d.doc_type,
        "doc_type_label": d.get_doc_type_display(),
        "number": d.number,
        "issued_on": d.issued_on,
        "sha256": d.sha256,
    }


def action_out(a: EnforcementAction, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.pk,
        "number": a.number,
        "unit_id": a.unit_id,
        "unit_name": a.unit.name,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "date": a.date,
        "inspection_id": a.inspection_id,
        "hazard_ids": [h.pk for h in a.hazards.all()],
        "cause": a.cause,
        "legal_basis": a.legal_basis,
        "fine_initial": a.fine_initial,
        "fine_current": a.fine_current,
    }
    if detail:
        out["penalty_events"] = [
            {"stage": e.stage, "stage_label": e.get_stage_display(), "date": e.date, "amount": e.amount, "note": e.note}
            for e in a.penalty_events.all()
        ]
        out["documents"] = [document_out(d) for d in a.documents.order_by("issued_on", "id")]
    return out


def interview_out(i: Interview, visible: set[int] | None = None) -> dict[str, Any]:
    """An interview as the API shows it; named units outside the caller's scope are left out
    (an interview may also name units of another township), with their number."""
    named = list(i.units.all())
    units = [u for u in named if visible is None or u.pk in visible]
    return {
        "id": i.pk,
        "number": i.number,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "date": i.date,
        "unit_ids": [u.pk for u in units],
        "unit_names": [u.name for u in units],
        "other_units": len(named) - len(units),
        "persons": i.persons,
        "person_names": i.person_names,
        "reason": i.reason,
        "campaign_id": i.campaign_id,
    }


def _visible_units(actor: Any, interviews: list[Interview]) -> set[int]:
    """Which of the units these interviews name the caller may see (one query)."""
    ids = {u.pk for i in interviews for u in i.units.all()}
    return set(scoped(actor, Unit.objects.filter(pk__in=ids)).values_list("pk", flat=True))


def _rejected(exc: services.EnforcementError) -> Status:
    detail = "；".join(m for messages in exc.errors.values() for m in messages)
    return Status(422, {"detail": detail or "提交的数据有误", "errors": exc.errors})


def _forbidden(actor: Any) -> Status | None:
    if actor.role in services.ENFORCERS:
        return None
    return Status(403, {"detail": f"{actor.get_role_display()}无权办理执法事项"})


def _action(request: HttpRequest, action_id: int) -> EnforcementAction:
    try:
        return selectors.action_get(request.auth, action_id)  # type: ignore[attr-defined]
    except Http404 as exc:
        raise HttpError(404, "未找到该执法记录") from exc


def _units(actor: Any, ids: list[int]) -> list[Unit]:
    units = list(scoped(actor, Unit.objects.filter(pk__in=ids)))
    if len(units) != len(set(ids)):
        raise services.EnforcementError({"unit_id": ["单位不存在或不在您的管辖范围内"]})
    return units


@router.get("/actions", response=list[ActionOut], summary="执法记录列表")
def actions_list(request: HttpRequest, kind: str = "", q: str = "", year: int | None = None) -> list[dict[str, Any]]:
    filters = selectors.ActionFilters(q=q, kind=kind, year=year)
    qs = selectors.action_list(request.auth, filters).prefetch_related("hazards")[:MAX_ITEMS]  # type: ignore[attr-defined]
    return [action_out(a) for a in qs]


@router.post("/actions", response={201: ActionOut, 403: ErrorOut, 422: ErrorOut}, summary="新增执法措施")
def actions_create(request: HttpRequest, payload: ActionIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    if (denied := _forbidden(actor)) is not None:
        return denied
    try:
        unit = _units(actor, [payload.unit_id])[0]
        inspection = None
        if payload.inspection_id is not None:
            inspection = scoped(actor, Inspection.objects.filter(pk=payload.inspection_id)).first()
            if inspection is None:
                raise services.EnforcementError({"inspection_id": ["检查记录不存在或不在您的管辖范围内"]})
        hazards = list(scoped(actor, Hazard.objects.filter(pk__in=payload.hazard_ids)))
        if len(hazards) != len(set(payload.hazard_ids)):
            raise services.EnforcementError({"hazard_ids": ["隐患不存在或不在您的管辖范围内"]})
        data = services.ActionData(
            unit=unit,
            kind=payload.kind,
            date=payload.date,
            number=payload.number,
            inspection=inspection,
            hazards=hazards,
            cause=payload.cause,
            legal_basis=payload.legal_basis,
            fine=payload.fine,
        )
        action = services.action_create(actor=actor, data=data)
    except services.PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.EnforcementError as exc:
        return _rejected(exc)
    return Status(201, action_out(selectors.action_get(actor, action.pk), detail=True))


@router.get("/actions/{action_id}", response=ActionOut, summary="执法记录详情（含处罚变更和文书）")
def actions_detail(request: HttpRequest, action_id: int) -> dict[str, Any]:
    return action_out(_action(request, action_id), detail=True)


@router.post(
    "/actions/{action_id}/documents",
    response={201: DocumentOut, 403: ErrorOut, 422: ErrorOut},
    summary="签发执法文书",
    description="文书类型：site_record 现场检查记录、rectify_order 责令限期整改指令书、"
    "review_opinion 整改复查意见书、penalty_decision 行政处罚决定书。文号自动编排，不重号、不跳号。",
)
def actions_document(request: HttpRequest, action_id: int, payload: DocumentIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    action = _action(request, action_id)
    if (denied := _forbidden(actor)) is not None:
        return denied
    try:
        document = document_issue(actor=actor, doc_type=payload.doc_type, action=action)
    except services.PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.EnforcementError as exc:
        return _rejected(exc)
    return Status(201, document_out(document))


@router.post(
    "/actions/{action_id}/penalty",
    response={201: PenaltyEventOut, 403: ErrorOut, 422: ErrorOut},
    summary="记录处罚变更（变更、复议、诉讼、缴纳、强制执行）",
    description="stage：amended 变更、reconsidered 行政复议、litigated 行政诉讼、paid 缴纳罚款、enforced 强制执行。"
    "amount 仅变更、复议、诉讼可填，为此后现行的罚款金额。",
)
def actions_penalty(request: HttpRequest, action_id: int, payload: PenaltyIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    action = _action(request, action_id)
    if (denied := _forbidden(actor)) is not None:
        return denied
    try:
        event = services.penalty_record(
            actor=actor,
            action=action,
            stage=payload.stage,
            date=payload.date,
            amount=payload.amount,
            note=payload.note,
        )
    except services.PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.EnforcementError as exc:
        return _rejected(exc)
    return Status(
        201,
        {
            "stage": event.stage,
            "stage_label": event.get_stage_display(),
            "date": event.date,
            "amount": event.amount,
            "note": event.note,
        },
    )


@router.get("/interviews", response=list[InterviewOut], summary="约谈、通报、警示曝光列表")
def interviews_list(request: HttpRequest, kind: str = "", q: str = "") -> list[dict[str, Any]]:
    items = list(selectors.interview_list(request.auth, kind, q)[:MAX_ITEMS])  # type: ignore[attr-defined]
    visible = _visible_units(request.auth, items)  # type: ignore[attr-defined]
    return [interview_out(i, visible) for i in items]


@router.post(
    "/interviews", response={201: InterviewOut, 403: ErrorOut, 422: ErrorOut}, summary="新增约谈、通报、警示曝光"
)
def interviews_create(request: HttpRequest, payload: InterviewIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    if (denied := _forbidden(actor)) is not None:
        return denied
    try:
        data = services.InterviewData(
            kind=payload.kind,
            date=payload.date,
            units=_units(actor, payload.unit_ids),
            number=payload.number,
            persons=payload.persons,
            person_names=payload.person_names,
            reason=payload.reason,
        )
        interview = services.interview_create(actor=actor, data=data)
    except services.PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.EnforcementError as exc:
        return _rejected(exc)
    return Status(201, interview_out(interview, _visible_units(actor, [interview])))


@router.get("/interviews/{interview_id}", response=InterviewOut, summary="约谈、通报、警示曝光详情")
def interviews_detail(request: HttpRequest, interview_id: int) -> dict[str, Any]:
    try:
        interview = selectors.interview_get(request.auth, interview_id)  # type: ignore[attr-defined]
    except Http404 as exc:
        raise HttpError(404, "未找到该记录") from exc
    return interview_out(interview, _visible_units(request.auth, [interview]))  # type: ignore[attr-defined]
