"""Writes of the tip-off register: receive, check, extend, merge, close, and the reward steps.

DOMAIN.md §4 (《安全生产领域举报奖励办法》 安监总财〔2018〕19号; time limits of the 2012 text
安监总财〔2012〕63号, kept by the local 2018-based rules):

- handle within 60 days of receipt; extendable once by at most 30 days with the higher level's
  approval (here: a county administrator approves and records the reason);
- several reports of one matter are rewarded once, to the first real-name report received
  (``tipoff_merge`` groups them, ``tipoff_reward_propose`` enforces it);
- the reward is collected within 60 days of the notice, otherwise forfeited (``scan_tipoffs``).

Every step checks the actor's role and scope, validates, then in one transaction locks the row,
changes it and writes an audit entry. A refused step raises (PermissionDenied or TipoffError)
before anything is written. The reporter's name and telephone never go into the audit trail.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.core import audit, crypto
from anjian.core.numbering import next_value
from anjian.core.scope import region_in_scope, scoped
from anjian.core.text import clean
from anjian.enforcement.models import ActionKind, EnforcementAction
from anjian.hazards.models import Hazard, Source
from anjian.hazards.models import Level as HazardLevel
from anjian.hazards.services import HazardData, HazardError, hazard_report
from anjian.regions.models import Division, Level
from anjian.tipoffs.models import Channel, Kind, Outcome, RewardStatus, Status, Tipoff
from anjian.tipoffs.rewards import reward_for, yuan
from anjian.tipoffs.selectors import reward_group

if TYPE_CHECKING:
    from anjian.accounts.models import User
    from anjian.units.models import Unit

log = logging.getLogger(__name__)

# Who receives and handles tip-offs in their jurisdiction (县级管理员, 部门监管员, 乡镇监管员).
HANDLERS = frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP})
# Who reads the register: the handlers and the county's read-only roles. Unit staff, grid workers
# and experts do not (a tip-off names the unit reported and must not reach it).
READERS = HANDLERS | frozenset({Role.LEADER, Role.AUDITOR, Role.SYSADMIN})
# Extension "with the higher level's approval" (2012 text) and the reward's approval: the county office.
APPROVERS = frozenset({Role.COUNTY_ADMIN})
HANDLE_DAYS = 60  # 2012 text: handled within 60 days of receipt
MAX_EXTENSION_DAYS = 30  # … extendable by at most 30 days
COLLECT_DAYS = 60  # 2012 text: the reward is collected within 60 days of the notice, else forfeited
# A reward is earned by a report the check found true, in whole or in part.
REWARDED_OUTCOMES = frozenset({Outcome.TRUE, Outcome.PARTLY})
SYSTEM = "系统"
AUDITED = ["number", "received_on", "channel", "region_code", "unit", "unit_text", "kind", "real_name", "employee",
           "org", "deadline", "due_on"]
PHONE = re.compile(r"^[0-9+()\- ]{5,32}$")


class TipoffError(Exception):
    """Invalid input or a step the tip-off's state does not allow; ``errors`` maps a field to reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(m for ms in errors.values() for m in ms))


class PermissionDenied(Exception):
    """The actor's role may not take this step, or the tip-off is outside the actor's jurisdiction."""


def refuse(field_name: str, message: str) -> TipoffError:
    return TipoffError({field_name: [message]})


def general_reward() -> Decimal:
    """The local amount for a general hazard (``ANJIAN_TIPOFF_GENERAL_REWARD``; 0: none, as nationally)."""
    raw = getattr(settings, "ANJIAN_TIPOFF_GENERAL_REWARD", 0) or 0
    try:
        return max(Decimal(str(raw)), Decimal(0))
    except InvalidOperation:
        log.warning("ANJIAN_TIPOFF_GENERAL_REWARD 应为金额（元），%r 无效，按 0（不奖励）处理", raw)
        return Decimal(0)


@dataclass
class TipoffData:
    received_on: dt.date
    channel: str
    kind: str
    content: str
    unit: Unit | None = None
    unit_text: str = ""
    township: str = ""  # 9- or 12-digit code, when no unit is known
    reporter_name: str = ""
    reporter_phone: str = ""
    real_name: bool = False
    employee: bool = False


