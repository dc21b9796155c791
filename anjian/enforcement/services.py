"""Writes of enforcement: actions, the penalty history, interviews/notices/exposure.

Every write validates first (a rejected request changes nothing), runs in one transaction
and leaves an audit record (anjian.core.audit). Documents are issued by ``documents.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet

from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.numbering import next_value
from anjian.core.scope import scope_q
from anjian.core.text import clean
from anjian.enforcement.models import (
    ActionKind,
    EnforcementAction,
    Interview,
    InterviewKind,
    PenaltyEvent,
    PenaltyStage,
)
from anjian.hazards.models import Hazard, Status
from anjian.units.models import Unit
from anjian.units.selectors import unit_visible

if TYPE_CHECKING:
    from anjian.accounts.models import User
    from anjian.campaigns.models import Campaign
    from anjian.inspections.models import Inspection

# Who may record enforcement actions, issue documents and record interviews. Administrative
# enforcement belongs to the county office and the industry departments (《安全生产法》第十条、
# 第六十二条); townships and others read what their scope shows.
ENFORCERS = frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT})
# Stages that may change the amount in force (变更, 行政复议决定, 法院判决); payment and
# enforcement do not (《行政处罚法》第七十二条：加处罚款 is recorded in the note).
AMOUNT_STAGES = frozenset({PenaltyStage.AMENDED, PenaltyStage.RECONSIDERED, PenaltyStage.LITIGATED})
MAX_FINE = Decimal("999999999999.99")


class EnforcementError(Exception):
    """A rejected write. ``errors`` maps a field name (or '__all__') to Chinese reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(f"{k}: {'、'.join(v)}" for k, v in errors.items()))


class PermissionDenied(Exception):
    """The actor's role may not take this action."""


def check_enforcer(actor: User) -> None:
    if actor.role not in ENFORCERS:
        raise PermissionDenied(f"{actor.get_role_display()}无权办理执法事项")


@dataclass
class ActionData:
    """Cleaned input for an enforcement action (forms, API and ledger)."""

    unit: Unit
    kind: str
    date: dt.date
    number: str = ""  # 文书编号; generated when blank
    inspection: Inspection | None = None
    hazards: list[Hazard] = field(default_factory=list)
    campaign: Campaign | None = None
    cause: str = ""
    legal_basis: str = ""
    fine: Decimal | None = None


