"""The daily deadline scan: remind before a deadline, mark and escalate overdue hazards, and
chase the time limits that the rules count in working days.

Run every morning by the job queue (``anjian.hazards.tasks``) and by hand as
``anjian scan-deadlines [--today DATE]``; both call :func:`scan_deadlines`.

Every action is taken at most once (idempotent: a second run on the same day changes nothing):

- deadline reminder: once per deadline (``Hazard.reminded_on``; approving an extension resets it);
- overdue: one ``overdue`` and one ``escalate`` event and ``Hazard.escalated_on`` per deadline
  (``escalated_on`` later than the deadline means this deadline's overdue has been handled, so a
  deadline extended after an escalation is watched again);
- working-day limits: once per key in ``notifications.Reminder``.

Overdue itself stays derived (deadline passed and not closed, ``selectors.overdue_q``); the
event records when the platform noticed it and whom it told.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from anjian.accounts.models import Organization, OrgKind, User
from anjian.accounts.roles import Role
from anjian.core import audit, events
from anjian.core.workdays import add_workdays
from anjian.hazards.models import Extension, ExtensionStatus, Hazard, HazardEvent, Status, Supervision
from anjian.hazards.selectors import overdue_q
from anjian.hazards.workflow import SUPERVISORS
from anjian.notifications.models import Kind, Reminder
from anjian.notifications.services import hazard_url, notify, remind_days

if TYPE_CHECKING:
    from collections.abc import Iterable

log = logging.getLogger(__name__)

SYSTEM = "系统"
_UNIT_TODO = (Status.REPORTED, Status.RECTIFYING)


# --- settings (local practice, not national rules: hence configurable) ------------------------


def extension_workdays() -> int:
    """Working days a supervisor has to decide an extension request (local practice)."""
    return int(getattr(settings, "ANJIAN_EXTENSION_DECIDE_WORKDAYS", 3))


def verify_workdays() -> int:
    """Working days to verify a submitted rectification (local practice)."""
    return int(getattr(settings, "ANJIAN_VERIFY_WORKDAYS", 5))


def supervised_review_workdays() -> int:
    """16号令 第二十三条: a hazard under 挂牌督办 is reviewed on site within 10 days of the unit's
    request. Counted in working days like the other administrative limits (workdays.py)."""
    return int(getattr(settings, "ANJIAN_SUPERVISED_REVIEW_WORKDAYS", 10))


# --- who is told -------------------------------------------------------------------------------


def unit_staff(hazard: Hazard) -> QuerySet[User]:
    """The responsible unit's own accounts (16号令 第十五条: the unit rectifies)."""
    return User.objects.filter(unit_id=hazard.unit_id, role=Role.UNIT_STAFF, is_active=True)


def verifier_staff(hazard: Hazard) -> QuerySet[User]:
    """The supervising organisation of this hazard: it verifies, decides extensions, chases."""
    if hazard.verifier_org_id is None:
        return county_staff(hazard)
    return User.objects.filter(org_id=hazard.verifier_org_id, role__in=SUPERVISORS, is_active=True)


def county_office(hazard: Hazard) -> Organization | None:
    return Organization.objects.filter(
        kind=OrgKind.COUNTY_OFFICE, region_code=hazard.region_code[:6].ljust(12, "0")
    ).first()


def county_staff(hazard: Hazard) -> QuerySet[User]:
    """The county office (安委办/应急管理局): where escalations end."""
    office = county_office(hazard)
    if office is None:
        return User.objects.none()
    return User.objects.filter(org=office, role=Role.COUNTY_ADMIN, is_active=True)


def _people(*groups: Iterable[User]) -> list[User]:
    out: dict[int, User] = {}
    for group in groups:
        for user in group:
            out.setdefault(user.pk, user)
    return list(out.values())


# --- the scan ----------------------------------------------------------------------------------