@dataclass
class CloseData:
    outcome: str
    result_note: str
    hazard: Hazard | None = None
    action: EnforcementAction | None = None
    accident_level: str = ""
    accident_deaths: int = 0
    # Report a general hazard (source 群众举报) for the unit with this rectification deadline.
    hazard_deadline: dt.date | None = None


# --- checks -------------------------------------------------------------------------------------


def _check_handler(actor: User, tipoff: Tipoff | None = None) -> None:
    if actor.role not in HANDLERS:
        raise PermissionDenied(f"{actor.get_role_display()}无权办理举报")
    if actor.org_id is None:
        raise PermissionDenied("您的账号未设所属机构，无法办理举报")
    if tipoff is not None and not scoped(actor, Tipoff.objects.filter(pk=tipoff.pk)).exists():
        raise PermissionDenied("该举报不在您的管辖范围内")


def _check_approver(actor: User, tipoff: Tipoff, what: str) -> None:
    _check_handler(actor, tipoff)
    if actor.role not in APPROVERS:
        raise PermissionDenied(f"只有县级管理员可以{what}")


def _locked(tipoff: Tipoff) -> Tipoff:
    return Tipoff.objects.select_for_update().get(pk=tipoff.pk)


def _refresh(tipoff: Tipoff, locked: Tipoff, names: list[str]) -> Tipoff:
    """Copy what a step changed onto the caller's instance."""
    for name in names:
        setattr(tipoff, name, getattr(locked, name))
    return tipoff


# --- receive ------------------------------------------------------------------------------------


def _validate_receive(actor: User, data: TipoffData) -> dict[str, list[str]]:
    from anjian.units.selectors import unit_visible

    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.content = (data.content or "").strip()
    data.unit_text = clean(data.unit_text)
    data.reporter_name = clean(data.reporter_name)
    data.reporter_phone = clean(data.reporter_phone)
    data.township = clean(data.township)
    if data.received_on is None:
        add("received_on", "请填写受理日期")
    elif data.received_on > timezone.localdate():
        add("received_on", "受理日期不能晚于今天")
    if data.channel not in Channel.values:
        add("channel", "举报渠道应为 12350电话、来信、来访、网络、其他 之一")
    if data.kind not in Kind.values:
        add("kind", "举报类型应为 重大事故隐患、安全生产违法行为、瞒报谎报事故、一般隐患、其他 之一")
    if len(data.content) < 4:
        add("content", "请填写举报内容（至少4个字）")
    if data.unit is not None:
        if not unit_visible(actor, data.unit):
            add("unit", "该单位不在您的管辖范围内")
        data.unit_text = data.unit_text or data.unit.name
    else:
        if not data.unit_text:
            add("unit_text", "请选择被举报单位，或填写举报所称的单位（场所）名称")
        code = data.township
        if not code:
            add("township", "未选择单位时须选择所在乡镇（街道）")
        elif not (code.isdigit() and len(code) in (9, 12)):
            add("township", "乡镇代码应为 9 位（或补足 12 位）统计用区划代码")
        else:
            data.township = code[:9].ljust(12, "0")
            if not Division.objects.filter(code=data.township, level=Level.TOWNSHIP).exists():
                add("township", f"乡镇代码 {code[:9]} 不存在")
            elif not region_in_scope(actor, data.township):
                add("township", "该乡镇不在您的管辖范围内")
    if data.real_name:
        # A real-name report needs a name and a way to tell the reporter the result and the reward.
        if not data.reporter_name:
            add("reporter_name", "实名举报须填写举报人姓名")
        if not data.reporter_phone:
            add("reporter_phone", "实名举报须填写举报人联系电话")
    if data.reporter_phone and not PHONE.match(data.reporter_phone):
        add("reporter_phone", "联系电话格式不正确")
    if len(data.reporter_name) > REPORTER_NAME_MAX:
        add("reporter_name", f"举报人姓名不能超过{REPORTER_NAME_MAX}个字")
    return errors


REPORTER_NAME_MAX = 64


