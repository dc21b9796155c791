"""Writes of the notifications app: messages, read marks, and the one daily digest.

Messages are written by the jobs and services that notice something (the deadline scan,
one-time links …) through :func:`notify`. People are not sent an e-mail or SMS per message:
:func:`send_digests` sends each person at most ONE e-mail and ONE SMS a day, carrying their new
messages and what is due or overdue in their scope (issue 3 point 6).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.notifications import selectors
from anjian.notifications.models import Digest, Kind, Message
from anjian.notifications.sms import mobile, send_sms

if TYPE_CHECKING:
    from anjian.accounts.models import User
    from anjian.hazards.models import Hazard
    from anjian.units.models import Unit

log = logging.getLogger(__name__)

# A digest lists at most this many items per section, then "另有 N 项": a county office with
# hundreds of overdue hazards gets a readable e-mail and the full list on the platform.
DIGEST_MAX_ITEMS = 30
# Whose digest carries the due/overdue hazards of their scope: the people who must act on them.
# Unit staff rectify (so hazards already submitted are no longer theirs to worry about);
# supervisors verify and chase (so everything not closed is).
_UNIT_ROLES = frozenset({Role.UNIT_STAFF})
_SUPERVISOR_ROLES = frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP})


def remind_days() -> int:
    """Days before the deadline that count as "due" (reminders and digests alike)."""
    return int(getattr(settings, "ANJIAN_REMIND_DAYS", 3))


def site_url() -> str:
    """Where the platform is reached from outside, for links in e-mails and SMS."""
    return str(getattr(settings, "ANJIAN_SITE_URL", "http://localhost:8000")).rstrip("/")


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else f"{site_url()}{path}"


def hazard_url(hazard: Hazard) -> str:
    """The hazard's page (the hazard pages are another module's; fall back to their planned path)."""
    try:
        return reverse("hazards:detail", kwargs={"pk": hazard.pk})
    except NoReverseMatch:
        return f"/hazards/{hazard.pk}/"


# --- messages ---------------------------------------------------------------------------------


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Message]:
    """Put one message in each recipient's inbox (each person once, however often listed)."""
    seen: set[int] = set()
    rows = []
    now = timezone.now()
    for user in recipients:
        if user.pk is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Message(recipient=user, kind=kind, title=title[:200], body=body, url=url[:300], created_at=now))
    return Message.objects.bulk_create(rows)


def message_read(*, actor: User, message: Message) -> Message:
    if message.recipient_id != actor.pk:
        from django.http import Http404

        raise Http404("未找到该消息")
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def messages_read_all(*, actor: User) -> int:
    return Message.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


# --- the daily digest -------------------------------------------------------------------------


@dataclass
class DigestResult:
    day: dt.date
    people: int = 0
    units: int = 0
    emails: int = 0
    sms: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.day:%Y-%m-%d} 每日摘要：发送给 {self.people} 人、无账号单位 {self.units} 家；"
            f"邮件 {self.emails} 封，短信 {self.sms} 条"
        )
        if self.errors:
            text += f"；{len(self.errors)} 处发送失败"
        return text


@dataclass
class _Contents:
    messages: list[Message]
    due: list[Hazard]
    due_total: int
    overdue: list[Hazard]
    overdue_total: int

    @property
    def empty(self) -> bool:
        return not self.messages and not self.due_total and not self.overdue_total

    def news(self) -> list[Message]:
        """The messages worth telling: a reminder or overdue notice about a hazard that the digest
        lists below anyway is not repeated (it is still marked as carried)."""
        listed = {hazard_url(h) for h in [*self.due, *self.overdue]}
        return [m for m in self.messages if not (m.kind in (Kind.REMIND, Kind.OVERDUE) and m.url in listed)]


def _open_statuses(role: str) -> list[str]:
    from anjian.hazards.models import Status

    if role in _UNIT_ROLES:
        return [Status.REPORTED, Status.RECTIFYING]
    return [Status.REPORTED, Status.RECTIFYING, Status.SUBMITTED]


