"""Every write of the hazard loop. Each step: check the workflow table, validate, then in one
transaction lock the hazard, change it, append its hash-chained event and an audit record.

A rejected request raises (StepDenied or HazardError) before anything is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from anjian.accounts.models import Organization, OrgKind
from anjian.accounts.roles import Role
from anjian.core import audit, events
from anjian.core.models import AuditEntry, IdempotencyKey
from anjian.core.numbering import insert_numbered, reserve_pk
from anjian.core.scope import scope_q
from anjian.core.text import clean
from anjian.hazards import workflow
from anjian.hazards.models import (
    Attachment,
    AttachmentKind,
    Extension,
    ExtensionStatus,
    Hazard,
    HazardEvent,
    Level,
    MajorCriterion,
    SelfCheckLevel,
    Signoff,
    SignoffParty,
    Source,
    Status,
    Supervision,
)
from anjian.hazards.workflow import StepDenied, check

if TYPE_CHECKING:
    from anjian.accounts.models import User
    from anjian.campaigns.models import Campaign
    from anjian.inspections.models import Inspection
    from anjian.units.models import Unit

# Who may report from which source. Public tip-offs are entered by office staff.
REPORTERS: dict[str, frozenset[Role]] = {
    Source.INSPECTION: frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP, Role.EXPERT}),
    Source.SELF_CHECK: frozenset({Role.UNIT_STAFF}),
    Source.GRID: frozenset({Role.GRID_WORKER}),
    Source.PUBLIC: frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP}),
}
# The six contents of a 治理方案 (16号令 第十五条).
PLAN_FIELDS = {
    "goal": "治理的目标和任务",
    "measures": "采取的方法和措施",
    "funds": "经费和物资的落实",
    "people": "负责治理的机构和人员",
    "time_limit": "治理的时限和要求",
    "safety": "安全措施和应急预案",
}
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 9


class HazardError(Exception):
    """Invalid input; ``errors`` maps a field (or '__all__') to Chinese reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(m for ms in errors.values() for m in ms))


@dataclass
class Evidence:
    """An uploaded file already read and re-encoded (see ``anjian.hazards.photos``)."""

    name: str
    content: bytes
    content_type: str
    lat: Decimal | None = None
    lng: Decimal | None = None
    taken_at: dt.datetime | None = None


@dataclass
class HazardData:
    unit: Unit
    description: str
    level: str
    found_on: dt.date
    deadline: dt.date
    source: str
    category: str = ""
    location: str = ""
    self_check_level: str = ""
    inspection_ref: str = ""
    criterion: MajorCriterion | None = None
    measures: str = ""
    responsible_person: str = ""
    funds: Decimal | None = None
    on_the_spot: bool = False
    photos: list[Evidence] = field(default_factory=list)
    after_photos: list[Evidence] = field(default_factory=list)  # on-the-spot correction only
    # The inspection that found it; a hazard found by an inspection of a campaign belongs to
    # that campaign (indicators.md), so callers pass the inspection's campaign along.
    inspection: Inspection | None = None
    campaign: Campaign | None = None


# --- helpers ----------------------------------------------------------------------------------


def _locked(hazard: Hazard) -> Hazard:
    """Re-read ``hazard`` with its row locked, inside the current transaction."""
    return Hazard.objects.select_for_update().get(pk=hazard.pk)


def _event(
    hazard: Hazard, step: str, actor: User | None, note: str = "", *, audited: bool = True, **data: Any
) -> HazardEvent:
    """Append the step's hash-chained event and (unless the caller does it later) its audit entry."""
    data.setdefault("status", hazard.status)
    event = events.append(
        HazardEvent,
        hazard,
        kind=step,
        actor=actor,
        note=note,
        data=data,
        actor_name=_actor_name(actor),
    )
    if audited:
        _audit(hazard, event, actor)
    return event


def _audit(hazard: Hazard, event: HazardEvent, actor: User | None) -> None:
    _audit_entry(hazard, event, actor).save(force_insert=True)


def _audit_entry(hazard: Hazard, event: HazardEvent, actor: User | None) -> AuditEntry:
    step = event.kind
    label = workflow.STEPS[step].label if step in workflow.STEPS else EVENT_LABELS.get(step, step)
    return audit.entry_for(
        actor=_real(actor),
        action=f"hazard.{step}",
        obj=hazard,
        changes={"event": event.seq, "label": label},
        actor_name=_actor_name(actor),
    )