def seal(text: str) -> str:
    """The reporter's name or telephone as stored: SM4-GCM encrypted (anjian.core.crypto); empty stays empty."""
    return crypto.encrypt(text) if text else ""


def tipoff_receive(*, actor: User, data: TipoffData) -> Tipoff:
    """Register a tip-off received by ``actor``'s office; nothing is written when the data are invalid."""
    _check_handler(actor)
    errors = _validate_receive(actor, data)
    if errors:
        raise TipoffError(errors)
    org = actor.org
    assert org is not None
    region = data.unit.region_code if data.unit is not None else data.township
    deadline = data.received_on + dt.timedelta(days=HANDLE_DAYS)
    with transaction.atomic():
        # The number last, just before the insert: its counter row is locked to commit.
        county = org.region_code[:6]
        year = data.received_on.year
        tipoff = Tipoff(
            number=f"JB{county}{year}{next_value(f'tipoff:{county}:{year}'):05d}",
            received_on=data.received_on, channel=data.channel, region_code=region, unit=data.unit,
            unit_text=data.unit_text, kind=data.kind, content=data.content,
            # Encrypted at rest (GB/T 22239-2019 8.1.4.8; DOMAIN.md §6 "encrypt reporter identity"):
            # a copy of the database or a backup does not name anybody who reported.
            reporter_name=seal(data.reporter_name), reporter_phone=seal(data.reporter_phone),
            real_name=data.real_name, employee=data.employee,
            received_by=actor, org=org, deadline=deadline, due_on=deadline,
        )
        tipoff.save(force_insert=True)
        # The snapshot leaves out the reporter's name and telephone (confidential, DOMAIN.md §4).
        audit.record(actor=actor, action="tipoff.receive", obj=tipoff, changes=audit.snapshot(tipoff, AUDITED))
    return tipoff


# --- handling -----------------------------------------------------------------------------------


def tipoff_start_check(*, actor: User, tipoff: Tipoff, note: str = "") -> Tipoff:
    _check_handler(actor, tipoff)
    with transaction.atomic():
        locked = _locked(tipoff)
        if locked.status != Status.RECEIVED:
            raise refuse("status", f"只有已受理的举报可以开始核查（当前：{locked.get_status_display()}）")
        locked.status = Status.CHECKING
        locked.save(update_fields=["status"])
        audit.record(actor=actor, action="tipoff.start_check", obj=locked,
                     changes={"status": [Status.RECEIVED, Status.CHECKING], "note": clean(note)})
    return _refresh(tipoff, locked, ["status"])


def tipoff_extend(*, actor: User, tipoff: Tipoff, days: int, reason: str) -> Tipoff:
    """延期: once, by 1–30 days, with a reason, approved by the county office (2012 text)."""
    _check_approver(actor, tipoff, "批准举报办理延期（须经上级批准）")
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if days is None or not 1 <= days <= MAX_EXTENSION_DAYS:
        errors["days"] = [f"延长期限为 1 至 {MAX_EXTENSION_DAYS} 天"]
    if not reason:
        errors["reason"] = ["请填写延期理由（须告知举报人延期理由）"]
    if errors:
        raise TipoffError(errors)
    with transaction.atomic():
        locked = _locked(tipoff)
        if locked.status == Status.CLOSED:
            raise refuse("days", "已办结的举报不能延期")
        if locked.extended_days:
            raise refuse("days", f"该举报已延期一次（{locked.extended_days} 天），不能再次延期")
        before = audit.snapshot(locked, ["extended_days", "due_on"])
        locked.extended_days = days
        locked.extension_reason = reason
        locked.extension_approved_by = actor
        locked.due_on = locked.deadline + dt.timedelta(days=days)
        locked.save(update_fields=["extended_days", "extension_reason", "extension_approved_by", "due_on"])
        changes: dict[str, Any] = audit.diff(before, audit.snapshot(locked, ["extended_days", "due_on"]))
        changes["reason"] = reason
        audit.record(actor=actor, action="tipoff.extend", obj=locked, changes=changes)
    return _refresh(tipoff, locked, ["extended_days", "extension_reason", "extension_approved_by", "due_on"])