def _hazards_for(user: User) -> QuerySet[Hazard] | None:
    if user.role not in _UNIT_ROLES | _SUPERVISOR_ROLES:
        return None
    from anjian.hazards.selectors import hazard_queryset

    return hazard_queryset(user).filter(status__in=_open_statuses(user.role)).select_related("unit")


def _contents(user: User, today: dt.date) -> _Contents:
    messages = list(selectors.undigested(user))
    due: list[Hazard] = []
    overdue: list[Hazard] = []
    due_total = overdue_total = 0
    qs = _hazards_for(user)
    if qs is not None:
        horizon = today + dt.timedelta(days=remind_days())
        due_qs = qs.filter(deadline__gte=today, deadline__lte=horizon).order_by("deadline", "id")
        overdue_qs = qs.filter(deadline__lt=today).order_by("deadline", "id")
        due = list(due_qs[:DIGEST_MAX_ITEMS])
        overdue = list(overdue_qs[:DIGEST_MAX_ITEMS])
        due_total = len(due) if len(due) < DIGEST_MAX_ITEMS else due_qs.count()
        overdue_total = len(overdue) if len(overdue) < DIGEST_MAX_ITEMS else overdue_qs.count()
    return _Contents(messages, due, due_total, overdue, overdue_total)


def _hazard_line(h: Hazard, today: dt.date) -> str:
    days = (h.deadline - today).days
    when = "今天到期" if days == 0 else (f"还有{days}天" if days > 0 else f"已逾期{-days}天")
    return (
        f"{h.number} {h.unit.name}：{h.description[:40]}（整改期限 {h.deadline:%Y-%m-%d}，{when}）\n"
        f"   {absolute(hazard_url(h))}"
    )


def _digest_email(user: User, today: dt.date, c: _Contents) -> tuple[str, str]:
    shown = c.news()
    parts = [f"{user.display_name}，您好：", "", f"以下是 {today:%Y年%m月%d日} 需要您关注的事项。"]
    if shown:
        parts += ["", f"【新消息】{len(shown)} 条"]
        for i, m in enumerate(shown[:DIGEST_MAX_ITEMS], 1):
            parts.append(f"{i}. {m.title}" + (f"\n   {absolute(m.url)}" if m.url else ""))
        if len(shown) > DIGEST_MAX_ITEMS:
            parts.append(f"……另有 {len(shown) - DIGEST_MAX_ITEMS} 条，请在平台“消息”中查看")
    if c.due_total:
        parts += ["", f"【{remind_days()}日内到期的隐患】{c.due_total} 项"]
        parts += [f"{i}. {_hazard_line(h, today)}" for i, h in enumerate(c.due, 1)]
        if c.due_total > len(c.due):
            parts.append(f"……另有 {c.due_total - len(c.due)} 项，请在平台隐患列表中查看")
    if c.overdue_total:
        parts += ["", f"【已逾期的隐患】{c.overdue_total} 项"]
        parts += [f"{i}. {_hazard_line(h, today)}" for i, h in enumerate(c.overdue, 1)]
        if c.overdue_total > len(c.overdue):
            parts.append(f"……另有 {c.overdue_total - len(c.overdue)} 项，请在平台隐患列表中查看")
    inbox = absolute(reverse("notifications:inbox"))
    parts += ["", f"登录平台查看全部消息：{inbox}", "", "本邮件由系统自动发送，请勿回复。"]
    subject = f"【安监】{today:%m月%d日}待办摘要"
    counts = []
    if c.due_total:
        counts.append(f"{c.due_total}项即将到期")
    if c.overdue_total:
        counts.append(f"{c.overdue_total}项已逾期")
    if shown:
        counts.append(f"{len(shown)}条新消息")
    if counts:
        subject += "：" + "，".join(counts)
    return subject, "\n".join(parts)


def _digest_sms(name: str, c: _Contents) -> str:
    counts = []
    news = c.news()
    if news:
        counts.append(f"{len(news)}条新消息")
    if c.due_total:
        counts.append(f"{c.due_total}项隐患{remind_days()}日内到期")
    if c.overdue_total:
        counts.append(f"{c.overdue_total}项隐患已逾期")
    return f"【安监】{name}：您有" + "，".join(counts) + "，请登录平台处理。"