def action_validate(actor: User, data: ActionData, instance: EnforcementAction | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.number = clean(data.number)
    data.cause = clean(data.cause)
    data.legal_basis = clean(data.legal_basis)
    if not unit_visible(actor, data.unit):
        add("unit", "该单位不在您的管辖范围内")
    if data.kind not in ActionKind.values:
        add("kind", "措施类型无效")
    if data.kind == ActionKind.PENALTY:
        # 行政处罚决定书须载明处罚种类和依据（《行政处罚法》第五十九条）.
        if data.fine is not None and not (Decimal(0) <= data.fine <= MAX_FINE):
            add("fine", "罚款金额应为非负数")
    elif data.fine is not None:
        add("fine", "只有行政处罚才能填写罚款金额")
    if data.inspection is not None and data.inspection.unit_id != data.unit.pk:
        add("inspection", "检查记录不属于该单位")
    for hazard in data.hazards:
        if hazard.unit_id != data.unit.pk:
            add("hazards", f"隐患 {hazard.number} 不属于该单位")
    if data.number:
        others = EnforcementAction.objects.filter(number=data.number)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            add("number", f"文书编号 {data.number} 已存在")
    return errors


def _generated_number(unit: Unit, date: dt.date) -> str:
    county = unit.region_code[:6]
    return f"ZF{county}{date.year}{next_value(f'action:{county}:{date.year}'):06d}"


def action_create(*, actor: User, data: ActionData) -> EnforcementAction:
    check_enforcer(actor)
    errors = action_validate(actor, data)
    if errors:
        raise EnforcementError(errors)
    unit = data.unit
    with transaction.atomic():
        action = EnforcementAction.objects.create(
            number=data.number or _generated_number(unit, data.date),
            unit=unit,
            region_code=unit.region_code,
            sector_id=unit.sector_id,
            grid_id=unit.grid_id,
            kind=data.kind,
            date=data.date,
            org=actor.org,
            inspection=data.inspection,
            campaign=data.campaign,
            cause=data.cause,
            legal_basis=data.legal_basis,
            fine_initial=data.fine,
            fine_current=data.fine,
            created_by=actor if actor.pk else None,
        )
        if data.hazards:
            action.hazards.set(data.hazards)
        if data.kind == ActionKind.PENALTY:
            PenaltyEvent.objects.create(
                action=action,
                stage=PenaltyStage.DECIDED,
                date=data.date,
                amount=data.fine,
                recorded_by=actor if actor.pk else None,
            )
        audit.record(
            actor=actor,
            action="enforcement.create",
            obj=action,
            changes={
                "kind": action.kind,
                "unit": unit.pk,
                "date": str(action.date),
                "fine": str(data.fine) if data.fine is not None else None,
                "hazards": [h.pk for h in data.hazards],
            },
        )
    return action


def action_update(*, actor: User, action: EnforcementAction, data: ActionData) -> EnforcementAction:
    """Descriptive changes from a ledger re-import; the amount is changed through the history only."""
    check_enforcer(actor)
    errors = action_validate(actor, data, instance=action)
    if data.kind != action.kind or data.unit.pk != action.unit_id:
        errors.setdefault("kind", []).append("已有执法记录的单位和措施类型不能修改")
    if data.fine is not None and data.fine != action.fine_current:
        errors.setdefault("fine", []).append("罚款金额须通过处罚变更记录修改")
    if errors:
        raise EnforcementError(errors)
    fields = ["date", "cause", "legal_basis", "inspection", "campaign"]
    before = audit.snapshot(action, fields)
    with transaction.atomic():
        action.date = data.date
        action.cause = data.cause
        action.legal_basis = data.legal_basis or action.legal_basis
        action.inspection = data.inspection
        action.campaign = data.campaign
        action.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="enforcement.update",
            obj=action,
            changes=audit.diff(before, audit.snapshot(action, fields)),
        )
    return action


def penalty_record(
    *,
    actor: User,
    action: EnforcementAction,
    stage: str,
    date: dt.date,
    amount: Decimal | None = None,
    note: str = "",
) -> PenaltyEvent:
    """Append a stage to a penalty's history; 变更/复议/诉讼 may change the amount in force."""
    check_enforcer(actor)
    errors: dict[str, list[str]] = {}
    if action.kind != ActionKind.PENALTY:
        errors.setdefault("__all__", []).append("只有行政处罚才有处罚记录")
    if stage not in PenaltyStage.values or stage == PenaltyStage.DECIDED:
        errors.setdefault("stage", []).append("阶段无效（作出决定在创建处罚时记录）")
    if amount is not None and stage not in AMOUNT_STAGES:
        errors.setdefault("amount", []).append("缴纳罚款、强制执行不改变罚款金额")
    if amount is not None and not (Decimal(0) <= amount <= MAX_FINE):
        errors.setdefault("amount", []).append("罚款金额应为非负数")
    if date < action.date:
        errors.setdefault("date", []).append("日期不能早于处罚决定日期")
    if errors:
        raise EnforcementError(errors)
    with transaction.atomic():
        locked = EnforcementAction.objects.select_for_update().get(pk=action.pk)
        event = PenaltyEvent.objects.create(
            action=locked,
            stage=stage,
            date=date,
            amount=amount,
            note=clean(note),
            recorded_by=actor if actor.pk else None,
        )
        changes: dict[str, object] = {"stage": stage, "date": str(date)}
        if amount is not None and amount != locked.fine_current:
            changes["fine_current"] = [str(locked.fine_current), str(amount)]
            locked.fine_current = amount
            locked.save(update_fields=["fine_current"])
        audit.record(actor=actor, action="enforcement.penalty", obj=locked, changes=changes)
        action.fine_current = locked.fine_current
    return event