def _order(t: Tipoff) -> tuple[dt.date, int]:
    return (t.received_on, t.pk)


def tipoff_merge(*, actor: User, tipoff: Tipoff, into: Tipoff, note: str = "") -> Tipoff:
    """重复举报: ``tipoff`` (received later) becomes a duplicate of ``into`` (received earlier).

    The duplicate is closed with its main report (handled together); its own duplicates, if any,
    follow it to ``into``. The reward goes once, to the first real-name report of the group
    (``tipoff_reward_propose``).
    """
    _check_handler(actor, tipoff)
    _check_handler(actor, into)
    if into.pk == tipoff.pk:
        raise refuse("into", "不能与本件合并")
    with transaction.atomic():
        # Both rows locked, in id order (two merges of the same pair cannot deadlock).
        rows = {t.pk: t for t in Tipoff.objects.select_for_update().filter(pk__in=[tipoff.pk, into.pk]).order_by("pk")}
        locked, main = rows[tipoff.pk], rows[into.pk]
        if locked.status == Status.CLOSED:
            raise refuse("into", "已办结的举报不能再合并")
        if locked.reward_status != RewardStatus.NONE:
            raise refuse("into", "已有奖励记录的举报不能合并")
        if main.duplicate_of_id is not None:
            root = Tipoff.objects.only("number").get(pk=main.duplicate_of_id)
            raise refuse("into", f"{main.number} 本身是 {root.number} 的重复举报，请合并到 {root.number}")
        if _order(main) > _order(locked):
            raise refuse(
                "into",
                f"{main.number}（{main.received_on:%Y-%m-%d} 受理）晚于本件受理，应将后受理的举报合并到先受理的举报："
                f"请在 {main.number} 上操作合并到 {locked.number}",
            )
        today = timezone.localdate()
        was = locked.status
        moved = list(Tipoff.objects.filter(duplicate_of=locked).values_list("number", flat=True))
        if moved:
            Tipoff.objects.filter(duplicate_of=locked).update(duplicate_of=main)
        locked.duplicate_of = main
        locked.status = Status.CLOSED
        locked.closed_on = today
        locked.result_note = clean(note) or f"重复举报，并入 {main.number} 办理"
        locked.save(update_fields=["duplicate_of", "status", "closed_on", "result_note"])
        audit.record(actor=actor, action="tipoff.merge", obj=locked,
                     changes={"duplicate_of": [None, main.number], "status": [was, Status.CLOSED],
                              "moved_duplicates": moved})
        audit.record(actor=actor, action="tipoff.merged", obj=main, changes={"duplicate": locked.number})
    return _refresh(tipoff, locked, ["duplicate_of", "status", "closed_on", "result_note"])