@dataclass
class ScanResult:
    today: dt.date
    reminded: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    extension_reminded: list[int] = field(default_factory=list)
    extension_late: list[int] = field(default_factory=list)
    verify_reminded: list[str] = field(default_factory=list)
    verify_late: list[str] = field(default_factory=list)
    supervision_reminded: list[str] = field(default_factory=list)
    supervision_late: list[str] = field(default_factory=list)
    messages: int = 0

    @property
    def changed(self) -> bool:
        return any(
            [
                self.reminded,
                self.overdue,
                self.escalated,
                self.extension_reminded,
                self.extension_late,
                self.verify_reminded,
                self.verify_late,
                self.supervision_reminded,
                self.supervision_late,
            ]
        )

    def summary(self) -> str:
        return (
            f"{self.today:%Y-%m-%d} 期限扫描：到期提醒 {len(self.reminded)} 项，新逾期 {len(self.overdue)} 项，"
            f"逾期上报 {len(self.escalated)} 项；延期审批提醒 {len(self.extension_reminded)} 项、超时 "
            f"{len(self.extension_late)} 项；验收提醒 {len(self.verify_reminded)} 项、超时 {len(self.verify_late)} 项；"
            f"挂牌督办到期提醒 {len(self.supervision_reminded)} 项、逾期 {len(self.supervision_late)} 项；"
            f"发出消息 {self.messages} 条"
        )


def scan_deadlines(today: dt.date | None = None) -> ScanResult:
    """Run every deadline rule for ``today`` (default: the local date). Safe to run again."""
    today = today or timezone.localdate()
    result = ScanResult(today)
    _remind_before_deadline(today, result)
    _mark_overdue(today, result)
    _extensions(today, result)
    _verifications(today, result)
    _supervisions(today, result)
    log.info(result.summary())
    return result


def _locked(pk: int) -> Hazard:
    # of=("self",): lock the hazard row only — not its unit, and PostgreSQL refuses FOR UPDATE on
    # the nullable side of the outer join to verifier_org.
    return Hazard.objects.select_for_update(of=("self",)).select_related("unit", "verifier_org").get(pk=pk)


def _system_event(hazard: Hazard, kind: str, note: str, **data: Any) -> HazardEvent:
    """An event written by the scan itself: no actor, named 系统, audited like any step."""
    data.setdefault("status", hazard.status)
    event = events.append(HazardEvent, hazard, kind=kind, actor=None, note=note, data=data, actor_name=SYSTEM)
    audit.record(actor=None, action=f"hazard.{kind}", obj=hazard, changes={"event": event.seq}, actor_name=SYSTEM)
    return event  # type: ignore[return-value]


def _days_text(days: int) -> str:
    return "今天到期" if days == 0 else f"还有{days}天到期"