EVENT_LABELS = {
    "report": "上报隐患",
    "correct_on_spot": "当场整改",
    "attach": "上传材料",
    "deadline": "调整期限",
    "overdue": "逾期",
    "escalate": "逾期上报督办",
    "import": "台账导入",
    "import_update": "台账更新",
}


def _real(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _actor_name(actor: User | None) -> str:
    if actor is None:
        return "系统"
    return actor.get_username() if actor.pk else (actor.full_name or actor.username)


def _save_attachments(hazard: Hazard, kind: str, files: list[Evidence], actor: User | None) -> list[dict[str, Any]]:
    """Store files and return what the event records of each: the hash taken now, at upload."""
    from django.core.files.base import ContentFile

    out = []
    for ev in files:
        sha = hashlib.sha256(ev.content).hexdigest()
        item = Attachment(
            hazard=hazard,
            kind=kind,
            name=ev.name[:200],
            content_type=ev.content_type,
            size=len(ev.content),
            sha256=sha,
            lat=ev.lat,
            lng=ev.lng,
            taken_at=ev.taken_at,
            uploaded_by=_real(actor),
        )
        item.file.save(f"{sha[:16]}{_suffix(ev.content_type)}", ContentFile(ev.content), save=False)
        item.save()
        out.append({"id": item.pk, "kind": kind, "sha256": sha, "size": item.size, "name": item.name})
    return out


def _suffix(content_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(content_type, ".bin")


def _verifier_for(actor: User, unit: Unit) -> Organization | None:
    """Who verifies: the finder's organisation, else the unit's township office."""
    if actor.role in (Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP) and actor.org_id:
        return actor.org
    township = unit.region_code[:9]
    now = time.monotonic()
    hit = _VERIFIERS.get(township)
    if hit is not None and hit[0] > now:
        return hit[1]
    org = (
        Organization.objects.filter(kind=OrgKind.TOWNSHIP, region_code=township.ljust(12, "0")).first()
        or Organization.objects.filter(
            kind=OrgKind.COUNTY_OFFICE, region_code=unit.region_code[:6].ljust(12, "0")
        ).first()
    )
    _VERIFIERS[township] = (now + VERIFIER_CACHE_SECONDS, org)
    return org


# The verifier organisation of a township, per process for a minute: one query less per report
# (docs/performance.md, issue 3). Any change to an organisation in this process empties it; a
# change made by another process is seen within the minute.
VERIFIER_CACHE_SECONDS = 60.0
_VERIFIERS: dict[str, tuple[float, Organization | None]] = {}


@receiver([post_save, post_delete], sender=Organization, dispatch_uid="hazards.verifier_cache")
def _forget_verifiers(**kwargs: Any) -> None:
    _VERIFIERS.clear()


def _unit_in_scope(actor: User, unit: Unit) -> bool:
    from anjian.units.models import Unit as UnitModel

    return UnitModel.objects.filter(scope_q(actor, UnitModel.SCOPE), pk=unit.pk).exists()


# --- report -----------------------------------------------------------------------------------


def _validate_report(actor: User, data: HazardData, *, scope_checked: bool = False) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.source not in Source.values:
        add("source", "发现方式应为 检查、企业自查、网格员报告、群众举报 之一")
    elif actor.role not in REPORTERS[data.source]:
        add("source", f"{actor.get_role_display()}不能以“{Source(data.source).label}”方式上报隐患")
    if not scope_checked and not _unit_in_scope(actor, data.unit):
        add("unit", "该单位不在您的管辖范围内")
    elif not data.unit.is_active:
        add("unit", "该单位已注销，不能上报隐患")
    data.description = clean(data.description)
    if len(data.description) < 4:
        add("description", "请描述隐患（至少4个字）")
    if data.level not in Level.values:
        add("level", "隐患等级应为 一般 或 重大")
    if data.level == Level.MAJOR:
        if data.criterion is None:
            add("criterion", "重大隐患须选择所符合的重大事故隐患判定标准条款")
        if data.on_the_spot:
            add("on_the_spot", "重大隐患不能当场整改销号（16号令 第十五条：须制定治理方案）")
    elif data.criterion is not None:
        add("criterion", "一般隐患不选择重大隐患判定标准")
    today = timezone.localdate()
    if data.found_on > today:
        add("found_on", "发现日期不能晚于今天")
    if data.deadline < data.found_on:
        add("deadline", "整改期限不能早于发现日期")
    if data.source == Source.SELF_CHECK and data.self_check_level not in SelfCheckLevel.values:
        add("self_check_level", "企业自查须选择层级：岗位、班组、车间(项目)、企业")
    if data.source != Source.SELF_CHECK and data.self_check_level:
        add("self_check_level", "只有企业自查填写自查层级")
    if len(data.photos) + len(data.after_photos) > MAX_PHOTOS * 2:
        add("photos", f"照片最多{MAX_PHOTOS}张")
    if data.on_the_spot and (not data.photos or not data.after_photos):
        add("on_the_spot", "当场整改须同时上传整改前、整改后照片")
    if data.funds is not None and data.funds < 0:
        add("funds", "整改资金不能为负数")
    return errors


def hazard_report(
    *, actor: User, data: HazardData, idempotency_key: str = "", unit_scope_checked: bool = False
) -> tuple[Hazard, bool]:
    """Report a hazard. Returns (hazard, created); a retried key returns the first hazard.

    ``unit_scope_checked``: the caller fetched ``data.unit`` through ``unit_queryset(actor)``
    in this request (the API does), so the scope query is not repeated. Only this app's own
    callers pass it; anything else gets the check.

    The created hazard carries its new events in ``hazard.new_events`` (the API's 201 body is
    built from them without reading them back).
    """
    files = bool(data.photos or data.after_photos)
    if idempotency_key and files:
        # With files, look before writing any: a retry must not store its photos again. Without,
        # a retry is found by the key's unique index (below), which saves a query on every
        # first submission — the common case by far.
        earlier = _idempotent(actor, idempotency_key)
        if earlier is not None:
            return earlier, False
    errors = _validate_report(actor, data, scope_checked=unit_scope_checked)
    if errors:
        if idempotency_key and not files:
            # A retry is answered with the first hazard even if its data would now be refused.
            earlier = _idempotent(actor, idempotency_key)
            if earlier is not None:
                return earlier, False
        raise HazardError(errors)
    unit = data.unit
    try:
        with transaction.atomic():
            # Every row of the report is built first and inserted last, in one statement with the
            # number (``insert_numbered``): every report of the county and year queues on one
            # counter row from there to its commit, so the row is taken as late as possible
            # (docs/performance.md, issue 3), and the hazard is written once, already numbered,
            # rather than inserted and then updated. The id is taken now: the events' hashes
            # cover it and the photos refer to it.
            hazard = Hazard(
                pk=reserve_pk(Hazard),
                unit=unit,
                region_code=unit.region_code,
                sector_id=unit.sector_id,
                grid_id=unit.grid_id,
                source=data.source,
                self_check_level=data.self_check_level,
                inspection_ref=clean(data.inspection_ref),
                inspection=data.inspection,
                campaign=data.campaign or (data.inspection.campaign if data.inspection is not None else None),
                description=data.description,
                category=clean(data.category),
                location=clean(data.location),
                level=data.level,
                criterion=data.criterion,
                found_on=data.found_on,
                deadline=data.deadline,
                on_the_spot=data.on_the_spot,
                measures=clean(data.measures),
                responsible_person=clean(data.responsible_person),
                funds=data.funds,
                reported_by=actor,
                verifier_org=_verifier_for(actor, unit),
            )
            photos = _save_attachments(hazard, AttachmentKind.FOUND, data.photos, actor)
            new_events = [
                events.build(
                    HazardEvent,
                    hazard,
                    kind="report",
                    actor=actor,
                    note=data.description,
                    data={
                        "level": data.level,
                        "deadline": data.deadline,
                        "source": data.source,
                        "attachments": photos,
                        "criterion": data.criterion.pk if data.criterion else None,
                        "status": hazard.status,
                    },
                    actor_name=_actor_name(actor),
                )
            ]
            if data.on_the_spot:
                # 当场整改: reported and closed at once, with its before/after photos.
                after = _save_attachments(hazard, AttachmentKind.RECTIFIED, data.after_photos, actor)
                hazard.status = Status.CLOSED
                hazard.rectified_on = hazard.closed_on = timezone.localdate()
                new_events.append(
                    events.build(
                        HazardEvent,
                        hazard,
                        kind="correct_on_spot",
                        actor=actor,
                        note="当场整改完毕",
                        data={"attachments": after, "status": hazard.status},
                        actor_name=_actor_name(actor),
                    )
                )
            rows: list[tuple[Model, str | None, str]] = [(hazard, "number", ""), *((e, None, "") for e in new_events)]
            if idempotency_key:
                # The key row is written with its hazard. A concurrent retry with the same key
                # fails on the key's unique index once this commits, gives its number back by
                # rolling back, and answers the hazard this one made (below).
                key_row = IdempotencyKey(
                    user=actor, key=idempotency_key, scope="hazards.report", object_id=str(hazard.pk)
                )
                rows.append((key_row, None, ""))
            # The audit entries name the number: "YH… <description>", as str(hazard) once numbered.
            suffix = f" {hazard.description[:30]}"
            rows += [(_audit_entry(hazard, e, actor), "object_repr", suffix) for e in new_events]
            county = unit.region_code[:6]
            insert_numbered(f"hazard:{county}:{data.found_on.year}", f"YH{county}{data.found_on.year}", rows)
    except IntegrityError:
        if idempotency_key:
            earlier = _idempotent(actor, idempotency_key)
            if earlier is not None:
                return earlier, False
        raise
    hazard.new_events = new_events  # type: ignore[attr-defined]
    return hazard, True


def _idempotent(actor: User, key: str) -> Hazard | None:
    row = IdempotencyKey.objects.filter(user=actor, scope="hazards.report", key=key).first()
    if row is None or not row.object_id:
        return None
    return Hazard.objects.get(pk=row.object_id)


# --- steps ------------------------------------------------------------------------------------


def hazard_claim(*, actor: User, hazard: Hazard, note: str = "") -> Hazard:
    with transaction.atomic():
        hazard = _locked(hazard)
        check("claim", actor, hazard)
        hazard.status = Status.RECTIFYING
        hazard.save(update_fields=["status", "updated_at"])
        _event(hazard, "claim", actor, clean(note))
    return hazard


def may_attach(actor: User, hazard: Hazard, kind: str | None = None) -> str | None:
    """The Chinese reason ``actor`` may not upload evidence to ``hazard`` now, or None.

    The unit and the supervisors add evidence; whoever reported the hazard (a grid worker
    too) may add photos of what they found (``kind`` = found) to their own report.
    """
    if hazard.status == Status.CLOSED:
        return "隐患已销号，不能再上传材料"
    if kind in (None, AttachmentKind.FOUND) and hazard.reported_by_id is not None and hazard.reported_by_id == actor.pk:
        return None
    if actor.role not in workflow.SUPERVISORS | workflow.UNIT or (
        actor.role == Role.UNIT_STAFF and actor.unit_id != hazard.unit_id
    ):
        return f"{actor.get_role_display()}不能上传隐患材料"
    return None


def hazard_attach(*, actor: User, hazard: Hazard, kind: str, files: list[Evidence]) -> list[dict[str, Any]]:
    """Upload evidence without changing the state (before submitting or verifying)."""
    if not files:
        raise HazardError({"files": ["请选择要上传的文件"]})
    if kind not in AttachmentKind.values:
        raise HazardError({"kind": ["材料类型无效"]})
    reason = may_attach(actor, hazard, kind)
    if reason:
        raise StepDenied(reason)
    with transaction.atomic():
        hazard = _locked(hazard)
        reason = may_attach(actor, hazard, kind)
        if reason:
            raise StepDenied(reason)
        saved = _save_attachments(hazard, kind, files, actor)
        _event(hazard, "attach", actor, "", attachments=saved)
    return saved


def hazard_submit(
    *,
    actor: User,
    hazard: Hazard,
    note: str,
    files: list[Evidence] | None = None,
    rectified_on: dt.date | None = None,
) -> Hazard:
    note = clean(note)
    files = files or []
    with transaction.atomic():
        hazard = _locked(hazard)
        check("submit", actor, hazard)
        errors: dict[str, list[str]] = {}
        if not note:
            errors["note"] = ["请说明整改情况"]
        has_evidence = files or hazard.attachments.filter(kind=AttachmentKind.RECTIFIED).exists()
        if not has_evidence:
            errors["files"] = ["提交整改须上传整改后照片或材料"]
        if hazard.level == Level.MAJOR and not _plan_complete(hazard.plan):
            errors["plan"] = ["重大隐患须先制定完整的治理方案（16号令 第十五条）"]
        day = rectified_on or timezone.localdate()
        if day > timezone.localdate() or day < hazard.found_on:
            errors["rectified_on"] = ["整改完成日期应在发现日期与今天之间"]
        if errors:
            raise HazardError(errors)
        saved = _save_attachments(hazard, AttachmentKind.RECTIFIED, files, actor)
        hazard.status = Status.SUBMITTED
        hazard.rectified_on = day
        hazard.save(update_fields=["status", "rectified_on", "updated_at"])
        _event(hazard, "submit", actor, note, attachments=saved, rectified_on=day)
    return hazard


def _plan_complete(plan: dict[str, Any]) -> bool:
    return all(clean(str(plan.get(k, ""))) for k in PLAN_FIELDS)


def hazard_verify(
    *,
    actor: User,
    hazard: Hazard,
    passed: bool,
    note: str,
    files: list[Evidence] | None = None,
) -> Hazard:
    step = "verify_pass" if passed else "verify_fail"
    note = clean(note)
    files = files or []
    with transaction.atomic():
        hazard = _locked(hazard)
        check(step, actor, hazard)
        errors: dict[str, list[str]] = {}
        if not note:
            errors["note"] = ["请填写验收意见" if passed else "请填写验收不通过的原因"]
        if passed:
            if not files and not hazard.attachments.filter(kind=AttachmentKind.VERIFIED).exists():
                errors["files"] = ["验收销号须上传验收照片或材料"]
            if hazard.level == Level.MAJOR:
                missing = missing_signoffs(hazard)
                if missing:
                    errors["signoffs"] = ["重大隐患销号须三方签字确认，尚缺：" + "、".join(missing)]
        if errors:
            raise HazardError(errors)
        saved = _save_attachments(hazard, AttachmentKind.VERIFIED, files, actor)
        if passed:
            hazard.status = Status.CLOSED
            hazard.closed_on = timezone.localdate()
        else:
            hazard.status = Status.RECTIFYING
            hazard.rectified_on = None
        hazard.save(update_fields=["status", "closed_on", "rectified_on", "updated_at"])
        _event(hazard, step, actor, note, attachments=saved, passed=passed)
    return hazard


def signoff_round(hazard: Hazard) -> int:
    """Sign-offs count for the current verification round: a failed verification starts a new one."""
    return 1 + hazard.events.filter(kind="verify_fail").count()


def missing_signoffs(hazard: Hazard) -> list[str]:
    signed = set(hazard.signoffs.filter(round=signoff_round(hazard)).values_list("party", flat=True))
    return [SignoffParty(p).label for p in SignoffParty.values if p not in signed]


def hazard_sign(*, actor: User, hazard: Hazard, party: str, note: str = "") -> Signoff:
    if party not in workflow.SIGNOFF_ROLES:
        raise HazardError({"party": ["签字方应为 单位主要负责人、检查组组长、乡镇或行业部门 之一"]})
    if actor.role not in workflow.SIGNOFF_ROLES[party]:
        raise StepDenied(f"{actor.get_role_display()}不能代表“{SignoffParty(party).label}”签字")
    with transaction.atomic():
        hazard = _locked(hazard)
        check("sign", actor, hazard)
        rnd = signoff_round(hazard)
        if hazard.signoffs.filter(party=party, round=rnd).exists():
            raise StepDenied(f"“{SignoffParty(party).label}”已签字")
        item = Signoff.objects.create(hazard=hazard, party=party, user=actor, round=rnd)  # type: ignore[misc]
        _event(hazard, "sign", actor, clean(note), party=party, round=rnd)
    return item


def hazard_plan(*, actor: User, hazard: Hazard, plan: dict[str, Any]) -> Hazard:
    cleaned = {k: clean(str(plan.get(k, ""))) for k in PLAN_FIELDS}
    missing = [label for k, label in PLAN_FIELDS.items() if not cleaned[k]]
    if missing:
        raise HazardError({"plan": ["治理方案缺少：" + "、".join(missing)]})
    with transaction.atomic():
        hazard = _locked(hazard)
        check("plan", actor, hazard)
        hazard.plan = cleaned
        hazard.save(update_fields=["plan", "updated_at"])
        _event(hazard, "plan", actor, "", plan=cleaned)
    return hazard


def hazard_extend_request(*, actor: User, hazard: Hazard, new_deadline: dt.date, reason: str) -> Extension:
    """Ask for a later deadline. A supervisor's own request is decided (approved) at once by them."""
    reason = clean(reason)
    with transaction.atomic():
        hazard = _locked(hazard)
        check("extend_request", actor, hazard)
        errors: dict[str, list[str]] = {}
        if not reason:
            errors["reason"] = ["请填写延期理由"]
        if new_deadline <= hazard.deadline:
            errors["new_deadline"] = [f"延期后的期限应晚于原期限 {hazard.deadline:%Y-%m-%d}"]
        if hazard.extensions.filter(status=ExtensionStatus.PENDING).exists():
            errors["__all__"] = ["已有待审批的延期申请"]
        if errors:
            raise HazardError(errors)
        ext = Extension.objects.create(
            hazard=hazard, requested_by=actor, reason=reason, old_deadline=hazard.deadline, new_deadline=new_deadline
        )
        _event(hazard, "extend_request", actor, reason, extension=ext.pk, new_deadline=new_deadline)
        if actor.role in workflow.SUPERVISORS:
            _decide(actor, hazard, ext, approved=True, note="")
    return ext


def hazard_extend_decide(*, actor: User, extension: Extension, approved: bool, note: str = "") -> Extension:
    if not approved and not clean(note):
        raise HazardError({"note": ["驳回延期须说明理由"]})
    with transaction.atomic():
        hazard = _locked(extension.hazard)
        check("extend_decide", actor, hazard)
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        if extension.status != ExtensionStatus.PENDING:
            raise StepDenied("该延期申请已处理")
        _decide(actor, hazard, extension, approved=approved, note=clean(note))
    return extension


def _decide(actor: User, hazard: Hazard, ext: Extension, *, approved: bool, note: str) -> None:
    ext.status = ExtensionStatus.APPROVED if approved else ExtensionStatus.REJECTED
    ext.decided_by = actor
    ext.decided_at = timezone.now()
    ext.decision_note = note
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approved:
        hazard.deadline = ext.new_deadline
        hazard.reminded_on = None
        hazard.save(update_fields=["deadline", "reminded_on", "updated_at"])
    _event(hazard, "extend_decide", actor, note, extension=ext.pk, approved=approved, deadline=hazard.deadline)


def hazard_supervise(*, actor: User, hazard: Hazard, until: dt.date, note: str = "") -> Supervision:
    if until <= timezone.localdate():
        raise HazardError({"until": ["督办期限应晚于今天"]})
    with transaction.atomic():
        hazard = _locked(hazard)
        check("supervise", actor, hazard)
        if actor.org is None:
            raise StepDenied("没有所属机构的账号不能挂牌督办")
        if hazard.supervisions.filter(lifted_on__isnull=True).exists():
            raise StepDenied("该隐患已在挂牌督办中")
        item = Supervision.objects.create(
            hazard=hazard, org=actor.org, placed_by=actor, placed_on=timezone.localdate(), until=until
        )
        _event(hazard, "supervise", actor, clean(note), supervision=item.pk, until=until, org=actor.org.name)
    return item


def hazard_lift(*, actor: User, hazard: Hazard, note: str = "") -> Supervision:
    with transaction.atomic():
        hazard = _locked(hazard)
        check("lift", actor, hazard)
        item = hazard.supervisions.filter(lifted_on__isnull=True).first()
        if item is None:
            raise StepDenied("该隐患未在挂牌督办中")
        item.lifted_by = actor
        item.lifted_on = timezone.localdate()
        item.save(update_fields=["lifted_by", "lifted_on"])
        _event(hazard, "lift", actor, clean(note), supervision=item.pk)
    return item