def _validate_close(actor: User, tipoff: Tipoff, data: CloseData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.result_note = (data.result_note or "").strip()
    if data.outcome not in Outcome.values:
        add("outcome", "请选择核查结论：属实、部分属实或不属实")
    if not data.result_note:
        add("result_note", "请填写办理结果（核查情况和处理意见，用于答复举报人）")
    if data.hazard is not None:
        if not scoped(actor, Hazard.objects.filter(pk=data.hazard.pk)).exists():
            add("hazard", "该隐患不在您的管辖范围内")
        elif tipoff.unit_id is not None and data.hazard.unit_id != tipoff.unit_id:
            add("hazard", "关联的隐患不属于被举报单位")
    if data.action is not None:
        if not scoped(actor, EnforcementAction.objects.filter(pk=data.action.pk)).exists():
            add("action", "该执法措施不在您的管辖范围内")
        elif data.action.kind != ActionKind.PENALTY:
            add("action", "奖励按罚款金额计算：关联的执法措施应为行政处罚")
        elif tipoff.unit_id is not None and data.action.unit_id != tipoff.unit_id:
            add("action", "关联的行政处罚不属于被举报单位")
    if data.accident_deaths is None or data.accident_deaths < 0:
        add("accident_deaths", "查实瞒报谎报死亡人数不能为负数")
    if tipoff.kind == Kind.CONCEALED_ACCIDENT and data.outcome in REWARDED_OUTCOMES and not data.accident_level:
        add("accident_level", "举报瞒报谎报事故属实的，须填写最终确认的事故等级")
    if tipoff.kind != Kind.CONCEALED_ACCIDENT and (data.accident_level or data.accident_deaths):
        add("accident_level", "只有举报瞒报谎报事故的填写事故等级和死亡人数")
    if data.hazard_deadline is not None:
        if data.hazard is not None:
            add("hazard_deadline", "已关联隐患，不再另行上报")
        elif tipoff.unit_id is None:
            add("hazard_deadline", "未确定被举报单位，不能上报隐患：请先在隐患页面上报后关联")
        elif tipoff.kind == Kind.MAJOR_HAZARD:
            # A major hazard needs its 判定标准 clause and a 治理方案: the hazard page asks for them.
            add("hazard_deadline", "重大事故隐患请在隐患页面按判定标准上报，再在此关联隐患编号")
        elif data.outcome not in REWARDED_OUTCOMES:
            add("hazard_deadline", "核查不属实的不上报隐患")
    return errors


def tipoff_close(*, actor: User, tipoff: Tipoff, data: CloseData) -> Tipoff:
    """办结: the conclusion, the reply to the reporter, and the hazard / penalty the check led to."""
    _check_handler(actor, tipoff)
    errors = _validate_close(actor, tipoff, data)
    if errors:
        raise TipoffError(errors)
    with transaction.atomic():
        locked = _locked(tipoff)
        if locked.status == Status.CLOSED:
            raise refuse("outcome", "该举报已办结")
        today = timezone.localdate()
        hazard = data.hazard
        if data.hazard_deadline is not None:
            assert locked.unit is not None
            try:
                hazard, _ = hazard_report(actor=actor, data=HazardData(
                    unit=locked.unit, description=f"群众举报（{locked.number}）：{locked.content}",
                    level=HazardLevel.GENERAL, found_on=today, deadline=data.hazard_deadline, source=Source.PUBLIC,
                ))
            except HazardError as exc:
                # Leaving the atomic block writes nothing of the close either.
                raise TipoffError({"hazard_deadline": [m for ms in exc.errors.values() for m in ms]}) from exc
        before = audit.snapshot(locked, ["status"])
        locked.status = Status.CLOSED
        locked.outcome = data.outcome
        locked.result_note = data.result_note
        locked.closed_on = today
        locked.hazard = hazard
        locked.action = data.action
        locked.accident_level = data.accident_level
        locked.accident_deaths = data.accident_deaths
        names = ["status", "outcome", "result_note", "closed_on", "hazard", "action", "accident_level",
                 "accident_deaths"]
        locked.save(update_fields=names)
        changes: dict[str, Any] = {"status": [before["status"], Status.CLOSED], "outcome": data.outcome,
                                   "result_note": data.result_note}
        if hazard is not None:
            changes["hazard"] = hazard.number
            changes["hazard_created"] = data.hazard_deadline is not None
        if data.action is not None:
            changes["action"] = data.action.number
        if locked.kind == Kind.CONCEALED_ACCIDENT:
            changes.update(accident_level=data.accident_level, accident_deaths=data.accident_deaths)
        audit.record(actor=actor, action="tipoff.close", obj=locked, changes=changes)
    return _refresh(tipoff, locked, names)


# --- reward -------------------------------------------------------------------------------------


def reward_preview(tipoff: Tipoff) -> tuple[Decimal, str]:
    """The reward the rule gives this tip-off now (the proposal's computation, without its refusals)."""
    group = reward_group(tipoff)
    root = group[0] if group else tipoff
    fine = root.action.fine_initial if root.action is not None else None
    return reward_for(
        root.kind, fine=fine, accident_level=root.accident_level, deaths=root.accident_deaths,
        real_name=tipoff.real_name, general_table=general_reward(),
    )


def tipoff_reward_propose(*, actor: User, tipoff: Tipoff) -> Tipoff:
    """拟奖励: compute the reward from the group's conclusion, penalty and accident (reward_for).

    Refused: before the check is concluded, when it found the report untrue, for an anonymous
    report, and for any report of the group but the first real-name one received.
    """
    _check_handler(actor, tipoff)
    with transaction.atomic():
        locked = _locked(tipoff)
        group = reward_group(locked)
        root = group[0]
        if locked.reward_status not in (RewardStatus.NONE, RewardStatus.PROPOSED):
            raise refuse("reward", f"奖励{locked.get_reward_status_display()}，不能重新拟定")
        if root.status != Status.CLOSED:
            raise refuse("reward", "举报尚未办结，不能拟定奖励")
        if root.outcome not in REWARDED_OUTCOMES:
            raise refuse("reward", "核查结论为不属实，不予奖励（奖励须举报属实或部分属实）")
        if not locked.real_name:
            raise refuse("reward", "匿名举报不予奖励（《安全生产领域举报奖励办法》：奖励有功的实名举报人）")
        first = next(t for t in group if t.real_name)
        if first.pk != locked.pk:
            raise refuse("reward", f"同一事项的重复举报只奖励最先受理的实名举报（{first.number}），本件不予奖励")
        others = [t.number for t in group if t.pk != locked.pk and t.reward_status != RewardStatus.NONE]
        if others:
            raise refuse("reward", f"同一事项已有奖励记录（{'、'.join(others)}），奖励只发放一次")
        amount, basis = reward_preview(locked)
        if amount <= 0:
            raise refuse("reward", f"按规定不予奖励：{basis}")
        before = audit.snapshot(locked, ["reward_status", "reward_amount"])
        locked.reward_amount = amount
        locked.reward_basis = basis
        locked.reward_status = RewardStatus.PROPOSED
        locked.save(update_fields=["reward_amount", "reward_basis", "reward_status"])
        changes: dict[str, Any] = audit.diff(before, audit.snapshot(locked, ["reward_status", "reward_amount"]))
        changes["basis"] = basis
        audit.record(actor=actor, action="tipoff.reward_propose", obj=locked, changes=changes)
    return _refresh(tipoff, locked, ["reward_amount", "reward_basis", "reward_status"])


def tipoff_reward_approve(*, actor: User, tipoff: Tipoff, notified_on: dt.date | None = None) -> Tipoff:
    """批准奖励 and record when the reporter was told (the 60-day collection period starts then)."""
    _check_approver(actor, tipoff, "批准举报奖励")
    today = timezone.localdate()
    notified_on = notified_on or today
    with transaction.atomic():
        locked = _locked(tipoff)
        if locked.reward_status != RewardStatus.PROPOSED:
            raise refuse("reward", f"只有拟奖励的可以批准（当前：{locked.get_reward_status_display()}）")
        if notified_on > today:
            raise refuse("notified_on", "通知日期不能晚于今天")
        if locked.closed_on is not None and notified_on < locked.closed_on:
            raise refuse("notified_on", "通知日期不能早于办结日期")
        locked.reward_status = RewardStatus.APPROVED
        locked.reward_approved_by = actor
        locked.reward_notified_on = notified_on
        locked.save(update_fields=["reward_status", "reward_approved_by", "reward_notified_on"])
        audit.record(actor=actor, action="tipoff.reward_approve", obj=locked, changes={
            "reward_status": [RewardStatus.PROPOSED, RewardStatus.APPROVED],
            "reward_amount": str(locked.reward_amount), "reward_notified_on": notified_on.isoformat(),
        })
    return _refresh(tipoff, locked, ["reward_status", "reward_approved_by", "reward_notified_on"])


def collect_by(notified_on: dt.date) -> dt.date:
    """The last day the reward may be collected: 60 days after the notice."""
    return notified_on + dt.timedelta(days=COLLECT_DAYS)


def tipoff_reward_pay(*, actor: User, tipoff: Tipoff, paid_on: dt.date | None = None) -> Tipoff:
    """发放: record the payment; refused after the 60-day collection period."""
    _check_handler(actor, tipoff)
    today = timezone.localdate()
    paid_on = paid_on or today
    with transaction.atomic():
        locked = _locked(tipoff)
        if locked.reward_status != RewardStatus.APPROVED:
            raise refuse("reward", f"只有已批准的奖励可以发放（当前：{locked.get_reward_status_display()}）")
        assert locked.reward_notified_on is not None
        last = collect_by(locked.reward_notified_on)
        if paid_on > today:
            raise refuse("paid_on", "发放日期不能晚于今天")
        if paid_on < locked.reward_notified_on:
            raise refuse("paid_on", "发放日期不能早于奖励通知日期")
        if paid_on > last:
            raise refuse(
                "paid_on",
                f"已超过领取期限（自 {locked.reward_notified_on:%Y-%m-%d} 通知起 {COLLECT_DAYS} 日，"
                f"至 {last:%Y-%m-%d}），逾期未领取的视为放弃",
            )
        locked.reward_status = RewardStatus.PAID
        locked.reward_paid_on = paid_on
        locked.save(update_fields=["reward_status", "reward_paid_on"])
        audit.record(actor=actor, action="tipoff.reward_pay", obj=locked, changes={
            "reward_status": [RewardStatus.APPROVED, RewardStatus.PAID], "reward_paid_on": paid_on.isoformat(),
            "reward_amount": str(locked.reward_amount),
        })
    return _refresh(tipoff, locked, ["reward_status", "reward_paid_on"])


def available_steps(user: User, tipoff: Tipoff) -> list[str]:
    """The steps ``user`` may try on ``tipoff`` now (the detail page shows their forms).

    The services re-check everything; a step shown here may still be refused with its reason
    (e.g. a proposal for a duplicate that was not the first real-name report).
    """
    if user.role not in HANDLERS or user.org_id is None:
        return []
    steps: list[str] = []
    open_ = tipoff.status != Status.CLOSED
    if tipoff.status == Status.RECEIVED:
        steps.append("start_check")
    if open_ and not tipoff.extended_days and user.role in APPROVERS:
        steps.append("extend")
    if open_ and tipoff.reward_status == RewardStatus.NONE:
        steps.append("merge")
    if open_:
        steps.append("close")
    if not open_ and tipoff.real_name and tipoff.reward_status in (RewardStatus.NONE, RewardStatus.PROPOSED):
        steps.append("propose")
    if tipoff.reward_status == RewardStatus.PROPOSED and user.role in APPROVERS:
        steps.append("approve")
    if tipoff.reward_status == RewardStatus.APPROVED:
        steps.append("pay")
    return steps


# --- the daily scan -----------------------------------------------------------------------------


@dataclass
class ScanResult:
    today: dt.date
    forfeited: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.today:%Y-%m-%d} 举报奖励扫描：逾期未领取、视为放弃 {len(self.forfeited)} 项"