# (a) N days before the deadline: the responsible unit, once per deadline.
def _remind_before_deadline(today: dt.date, result: ScanResult) -> None:
    horizon = today + dt.timedelta(days=remind_days())
    candidates = Hazard.objects.filter(
        status__in=_UNIT_TODO, reminded_on__isnull=True, deadline__gte=today, deadline__lte=horizon
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            h = _locked(pk)
            # Re-checked under the lock: a concurrent run or step may have got here first.
            if h.status not in _UNIT_TODO or h.reminded_on is not None or not today <= h.deadline <= horizon:
                continue
            Hazard.objects.filter(pk=pk).update(reminded_on=today)
            sent = notify(
                unit_staff(h),
                kind=Kind.REMIND,
                title=f"隐患{h.number}将于{h.deadline:%m月%d日}到期，请按期整改",
                body=(
                    f"{h.unit.name}：{h.description}\n"
                    f"整改期限 {h.deadline:%Y-%m-%d}，{_days_text((h.deadline - today).days)}。"
                ),
                url=hazard_url(h),
            )
        result.reminded.append(h.number)
        result.messages += len(sent)


# (b) + (c) overdue: one overdue event, then escalation to the supervising organisation.
def _mark_overdue(today: dt.date, result: ScanResult) -> None:
    candidates = (
        Hazard.objects.filter(overdue_q(today))
        .filter(Q(escalated_on__isnull=True) | Q(escalated_on__lte=F("deadline")))
        .values_list("pk", flat=True)
    )
    for pk in list(candidates):
        with transaction.atomic():
            h = _locked(pk)
            if not h.is_overdue(today) or (h.escalated_on is not None and h.escalated_on > h.deadline):
                continue
            days = (today - h.deadline).days
            _system_event(
                h, "overdue", f"超过整改期限 {h.deadline:%Y-%m-%d} 未销号", deadline=h.deadline, noticed=today
            )
            supervisors = _people(verifier_staff(h), county_staff(h))
            # Escalated to the organisations, whether or not they have accounts yet to be told.
            orgs = list(dict.fromkeys(o.name for o in (h.verifier_org, county_office(h)) if o is not None))
            _system_event(
                h,
                "escalate",
                ("逾期未销号，已上报" + "、".join(orgs)) if orgs else "逾期未销号，未找到可上报的监管机构",
                deadline=h.deadline,
                to=orgs,
            )
            Hazard.objects.filter(pk=pk).update(escalated_on=today)
            url = hazard_url(h)
            sent = []
            if h.status in _UNIT_TODO:
                sent += notify(
                    unit_staff(h),
                    kind=Kind.OVERDUE,
                    title=f"隐患{h.number}已逾期，请立即整改",
                    body=(
                        f"{h.unit.name}：{h.description}\n"
                        f"整改期限 {h.deadline:%Y-%m-%d}，已逾期{days}天，已上报监管部门。"
                    ),
                    url=url,
                )
            sent += notify(
                supervisors,
                kind=Kind.ESCALATE,
                title=f"逾期上报：{h.unit.name} 隐患{h.number}逾期未销号",
                body=(
                    f"{h.description}\n整改期限 {h.deadline:%Y-%m-%d}，已逾期{days}天，"
                    f"当前状态：{h.get_status_display()}。请督促整改或验收。"
                ),
                url=url,
            )
        result.overdue.append(h.number)
        result.escalated.append(h.number)
        result.messages += len(sent)


def _once(key: str, today: dt.date) -> bool:
    """Claim ``key`` for this reminder; False if it was already sent (by this or another run)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key, day=today)
    except IntegrityError:
        return False
    return True


# Extension requests: decided within N working days (local practice; 调休 counted by workdays.py).
def _extensions(today: dt.date, result: ScanResult) -> None:
    limit = extension_workdays()
    pending = Extension.objects.filter(status=ExtensionStatus.PENDING, hazard__status__in=_UNIT_TODO).select_related(
        "hazard", "hazard__unit"
    )
    for ext in pending:
        due = add_workdays(timezone.localdate(ext.requested_at), limit)
        h = ext.hazard
        if today < due:
            continue
        late = today > due
        with transaction.atomic():
            if not _once(f"extension:{ext.pk}:{'late' if late else 'remind'}", today):
                continue
            text = (
                f"{h.unit.name} 隐患{h.number}申请将整改期限由 {ext.old_deadline:%Y-%m-%d} "
                f"延至 {ext.new_deadline:%Y-%m-%d}"
            )
            if late:
                sent = notify(
                    _people(verifier_staff(h), county_staff(h)),
                    kind=Kind.EXTENSION,
                    title=f"延期申请超时未审批：隐患{h.number}",
                    body=f"{text}，应于 {due:%Y-%m-%d} 前审批（{limit}个工作日），已超时。理由：{ext.reason}",
                    url=hazard_url(h),
                )
                result.extension_late.append(ext.pk)
            else:
                sent = notify(
                    verifier_staff(h),
                    kind=Kind.EXTENSION,
                    title=f"今天是隐患{h.number}延期申请的审批期限",
                    body=f"{text}，请于今天（{due:%Y-%m-%d}）审批（{limit}个工作日）。理由：{ext.reason}",
                    url=hazard_url(h),
                )
                result.extension_reminded.append(ext.pk)
        result.messages += len(sent)


# Verification of a submitted rectification: within N working days (local practice), or the
# 16号令 第二十三条 10 days when the hazard is under 挂牌督办.
def _verifications(today: dt.date, result: ScanResult) -> None:
    last_submit = HazardEvent.objects.filter(hazard=OuterRef("pk"), kind="submit").order_by("-seq")
    qs = (
        Hazard.objects.filter(status=Status.SUBMITTED)
        .annotate(
            submitted_at=Subquery(last_submit.values("at")[:1]),
            submit_seq=Subquery(last_submit.values("seq")[:1]),
            supervised=Exists(Supervision.objects.filter(hazard=OuterRef("pk"), lifted_on__isnull=True)),
        )
        .select_related("unit")
    )
    for h in qs:
        if h.submitted_at is None:  # type: ignore[attr-defined]
            continue
        supervised: bool = h.supervised  # type: ignore[attr-defined]
        limit = supervised_review_workdays() if supervised else verify_workdays()
        due = add_workdays(timezone.localdate(h.submitted_at), limit)  # type: ignore[attr-defined]
        if today < due:
            continue
        late = today > due
        rule = f"挂牌督办隐患{limit}个工作日内现场审查（16号令 第二十三条）" if supervised else f"{limit}个工作日内验收"
        with transaction.atomic():
            if not _once(f"verify:{h.pk}:{h.submit_seq}:{'late' if late else 'remind'}", today):  # type: ignore[attr-defined]
                continue
            if late:
                sent = notify(
                    _people(verifier_staff(h), county_staff(h)),
                    kind=Kind.VERIFY,
                    title=f"验收超时：{h.unit.name} 隐患{h.number}",
                    body=f"单位已提交整改，应于 {due:%Y-%m-%d} 前验收（{rule}），已超时，请尽快验收。",
                    url=hazard_url(h),
                )
                result.verify_late.append(h.number)
            else:
                sent = notify(
                    verifier_staff(h),
                    kind=Kind.VERIFY,
                    title=f"今天是隐患{h.number}的验收期限",
                    body=f"{h.unit.name} 已提交整改，请于今天（{due:%Y-%m-%d}）前验收（{rule}）。",
                    url=hazard_url(h),
                )
                result.verify_reminded.append(h.number)
        result.messages += len(sent)


# 挂牌督办 (16号令 第二十条): remind before the supervision's time limit, and report when it passes.
def _supervisions(today: dt.date, result: ScanResult) -> None:
    horizon = today + dt.timedelta(days=remind_days())
    active = Supervision.objects.filter(lifted_on__isnull=True, until__lte=horizon).exclude(
        hazard__status=Status.CLOSED
    )
    for s in active.select_related("hazard", "hazard__unit", "org"):
        h = s.hazard
        late = s.until < today
        with transaction.atomic():
            if not _once(f"supervise:{s.pk}:{'late' if late else 'remind'}", today):
                continue
            org_staff = User.objects.filter(org=s.org, role__in=SUPERVISORS, is_active=True)
            if late:
                sent = notify(
                    _people(org_staff, verifier_staff(h), county_staff(h)),
                    kind=Kind.SUPERVISE,
                    title=f"挂牌督办逾期：{h.unit.name} 隐患{h.number}",
                    body=(
                        f"{s.org.name}挂牌督办期限 {s.until:%Y-%m-%d} 已过，"
                        f"隐患仍未销号（{h.get_status_display()}）。"
                    ),
                    url=hazard_url(h),
                )
                result.supervision_late.append(h.number)
            else:
                sent = notify(
                    _people(unit_staff(h), org_staff),
                    kind=Kind.SUPERVISE,
                    title=f"挂牌督办隐患{h.number}将于{s.until:%m月%d日}到期",
                    body=f"{s.org.name}挂牌督办，期限 {s.until:%Y-%m-%d}，{_days_text((s.until - today).days)}。",
                    url=hazard_url(h),
                )
                result.supervision_reminded.append(h.number)
        result.messages += len(sent)