def _send_person(user: User, today: dt.date, result: DigestResult) -> None:
    c = _contents(user, today)
    if c.empty:
        return
    phone = mobile(user.phone)
    with transaction.atomic():
        try:
            # The row is the "already sent today" mark; its unique constraint makes a second
            # run (or a concurrent one) skip this person.
            with transaction.atomic():
                digest = Digest.objects.create(
                    recipient=user,
                    day=today,
                    messages=len(c.messages),
                    due=c.due_total,
                    overdue=c.overdue_total,
                )
        except IntegrityError:
            return
        errors = []
        if user.email:
            subject, body = _digest_email(user, today, c)
            try:
                send_mail(subject, body, None, [user.email])
                digest.emailed_to = user.email
                result.emails += 1
            except Exception as exc:  # a mail server down must not stop everyone else's digest
                log.exception("每日摘要邮件发送失败：%s", user.email)
                errors.append(f"邮件：{exc}")
        if phone:
            try:
                send_sms(phone, _digest_sms(user.display_name, c), kind="digest")
                digest.sms_to = phone
                result.sms += 1
            except Exception as exc:
                log.exception("每日摘要短信发送失败：%s", phone)
                errors.append(f"短信：{exc}")
        digest.error = "\n".join(errors)
        digest.save(update_fields=["emailed_to", "sms_to", "error"])
        if errors:
            result.errors.append(f"{user.get_username()}：" + "；".join(errors))
        if digest.emailed_to or digest.sms_to:
            Message.objects.filter(pk__in=[m.pk for m in c.messages]).update(digest_sent_at=timezone.now())
        result.people += 1


def _send_units(today: dt.date, result: DigestResult) -> None:
    """Units with no account of their own: one SMS a day to the unit's registered mobile number."""
    from anjian.accounts.models import User
    from anjian.hazards.models import Hazard, Status
    from anjian.units.models import Unit

    horizon = today + dt.timedelta(days=remind_days())
    has_staff = User.objects.filter(unit_id=OuterRef("unit_id"), is_active=True, role=Role.UNIT_STAFF)
    rows = (
        Hazard.objects.filter(status__in=[Status.REPORTED, Status.RECTIFYING], deadline__lte=horizon)
        .filter(~Exists(has_staff))
        .values("unit_id")
        .annotate(
            due=Count("id", filter=Q(deadline__gte=today)),
            overdue=Count("id", filter=Q(deadline__lt=today)),
        )
    )
    counts = {r["unit_id"]: (r["due"], r["overdue"]) for r in rows}
    units: Iterable[Unit] = Unit.objects.filter(pk__in=counts, is_active=True).exclude(phone="")
    for unit in units:
        phone = mobile(unit.phone)
        if not phone:
            continue
        due, overdue = counts[unit.pk]
        c = _Contents([], [], due, [], overdue)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    digest = Digest.objects.create(unit=unit, day=today, due=due, overdue=overdue)
            except IntegrityError:
                continue
            try:
                send_sms(phone, _digest_sms(unit.name, c).replace("请登录平台处理", "请尽快整改，详询属地监管部门"),
                         kind="digest")
                digest.sms_to = phone
                result.sms += 1
            except Exception as exc:
                log.exception("单位每日摘要短信发送失败：%s", phone)
                digest.error = f"短信：{exc}"
                result.errors.append(f"{unit.name}：{exc}")
            digest.save(update_fields=["sms_to", "error"])
            result.units += 1


def send_digests(today: dt.date | None = None) -> DigestResult:
    """Send today's digest to everyone who has something in it; a second run sends nothing."""
    from anjian.accounts.models import User

    today = today or timezone.localdate()
    result = DigestResult(today)
    people = User.objects.filter(is_active=True).exclude(email="", phone="").select_related("org", "unit")
    # A plain list, not a server-side cursor: each person's digest commits on its own.
    for user in list(people.order_by("pk")):
        if not user.email and not mobile(user.phone):
            continue
        _send_person(user, today, result)
    if getattr(settings, "ANJIAN_SMS_UNITS_WITHOUT_ACCOUNT", True):
        _send_units(today, result)
    return result