def scan_tipoffs(today: dt.date | None = None) -> ScanResult:
    """Mark approved rewards not collected within 60 days of the notice as forfeited. Safe to run again."""
    today = today or timezone.localdate()
    result = ScanResult(today)
    cutoff = today - dt.timedelta(days=COLLECT_DAYS)  # notified before this: the period is over
    candidates = Tipoff.objects.filter(reward_status=RewardStatus.APPROVED, reward_notified_on__lt=cutoff)
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            t = Tipoff.objects.select_for_update().get(pk=pk)
            # Re-checked under the lock: a payment or a concurrent run may have got here first.
            if t.reward_status != RewardStatus.APPROVED or t.reward_notified_on is None or \
                    collect_by(t.reward_notified_on) >= today:
                continue
            t.reward_status = RewardStatus.FORFEITED
            t.save(update_fields=["reward_status"])
            audit.record(actor=None, actor_name=SYSTEM, action="tipoff.reward_forfeit", obj=t, changes={
                "reward_status": [RewardStatus.APPROVED, RewardStatus.FORFEITED],
                "reward_notified_on": t.reward_notified_on.isoformat(),
                "collect_by": collect_by(t.reward_notified_on).isoformat(),
                "reward_amount": yuan(t.reward_amount or Decimal(0)),
            })
            result.forfeited.append(t.number)
    log.info(result.summary())
    return result
