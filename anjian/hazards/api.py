"""Hazards API: the closed loop (report → claim → submit → verify) for programs and phones.

Thin by design (ARCHITECTURE.md): reads go through ``anjian.hazards.selectors`` (scope
first: a hazard out of the caller's scope is a 404, exactly like one that does not exist),
writes through ``anjian.hazards.services``, and who may take which step is asked of the one
table in ``anjian.hazards.workflow``. Errors are Chinese, in the shape of the rest of the API:

* 401 not signed in; 404 not found or out of scope;
* 403 the caller's role may never take this step (e.g. a grid worker verifying);
* 409 the role may take it, but not now: the hazard's state or level forbids it, or it is
  already done (signed, under supervision, extension decided);
* 422 invalid data, with reasons by field (``errors``).

A rejected request changes nothing: the services validate before they write, inside one
transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Form, Header, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from anjian.accounts.roles import Role
from anjian.hazards import services, workflow
from anjian.hazards.filters import filters_from_params
from anjian.hazards.models import (
    Attachment,
    AttachmentKind,
    Hazard,
    HazardEvent,
    Level,
    SelfCheckLevel,
    SignoffParty,
    Source,
)
from anjian.hazards.models import Status as HazardStatus
from anjian.hazards.photos import evidence_from_upload
from anjian.hazards.selectors import criteria_for, extension_get, hazard_get, hazard_list
from anjian.hazards.services import HazardData, HazardError
from anjian.hazards.workflow import StepDenied
from anjian.units.models import Unit
from anjian.units.selectors import unit_queryset

if TYPE_CHECKING:
    from anjian.accounts.models import User

router = Router(tags=["隐患排查治理"])

MAX_PAGE_SIZE = 200
# The IdempotencyKey.key column is 128 characters; a longer key would fail in the database.
MAX_IDEMPOTENCY_KEY = 128
# Anyone who may report from at least one source (services.REPORTERS says which source).
REPORTER_ROLES: frozenset[Role] = frozenset().union(*services.REPORTERS.values())
# Who may upload evidence (services.hazard_attach checks the same; here it chooses 403 over 409).
ATTACH_ROLES = workflow.SUPERVISORS | workflow.UNIT
# Service field names → the API's (the API names references by id).
FIELD_NAMES = {"unit": "unit_id", "criterion": "criterion_id"}

DENIED_DOC = "403：当前角色无权执行此步骤；409：隐患当前状态、等级不允许，或已办理（已签字、已在督办中、延期已审批）。"


# --- Schemas ----------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class CriterionOut(Schema):
    id: int
    standard: str
    doc_no: str
    industry: str
    item: str
    text: str


class AttachmentOut(Schema):
    id: int
    kind: str = Field(description="found 隐患照片 / rectified 整改材料 / verified 验收材料 / plan 治理方案材料")
    kind_display: str
    name: str
    content_type: str
    size: int
    sha256: str = Field(description="上传时计算的 SHA-256，同时记入事件链")
    url: str = Field(description="下载地址（需登录，按管辖范围）")
    lat: float | None
    lng: float | None
    uploaded_at: str


class SignoffOut(Schema):
    party: str = Field(description="unit_principal / group_leader / supervisor")
    party_display: str
    user_name: str
    signed_at: str
    round: int


class SupervisionOut(Schema):
    id: int
    org_name: str
    placed_by_name: str
    placed_on: dt.date
    until: dt.date
    lifted_by_name: str | None
    lifted_on: dt.date | None


class ExtensionOut(Schema):
    id: int
    status: str = Field(description="pending 待审批 / approved 已批准 / rejected 已驳回")
    status_display: str
    reason: str
    old_deadline: dt.date
    new_deadline: dt.date
    requested_by_name: str
    requested_at: str
    decided_by_name: str | None
    decided_at: str | None
    decision_note: str


class EventOut(Schema):
    seq: int
    kind: str
    label: str = Field(description="事件名称（中文）")
    actor_name: str
    at: str
    note: str
    data: dict[str, Any]
    hash: str = Field(description="本事件的哈希（含前一事件哈希，构成哈希链）")


class HazardOut(Schema):
    id: int
    number: str = Field(description="隐患编号")
    unit_id: int
    unit_name: str
    region_code: str
    sector: str
    sector_name: str
    grid_id: int | None
    level: str = Field(description="general 一般 / major 重大")
    level_display: str
    status: str = Field(description="reported 待认领 / rectifying 整改中 / submitted 待验收 / closed 已销号")
    status_display: str
    source: str = Field(description="inspection 检查 / self_check 企业自查 / grid 网格员报告 / public 群众举报")
    source_display: str
    self_check_level: str
    inspection_ref: str
    description: str
    category: str
    location: str
    found_on: dt.date
    deadline: dt.date
    overdue: bool = Field(description="已过整改期限且未销号")
    on_the_spot: bool
    measures: str
    responsible_person: str
    funds: str | None = Field(description="整改资金（元），两位小数")
    rectified_on: dt.date | None
    closed_on: dt.date | None
    criterion: CriterionOut | None = Field(description="重大隐患所符合的判定标准条款")
    plan: dict[str, str] = Field(description="治理方案：goal, measures, funds, people, time_limit, safety")
    supervised: bool = Field(description="正在挂牌督办")
    supervision: SupervisionOut | None = Field(description="当前的挂牌督办")
    signoffs: list[SignoffOut] = Field(description="本轮验收的三方签字（重大隐患）")
    missing_signoffs: list[str] = Field(description="本轮尚缺的签字方（重大隐患）")
    extensions: list[ExtensionOut]
    available_steps: list[str] = Field(
        description=(
            "当前用户现在可执行的步骤（workflow.STEPS 的名称）：claim、submit、verify_pass / verify_fail（/verify）、"
            "extend_request（/extend）、extend_decide（/extensions/{ext_id}/decide）、plan、"
            "supervise / lift（/supervise）、sign"
        )
    )
    attachments: list[AttachmentOut]
    verifier_org: str | None = Field(description="验收单位")
    reported_by_name: str | None
    event_count: int
    created_at: str
    updated_at: str


class HazardDetailOut(HazardOut):
    events: list[EventOut] = Field(description="时间线：只追加、哈希链接的事件")


class HazardPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[HazardOut]


class HazardQuery(Schema):
    """The filters of the hazard list page (anjian.hazards.filters), plus paging."""

    status: str | None = Field(None, description="reported / rectifying / submitted / closed")
    level: str | None = Field(None, description="general / major")
    overdue: str | None = Field(None, description="1 仅逾期，0 仅未逾期")
    township: str | None = Field(None, description="乡镇区划代码（9 位）")
    grid: str | None = Field(None, description="网格 id")
    sector: str | None = Field(None, description="行业领域代码")
    source: str | None = Field(None, description="inspection / self_check / grid / public")
    unit: str | None = Field(None, description="单位 id")
    found_from: str | None = Field(None, description="发现日期起（YYYY-MM-DD）")
    found_to: str | None = Field(None, description="发现日期止")
    deadline_from: str | None = Field(None, description="整改期限起")
    deadline_to: str | None = Field(None, description="整改期限止")
    q: str | None = Field(None, description="描述、编号或单位名称")
    region: str | None = Field(None, description="区划代码前缀")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def _enum(values: Iterable[str]) -> dict[str, Any]:
    # Listed in the OpenAPI schema, but validated by the services, whose reasons are better Chinese.
    return {"enum": list(values)}


class HazardIn(Schema):
    unit_id: int = Field(description="单位 id（须在本人管辖范围内）")
    description: str = Field(description="隐患描述")
    level: str = Field(description="general 一般 / major 重大", json_schema_extra=_enum(Level.values))
    found_on: dt.date = Field(description="发现日期")
    deadline: dt.date = Field(description="整改期限")
    source: str = Field(
        description="inspection 检查 / self_check 企业自查 / grid 网格员报告 / public 群众举报",
        json_schema_extra=_enum(Source.values),
    )
    category: str = Field("", description="隐患类别")
    location: str = Field("", description="具体位置")
    self_check_level: str = Field(
        "",
        description="企业自查层级：post 岗位 / team 班组 / workshop 车间(项目) / enterprise 企业",
        json_schema_extra=_enum(["", *SelfCheckLevel.values]),
    )
    inspection_ref: str = Field("", description="检查编号")
    criterion_id: int | None = Field(None, description="重大隐患判定标准条款 id（重大隐患必填，须在发现日期时有效）")
    measures: str = Field("", description="整改措施")
    responsible_person: str = Field("", description="整改责任人")
    funds: Decimal | None = Field(None, description="整改资金（元）")


class NoteIn(Schema):
    note: str = ""


class SubmitIn(Schema):
    note: str = Field(description="整改情况")
    rectified_on: dt.date | None = Field(None, description="整改完成日期，默认今天")


class VerifyIn(Schema):
    passed: bool = Field(description="true 验收通过并销号；false 验收不通过，退回整改")
    note: str = Field("", description="验收意见；不通过时为原因（必填）")


class ExtendIn(Schema):
    new_deadline: dt.date
    reason: str = Field(description="延期理由")


class DecideIn(Schema):
    approved: bool
    note: str = Field("", description="审批意见；驳回时必填")


class PlanIn(Schema):
    goal: str = Field("", description=services.PLAN_FIELDS["goal"])
    measures: str = Field("", description=services.PLAN_FIELDS["measures"])
    funds: str = Field("", description=services.PLAN_FIELDS["funds"])
    people: str = Field("", description=services.PLAN_FIELDS["people"])
    time_limit: str = Field("", description=services.PLAN_FIELDS["time_limit"])
    safety: str = Field("", description=services.PLAN_FIELDS["safety"])


class SuperviseIn(Schema):
    until: dt.date | None = Field(None, description="督办期限（挂牌时必填）")
    note: str = ""
    lift: bool = Field(False, description="true：摘牌（解除挂牌督办）")


class SignIn(Schema):
    party: str = Field(
        description="unit_principal 单位主要负责人 / group_leader 检查组组长 / supervisor 乡镇或行业部门",
        json_schema_extra=_enum(SignoffParty.values),
    )
    note: str = ""


# --- Conversions ------------------------------------------------------------------------


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _name(user: User | None) -> str | None:
    if user is None:
        return None
    return user.full_name or user.get_username()


def _event_label(kind: str) -> str:
    step = workflow.STEPS.get(kind)
    return step.label if step is not None else services.EVENT_LABELS.get(kind, kind)


def attachment_out(item: Attachment) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_display": item.get_kind_display(),
        "name": item.name,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "url": reverse("api:hazard_attachment_file", kwargs={"hazard_id": item.hazard_id, "attachment_id": item.pk}),
        "lat": _float(item.lat),
        "lng": _float(item.lng),
        "uploaded_at": item.uploaded_at.isoformat(),
    }


def event_out(event: HazardEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "kind": event.kind,
        "label": _event_label(event.kind),
        "actor_name": event.actor_name,
        "at": event.at.isoformat(),
        "note": event.note,
        "data": event.data,
        "hash": event.hash,
    }


def hazard_out(actor: User, hazard: Hazard, failed_rounds: int, today: dt.date) -> dict[str, Any]:
    """One hazard as the API shows it; related rows must be prefetched (see ``_PREFETCH``)."""
    round_ = failed_rounds + 1  # services.signoff_round, without a query per hazard
    signoffs = [s for s in hazard.signoffs.all() if s.round == round_]
    signed = {s.party for s in signoffs}
    active = next((s for s in hazard.supervisions.all() if s.lifted_on is None), None)
    criterion = hazard.criterion
    return {
        "id": hazard.pk,
        "number": hazard.number,
        "unit_id": hazard.unit_id,
        "unit_name": hazard.unit.name,
        "region_code": hazard.region_code,
        "sector": hazard.sector.code,
        "sector_name": hazard.sector.name,
        "grid_id": hazard.grid_id,
        "level": hazard.level,
        "level_display": hazard.get_level_display(),
        "status": hazard.status,
        "status_display": hazard.get_status_display(),
        "source": hazard.source,
        "source_display": hazard.get_source_display(),
        "self_check_level": hazard.self_check_level,
        "inspection_ref": hazard.inspection_ref,
        "description": hazard.description,
        "category": hazard.category,
        "location": hazard.location,
        "found_on": hazard.found_on,
        "deadline": hazard.deadline,
        "overdue": hazard.is_overdue(today),
        "on_the_spot": hazard.on_the_spot,
        "measures": hazard.measures,
        "responsible_person": hazard.responsible_person,
        "funds": f"{hazard.funds:.2f}" if hazard.funds is not None else None,
        "rectified_on": hazard.rectified_on,
        "closed_on": hazard.closed_on,
        "criterion": (
            {
                "id": criterion.pk,
                "standard": criterion.standard,
                "doc_no": criterion.doc_no,
                "industry": criterion.industry,
                "item": criterion.item,
                "text": criterion.text,
            }
            if criterion is not None
            else None
        ),
        "plan": {k: str(v) for k, v in (hazard.plan or {}).items()},
        "supervised": active is not None,
        "supervision": (
            {
                "id": active.pk,
                "org_name": active.org.name,
                "placed_by_name": _name(active.placed_by) or "",
                "placed_on": active.placed_on,
                "until": active.until,
                "lifted_by_name": _name(active.lifted_by),
                "lifted_on": active.lifted_on,
            }
            if active is not None
            else None
        ),
        "signoffs": [
            {
                "party": s.party,
                "party_display": s.get_party_display(),
                "user_name": _name(s.user) or "",
                "signed_at": s.signed_at.isoformat(),
                "round": s.round,
            }
            for s in signoffs
        ],
        "missing_signoffs": (
            [SignoffParty(p).label for p in SignoffParty.values if p not in signed]
            if hazard.level == Level.MAJOR and hazard.status != HazardStatus.CLOSED
            else []
        ),
        "extensions": [
            {
                "id": e.pk,
                "status": e.status,
                "status_display": e.get_status_display(),
                "reason": e.reason,
                "old_deadline": e.old_deadline,
                "new_deadline": e.new_deadline,
                "requested_by_name": _name(e.requested_by) or "",
                "requested_at": e.requested_at.isoformat(),
                "decided_by_name": _name(e.decided_by),
                "decided_at": e.decided_at.isoformat() if e.decided_at else None,
                "decision_note": e.decision_note,
            }
            for e in hazard.extensions.all()
        ],
        # The workflow table alone decides; check() reads only the actor and the hazard row.
        "available_steps": [step.name for step in workflow.available(actor, hazard)],
        "attachments": [attachment_out(a) for a in hazard.attachments.all()],
        "verifier_org": hazard.verifier_org.name if hazard.verifier_org is not None else None,
        "reported_by_name": _name(hazard.reported_by),
        "event_count": hazard.event_count,
        "created_at": hazard.created_at.isoformat(),
        "updated_at": hazard.updated_at.isoformat(),
    }


# One query per relation for a whole page instead of one per hazard.
_SELECT = ("unit", "sector", "criterion", "verifier_org", "reported_by")
_PREFETCH = (
    "attachments",
    "signoffs__user",
    "supervisions__org",
    "supervisions__placed_by",
    "supervisions__lifted_by",
    "extensions__requested_by",
    "extensions__decided_by",
)


def _failed_rounds(hazard_ids: list[int]) -> dict[int, int]:
    rows = (
        HazardEvent.objects.filter(hazard_id__in=hazard_ids, kind="verify_fail")
        .values("hazard_id")
        .annotate(n=Count("id"))
    )
    return {row["hazard_id"]: row["n"] for row in rows}


def _detail(actor: User, hazard_id: int) -> dict[str, Any]:
    """The hazard as it is now in the database (after a step), with its timeline."""
    hazard = _get(actor, hazard_id)
    prefetch_related_objects([hazard], *_PREFETCH)
    events = list(hazard.events.order_by("seq"))
    failed = sum(1 for e in events if e.kind == "verify_fail")
    out = hazard_out(actor, hazard, failed, timezone.localdate())
    out["events"] = [event_out(e) for e in events]
    return out


def _get(actor: User, hazard_id: int) -> Hazard:
    try:
        hazard = hazard_get(actor, hazard_id)
    except Http404 as exc:
        # Same answer whether it does not exist or is not the caller's (scope rule).
        raise HttpError(404, "未找到该隐患") from exc
    # hazard_get selects unit, sector, criterion, verifier_org; the reporter is shown too.
    prefetch_related_objects([hazard], "reported_by")
    return hazard


def _field_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {FIELD_NAMES.get(k, k): v for k, v in errors.items()}


def _rejected(exc: HazardError) -> Status[dict[str, Any]]:
    errors = _field_errors(exc.errors)
    detail = "；".join(m for messages in errors.values() for m in messages)
    return Status(422, {"detail": detail or "提交的数据有误", "errors": errors})


def _denied(actor: User, exc: StepDenied, roles: frozenset[Role]) -> Status[dict[str, Any]]:
    # 403 when the role may never do it, 409 when the hazard's state forbids it now.
    return Status(403 if actor.role not in roles else 409, {"detail": str(exc)})


def _run(
    actor: User,
    hazard: Hazard,
    step: str,
    roles: frozenset[Role],
    action: Callable[[], object],
) -> Status[dict[str, Any]]:
    """Take one step and answer the updated hazard, or the Chinese reason it was refused.

    The workflow table is asked first, so that a refused step is refused whatever data came
    with it (as the units API checks the role before the data); the service asks it again
    under the row lock, which settles a race with another request.
    """
    try:
        workflow.check(step, actor, hazard)
        action()
    except StepDenied as exc:
        return _denied(actor, exc, roles)
    except HazardError as exc:
        return _rejected(exc)
    return Status(200, _detail(actor, hazard.pk))


STEP_RESPONSES: dict[int, Any] = {200: HazardDetailOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- Endpoints --------------------------------------------------------------------------


@router.get(
    "",
    response=HazardPage,
    summary="隐患列表",
    description="分页列出当前用户管辖范围内的隐患；筛选参数与网页隐患列表相同。",
)
def hazards_list(request: HttpRequest, filters: Query[HazardQuery]) -> dict[str, Any]:
    actor = request.auth  # type: ignore[attr-defined]
    params = filters.model_dump(exclude={"page", "page_size"}, exclude_none=True)
    qs: QuerySet[Hazard] = hazard_list(actor, filters_from_params(params))
    count = qs.count()
    size = filters.page_size
    pages = max(1, math.ceil(count / size))
    offset = (filters.page - 1) * size
    hazards = list(qs.select_related(*_SELECT).prefetch_related(*_PREFETCH)[offset : offset + size])
    failed = _failed_rounds([h.pk for h in hazards])
    today = timezone.localdate()
    return {
        "count": count,
        "page": filters.page,
        "page_size": size,
        "pages": pages,
        "items": [hazard_out(actor, h, failed.get(h.pk, 0), today) for h in hazards],
    }


@router.post(
    "",
    response={200: HazardDetailOut, 201: HazardDetailOut, 403: ErrorOut, 422: ErrorOut},
    summary="上报隐患",
    description=(
        "上报一条隐患（JSON）；照片随后用 `POST /api/v1/hazards/{id}/attachments` 上传。"
        "请求头 `Idempotency-Key`：同一用户以同一键重试时返回第一次创建的隐患（200），不会重复创建；"
        "首次创建返回 201。检查由监管人员和专家上报，企业自查由单位安全员，网格员报告由网格员，"
        "群众举报由监管人员录入；其他角色 403。"
    ),
)
def hazards_create(
    request: HttpRequest,
    payload: HazardIn,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", description="客户端生成的唯一键（最多128个字符），网络重试时不变"
    ),
) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    if actor.role not in REPORTER_ROLES:
        return Status(403, {"detail": f"{actor.get_role_display()}无权上报隐患"})
    key = (idempotency_key or "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        errors = {"Idempotency-Key": [f"过长（最多{MAX_IDEMPOTENCY_KEY}个字符）"]}
        return Status(422, {"detail": "Idempotency-Key 过长", "errors": errors})
    try:
        data = _hazard_data(actor, payload)
        # _hazard_data fetched the unit through unit_queryset(actor): in scope.
        hazard, created = services.hazard_report(
            actor=actor, data=data, idempotency_key=key, unit_scope_checked=True
        )
    except HazardError as exc:
        return _rejected(exc)
    if created and hazard.event_count == 1:
        return Status(201, _reported_detail(actor, hazard))
    return Status(201 if created else 200, _detail(actor, hazard.pk))


def _reported_detail(actor: User, hazard: Hazard) -> dict[str, Any]:
    """The 201 body of a hazard this request just reported, built from the objects in hand.

    A JSON report carries no files, and nothing else can have happened to the hazard inside its
    own transaction: it has its report event and no attachments, sign-offs, supervisions or
    extensions. Re-reading it through ``_detail`` cost 7 more queries per report (docs/performance.md).
    It is in the reporter's scope by construction: its region, sector and grid are the unit's.
    """
    hazard._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "attachments": [],
        "signoffs": [],
        "supervisions": [],
        "extensions": [],
    }
    hazard.reported_by = actor
    hazard.sector = hazard.unit.sector  # fetched with the unit (_hazard_data)
    events = hazard.new_events  # type: ignore[attr-defined]  # the one report event, as written
    out = hazard_out(actor, hazard, 0, timezone.localdate())
    out["events"] = [event_out(e) for e in events]
    return out


def _hazard_data(actor: User, payload: HazardIn) -> HazardData:
    """Payload → HazardData, resolving ids in scope; an unknown reference is a 422."""
    errors: dict[str, list[str]] = {}
    # Scoped: a unit the caller cannot see reads as one that does not exist.
    # get(), not first(): no ORDER BY to compile and sort for a look-up by id (this runs on every report).
    try:
        unit: Unit | None = unit_queryset(actor).select_related("sector").get(pk=payload.unit_id)
    except Unit.DoesNotExist:
        unit = None
    if unit is None:
        errors["unit_id"] = [f"单位 {payload.unit_id} 不存在或不在您的管辖范围内"]
    criterion = None
    if payload.criterion_id is not None:
        criterion = criteria_for(payload.found_on).filter(pk=payload.criterion_id).first()
        if criterion is None:
            errors["criterion_id"] = [
                f"判定标准条款 {payload.criterion_id} 不存在，或在发现日期 {payload.found_on:%Y-%m-%d} 时未施行"
            ]
    funds = payload.funds
    if funds is not None:
        try:
            funds = funds.quantize(Decimal("0.01"))
            if not funds.is_finite() or funds.adjusted() >= 12:
                raise InvalidOperation
        except InvalidOperation:
            errors["funds"] = ["整改资金应为不超过12位整数的金额"]
    if errors:
        raise HazardError(errors)
    assert unit is not None
    return HazardData(
        unit=unit,
        description=payload.description,
        level=payload.level,
        found_on=payload.found_on,
        deadline=payload.deadline,
        source=payload.source,
        category=payload.category,
        location=payload.location,
        self_check_level=payload.self_check_level,
        inspection_ref=payload.inspection_ref,
        criterion=criterion,
        measures=payload.measures,
        responsible_person=payload.responsible_person,
        funds=funds,
    )


@router.get("/{hazard_id}", response=HazardDetailOut, summary="隐患详情", description="含时间线（事件链）。")
def hazards_detail(request: HttpRequest, hazard_id: int) -> dict[str, Any]:
    return _detail(request.auth, hazard_id)  # type: ignore[attr-defined]


@router.post(
    "/{hazard_id}/attachments",
    response={201: HazardDetailOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="上传隐患材料",
    description=(
        "multipart/form-data：`kind`（found 隐患照片 / rectified 整改照片或材料 / verified 验收材料 / "
        f"plan 治理方案材料），`files`（可多个：照片 JPEG、PNG、WebP 或 PDF 文件，每个不超过 "
        f"{services.MAX_PHOTO_BYTES // (1024 * 1024)}MB，一次最多 {services.MAX_PHOTOS} 个）。"
        "照片重新编码为 JPEG（只保留拍摄位置和时间），PDF 原样保存；"
        "SHA-256 按保存的内容在上传时计算并记入事件链。提交整改前须先上传 rectified，验收通过前须先上传 verified。"
        "单位安全员（本单位）和监管人员可上传；已销号的隐患不能再上传（409）。返回更新后的隐患。"
    ),
)
def hazards_attach(
    request: HttpRequest,
    hazard_id: int,
    kind: Form[str],
    files: File[list[UploadedFile]],
) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    hazard = _get(actor, hazard_id)
    if actor.role not in ATTACH_ROLES:
        return Status(403, {"detail": f"{actor.get_role_display()}不能上传隐患材料"})
    if kind not in AttachmentKind.values:
        return _rejected(HazardError({"kind": ["材料类型应为 found、rectified、verified、plan 之一"]}))
    if len(files) > services.MAX_PHOTOS:
        return _rejected(HazardError({"files": [f"一次最多上传{services.MAX_PHOTOS}个文件"]}))
    try:
        # Checked by their bytes, photos re-encoded (metadata but the location dropped), size-limited.
        evidence = [evidence_from_upload(f, field="files") for f in files]
        services.hazard_attach(actor=actor, hazard=hazard, kind=kind, files=evidence)
    except StepDenied as exc:
        return _denied(actor, exc, ATTACH_ROLES)
    except HazardError as exc:
        return _rejected(exc)
    return Status(201, _detail(actor, hazard.pk))


@router.get(
    "/{hazard_id}/attachments/{attachment_id}",
    url_name="hazard_attachment_file",
    summary="下载隐患材料",
    description="文件内容；响应头 `X-Content-SHA256` 为上传时记录的哈希。",
    response={200: None},
)
def hazards_attachment_file(request: HttpRequest, hazard_id: int, attachment_id: int) -> FileResponse:
    hazard = _get(request.auth, hazard_id)  # type: ignore[attr-defined]
    item = hazard.attachments.filter(pk=attachment_id).first()
    if item is None:
        raise HttpError(404, "未找到该材料")
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["X-Content-SHA256"] = item.sha256
    response["Content-Disposition"] = "inline" if item.content_type.startswith("image/") else "attachment"
    return response


@router.post(
    "/{hazard_id}/claim",
    response=STEP_RESPONSES,
    summary="签字认领",
    description="本单位安全员认领隐患：待认领 → 整改中。" + DENIED_DOC,
)
def hazards_claim(request: HttpRequest, hazard_id: int, payload: NoteIn | None = None) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    hazard = _get(actor, hazard_id)
    note = payload.note if payload is not None else ""
    return _run(
        actor,
        hazard,
        "claim",
        workflow.STEPS["claim"].roles,
        lambda: services.hazard_claim(actor=actor, hazard=hazard, note=note),
    )


@router.post(
    "/{hazard_id}/submit",
    response=STEP_RESPONSES,
    summary="提交整改",
    description=(
        "本单位安全员报告整改完成：整改中 → 待验收。须先用 /attachments 上传 kind=rectified 的整改照片或材料；"
        "重大隐患须先有完整的治理方案。" + DENIED_DOC
    ),
)
def hazards_submit(request: HttpRequest, hazard_id: int, payload: SubmitIn) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    hazard = _get(actor, hazard_id)
    return _run(
        actor,
        hazard,
        "submit",
        workflow.STEPS["submit"].roles,
        lambda: services.hazard_submit(
            actor=actor, hazard=hazard, note=payload.note, rectified_on=payload.rectified_on
        ),
    )


@router.post(
    "/{hazard_id}/verify",
    response=STEP_RESPONSES,
    summary="验收",
    description=(
        "监管人员验收：通过（passed=true）则销号，须先上传 kind=verified 的验收材料，重大隐患须三方签字齐全；"
        "不通过（passed=false）退回整改中，note 填写原因。" + DENIED_DOC
    ),
)
def hazards_verify(request: HttpRequest, hazard_id: int, payload: VerifyIn) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    hazard = _get(actor, hazard_id)
    step = "verify_pass" if payload.passed else "verify_fail"
    return _run(
        actor,
        hazard,
        step,
        workflow.STEPS[step].roles,
        lambda: services.hazard_verify(actor=actor, hazard=hazard, passed=payload.passed, note=payload.note),
    )


@router.post(
    "/{hazard_id}/extend",
    response=STEP_RESPONSES,
    summary="申请延期",
    description=(
        "申请延长整改期限（须说明理由），由监管人员审批（/extensions/{ext_id}/decide）；"
        "监管人员本人申请的即时批准。" + DENIED_DOC
    ),
)
def hazards_extend(request: HttpRequest, hazard_id: int, payload: ExtendIn) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    hazard = _get(actor, hazard_id)
    return _run(
        actor,
        hazard,
        "extend_request",
        workflow.STEPS["extend_request"].roles,
        lambda: services.hazard_extend_request(
            actor=actor, hazard=hazard, new_deadline=payload.new_deadline, reason=payload.reason
        ),
    )


@router.post(
    "/{hazard_id}/extensions/{ext_id}/decide",
    response=STEP_RESPONSES,
    summary="审批延期",
    description="监管人员批准或驳回延期申请（驳回须说明理由）。" + DENIED_DOC,
)
def hazards_extension_decide(
    request: HttpRequest, hazard_id: int, ext_id: int, payload: DecideIn
) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    hazard = _get(actor, hazard_id)
    try:
        extension = extension_get(actor, ext_id)
    except Http404 as exc:
        raise HttpError(404, "未找到该延期申请") from exc
    if extension.hazard_id != hazard.pk:
        raise HttpError(404, "未找到该延期申请")
    return _run(
        actor,
        hazard,
        "extend_decide",
        workflow.STEPS["extend_decide"].roles,
        lambda: services.hazard_extend_decide(
            actor=actor, extension=extension, approved=payload.approved, note=payload.note
        ),
    )


@router.post(
    "/{hazard_id}/plan",
    response=STEP_RESPONSES,
    summary="制定治理方案",
    description="重大隐患的治理方案，六项内容均须填写（16号令 第十五条）。" + DENIED_DOC,
)
def hazards_plan(request: HttpRequest, hazard_id: int, payload: PlanIn) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    hazard = _get(actor, hazard_id)
    return _run(
        actor,
        hazard,
        "plan",
        workflow.STEPS["plan"].roles,
        lambda: services.hazard_plan(actor=actor, hazard=hazard, plan=payload.model_dump()),
    )


@router.post(
    "/{hazard_id}/supervise",
    response=STEP_RESPONSES,
    summary="挂牌督办 / 摘牌",
    description=('县级管理员或部门监管员对重大隐患挂牌督办（`until` 督办期限）；`{"lift": true}` 摘牌。' + DENIED_DOC),
)
def hazards_supervise(request: HttpRequest, hazard_id: int, payload: SuperviseIn) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    hazard = _get(actor, hazard_id)
    if payload.lift:
        return _run(
            actor,
            hazard,
            "lift",
            workflow.STEPS["lift"].roles,
            lambda: services.hazard_lift(actor=actor, hazard=hazard, note=payload.note),
        )
    until = payload.until

    def supervise() -> object:
        if until is None:
            raise HazardError({"until": ["必填"]})
        return services.hazard_supervise(actor=actor, hazard=hazard, until=until, note=payload.note)

    return _run(actor, hazard, "supervise", workflow.STEPS["supervise"].roles, supervise)


@router.post(
    "/{hazard_id}/sign",
    response=STEP_RESPONSES,
    summary="三方签字确认",
    description=(
        "重大隐患验收前的三方签字：unit_principal（本单位安全员代表单位主要负责人）、"
        "group_leader（县级管理员、部门监管员或专家）、supervisor（乡镇或部门监管员）。" + DENIED_DOC
    ),
)
def hazards_sign(request: HttpRequest, hazard_id: int, payload: SignIn) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    hazard = _get(actor, hazard_id)
    roles = workflow.STEPS["sign"].roles
    if payload.party in workflow.SIGNOFF_ROLES:
        # Signing for a party the role cannot represent is a matter of role: 403.
        roles = roles & workflow.SIGNOFF_ROLES[payload.party]
    return _run(
        actor,
        hazard,
        "sign",
        roles,
        lambda: services.hazard_sign(actor=actor, hazard=hazard, party=payload.party, note=payload.note),
    )