def inspection_open_hazards(inspection: Inspection) -> QuerySet[Hazard]:
    """The hazards an inspection found that are not closed yet.

    A hazard belongs to the inspection through its link or, for ledger imports, its 检查编号.
    """
    hazards = Hazard.objects.filter(inspection=inspection) | Hazard.objects.filter(
        inspection__isnull=True, inspection_ref=inspection.number, unit_id=inspection.unit_id
    )
    return hazards.exclude(status=Status.CLOSED)


def inspection_case_closable(inspection: Inspection) -> bool:
    """An inspection's case is closed only when every hazard it found is closed (验收销号)."""
    return not inspection_open_hazards(inspection).exists()


# --- interviews, notices, exposure (约谈、通报、警示曝光) -------------------------------------


@dataclass
class InterviewData:
    kind: str
    date: dt.date
    units: list[Unit]
    number: str = ""
    persons: int = 0
    person_names: str = ""
    reason: str = ""
    campaign: Campaign | None = None


def interview_validate(actor: User, data: InterviewData, instance: Interview | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    data.number = clean(data.number)
    data.reason = clean(data.reason)
    data.person_names = clean(data.person_names)
    if data.kind not in InterviewKind.values:
        errors.setdefault("kind", []).append("类型应为 约谈、通报、警示曝光 之一")
    if not data.units:
        errors.setdefault("units", []).append("至少选择一个单位")
    visible = set(
        Unit.objects.filter(scope_q(actor, Unit.SCOPE), pk__in=[u.pk for u in data.units]).values_list("pk", flat=True)
    )
    for unit in data.units:
        if unit.pk not in visible:
            errors.setdefault("units", []).append(f"单位“{unit.name}”不在您的管辖范围内")
    if data.persons < 0:
        errors.setdefault("persons", []).append("人数不能为负数")
    if data.number:
        others = Interview.objects.filter(number=data.number)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            errors.setdefault("number", []).append(f"编号 {data.number} 已存在")
    return errors


def interview_create(*, actor: User, data: InterviewData) -> Interview:
    check_enforcer(actor)
    errors = interview_validate(actor, data)
    if errors:
        raise EnforcementError(errors)
    region = actor.org.region_code if actor.org_id else data.units[0].region_code  # type: ignore[union-attr]
    with transaction.atomic():
        number = data.number
        if not number:
            county = region[:6]
            number = f"YT{county}{data.date.year}{next_value(f'interview:{county}:{data.date.year}'):05d}"
        interview = Interview.objects.create(
            number=number,
            kind=data.kind,
            date=data.date,
            persons=data.persons,
            person_names=data.person_names,
            reason=data.reason,
            org=actor.org,
            region_code=region,
            campaign=data.campaign,
        )
        interview.units.set(data.units)
        audit.record(
            actor=actor,
            action="interview.create",
            obj=interview,
            changes={"kind": data.kind, "date": str(data.date), "units": [u.pk for u in data.units]},
        )
    return interview


def interview_update(*, actor: User, interview: Interview, data: InterviewData) -> Interview:
    check_enforcer(actor)
    errors = interview_validate(actor, data, instance=interview)
    if errors:
        raise EnforcementError(errors)
    fields = ["kind", "date", "persons", "reason"]
    before = audit.snapshot(interview, fields)
    with transaction.atomic():
        interview.kind = data.kind
        interview.date = data.date
        interview.persons = data.persons
        interview.reason = data.reason
        interview.save(update_fields=fields)
        interview.units.set(data.units)
        audit.record(
            actor=actor,
            action="interview.update",
            obj=interview,
            changes=audit.diff(before, audit.snapshot(interview, fields)),
        )
    return interview
