"""One-time links: a unit without an account signs for one hazard and submits its rectification.

A supervisor in scope creates the link (:func:`link_create`); the random token is shown once and
optionally sent by SMS; only its SHA-256 is stored. The link opens ``/h/<token>/`` without a
login and allows exactly two steps on that one hazard — 签字认领 and 提交整改 — through the real
services (``hazard_claim``, ``hazard_submit``), acting as an unsaved unit-staff user so the
workflow table applies unchanged and the events name who acted ("…（一次性链接）").

A link stops working when its lifetime ends (``ANJIAN_LINK_HOURS``, default 72), once the hazard
has been submitted through it, when a newer link for the same hazard replaces it, or when the
hazard has left the two states the link is for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.scope import scope_q
from anjian.hazards import workflow
from anjian.hazards.deadlines import verifier_staff
from anjian.hazards.models import Hazard, Status
from anjian.hazards.services import Evidence, HazardError, hazard_claim, hazard_submit
from anjian.hazards.workflow import StepDenied
from anjian.notifications.models import Kind, OneTimeLink
from anjian.notifications.services import absolute, hazard_url, notify
from anjian.notifications.sms import masked, mobile, send_sms

if TYPE_CHECKING:
    from anjian.units.models import Unit

# The two steps a link is for, hence the two states it works in.
LINK_STATES = (Status.REPORTED, Status.RECTIFYING)


def link_hours() -> int:
    return int(getattr(settings, "ANJIAN_LINK_HOURS", 72))


class LinkGone(Exception):
    """The link cannot be used; ``status`` is the HTTP answer (404 unknown, 410 no longer valid)."""

    def __init__(self, message: str, status: int = 410) -> None:
        self.status = status
        super().__init__(message)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_actor(unit: Unit) -> User:
    """Who acts through a link: the unit itself, as an unsaved unit-staff user.

    ``workflow.check`` reads its role and unit; events record its name; the audit entry gets no
    user (there is none) but the same name.
    """
    return User(username="link", full_name=f"{unit.name}（一次性链接）", role=Role.UNIT_STAFF, unit=unit)


def link_create(
    *, actor: User, hazard: Hazard, phone: str | None = None, base_url: str | None = None
) -> tuple[OneTimeLink, str]:
    """A new link for ``hazard``; returns (link, absolute URL). The URL holds the token: show it once.

    A newer link replaces any earlier unused one for the same hazard, so that only the last link
    sent is live.
    """
    if actor.role not in workflow.SUPERVISORS:
        raise StepDenied(f"{actor.get_role_display()}不能发送一次性链接")
    if not Hazard.objects.filter(scope_q(actor, Hazard.SCOPE), pk=hazard.pk).exists():
        raise StepDenied("该隐患不在您的管辖范围内")
    number = mobile(phone) if phone else ""
    if phone and not number:
        raise HazardError({"phone": ["请输入11位手机号码"]})
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    with transaction.atomic():
        hazard = Hazard.objects.select_for_update(of=("self",)).select_related("unit").get(pk=hazard.pk)
        if hazard.status not in LINK_STATES:
            raise StepDenied(f"隐患当前为“{hazard.get_status_display()}”，不能发送认领整改链接")
        OneTimeLink.objects.filter(hazard=hazard, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        link = OneTimeLink.objects.create(
            hazard=hazard,
            digest=hash_token(token),
            prefix=token[:6],
            phone=number,
            created_by=actor,
            created_at=now,
            expires_at=now + dt.timedelta(hours=link_hours()),
        )
        path = reverse("hazard_links:open", kwargs={"token": token})
        url = f"{base_url.rstrip('/')}{path}" if base_url else absolute(path)
        audit.record(
            actor=actor,
            action="hazard.link_create",
            obj=hazard,
            changes={"link": link.pk, "phone": masked(number) if number else "", "expires_at": str(link.expires_at)},
        )
        if number:
            expires = timezone.localtime(link.expires_at)
            send_sms(
                number,
                f"【安监】{hazard.unit.name}：您单位有一项安全隐患（{hazard.number}）需签字认领并整改，"
                f"请于{expires:%m月%d日%H:%M}前打开链接办理：{url}",
                kind="link",
            )
    return link, url


def _find(token: str, *, lock: bool = False) -> OneTimeLink:
    if not token or len(token) > 64:
        raise LinkGone("链接无效，请核对短信中的完整链接，或联系发送链接的监管人员。", 404)
    qs = OneTimeLink.objects.select_related("hazard", "hazard__unit", "hazard__verifier_org")
    if lock:
        # The link row only: the hazard is locked by the service it is handed to.
        qs = qs.select_for_update(of=("self",))
    link = qs.filter(digest=hash_token(token)).first()
    if link is None:
        raise LinkGone("链接无效，请核对短信中的完整链接，或联系发送链接的监管人员。", 404)
    if link.used_at is not None:
        raise LinkGone("该链接已使用：整改情况已提交，等待监管部门验收。链接不能再次使用。")
    if link.revoked_at is not None:
        raise LinkGone("该链接已作废（监管人员已发送了新的链接），请使用最新收到的链接。")
    if timezone.now() >= link.expires_at:
        raise LinkGone("该链接已过期，请联系监管人员重新发送。")
    if link.hazard.status not in LINK_STATES:
        raise LinkGone(f"该隐患当前为“{link.hazard.get_status_display()}”，链接已失效。")
    return link


def link_resolve(token: str) -> OneTimeLink:
    """The live link for ``token``, else LinkGone with the Chinese reason and HTTP status."""
    return _find(token)


def link_claim(*, token: str, name: str, note: str = "") -> Hazard:
    """签字认领 through the link; ``name`` is the person signing for the unit."""
    name = name.strip()
    if not name:
        raise HazardError({"name": ["请填写签字人姓名"]})
    with transaction.atomic():
        link = _find(token, lock=True)
        actor = link_actor(link.hazard.unit)
        text = f"签字人：{name[:32]}" + (f"。{note.strip()}" if note.strip() else "")
        hazard = hazard_claim(actor=actor, hazard=link.hazard, note=text)
        link.claimed_at = timezone.now()
        link.save(update_fields=["claimed_at"])
        notify(
            [link.created_by],
            kind=Kind.LINK,
            title=f"{hazard.unit.name}已通过一次性链接签字认领隐患{hazard.number}",
            body=text,
            url=hazard_url(hazard),
        )
    return hazard


def link_submit(
    *, token: str, note: str, files: list[Evidence], rectified_on: dt.date | None = None
) -> Hazard:
    """提交整改 through the link, with photos; the link is used up by it."""
    with transaction.atomic():
        link = _find(token, lock=True)
        actor = link_actor(link.hazard.unit)
        hazard = hazard_submit(actor=actor, hazard=link.hazard, note=note, files=files, rectified_on=rectified_on)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        notify(
            [*verifier_staff(hazard), link.created_by],
            kind=Kind.VERIFY,
            title=f"{hazard.unit.name}已通过一次性链接提交隐患{hazard.number}的整改，请验收",
            body=note.strip(),
            url=hazard_url(hazard),
        )
    return hazard
