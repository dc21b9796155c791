"""Two-factor sign-in with an authenticator app (动态口令): enrol, confirm, verify, disable, reset.

GB/T 22239-2019 8.1.4.1 d: "two or more authentication techniques, one of them cryptographic"
(DOMAIN.md §6: password + TOTP for administrators and officials). Any user may turn it on; the
roles in ``ANJIAN_2FA_ROLES`` must (``anjian.accounts.policy`` holds their pages until they have).
Every change is audited; neither secrets nor codes are ever recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anjian.accounts import totp
from anjian.accounts.models import RecoveryCode, TotpDevice, User
from anjian.accounts.services import AccountError, may_manage_accounts, user_named
from anjian.core import audit, crypto
from anjian.regions.services import cli_actor_name

if TYPE_CHECKING:
    from collections.abc import Iterable

ISSUER = "安监平台"


class TwoFactorError(Exception):
    """A refused step; the message is for the user."""


def required_roles() -> frozenset[str]:
    roles: Iterable[str] = getattr(settings, "ANJIAN_2FA_ROLES", ())
    return frozenset(roles)


def required(user: User) -> bool:
    return user.role in required_roles()


def device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user).first()


def enabled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


@dataclass(frozen=True)
class Enrolment:
    secret: str  # shown to the user once, for the app
    uri: str

    @property
    def grouped(self) -> str:
        return totp.grouped(self.secret)


def totp_begin(user: User) -> Enrolment:
    """A new secret for the user's app; replaces an unconfirmed one. Refused when one is in use."""
    if enabled(user):
        raise TwoFactorError("动态口令已启用；如需更换手机，请先停用再重新启用")
    secret = totp.new_secret()
    TotpDevice.objects.update_or_create(user=user, defaults={"secret": crypto.encrypt(secret), "last_step": 0,
                                                             "confirmed_at": None})
    return Enrolment(secret, totp.provisioning_uri(secret, user.username, ISSUER))


def pending_enrolment(user: User) -> Enrolment | None:
    """The secret begun but not yet confirmed (the setup page shows it again after a wrong code)."""
    d = device(user)
    if d is None or d.confirmed_at is not None:
        return None
    secret = crypto.decrypt(d.secret)
    return Enrolment(secret, totp.provisioning_uri(secret, user.username, ISSUER))


def _new_recovery_codes(user: User) -> list[str]:
    codes = totp.recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, digest=totp.recovery_hash(c)) for c in codes])
    return codes


@transaction.atomic
def totp_confirm(user: User, code: str) -> list[str]:
    """The first code from the app turns the device on; returns 10 recovery codes, shown once."""
    d = TotpDevice.objects.select_for_update().filter(user=user).first()
    if d is None or d.confirmed_at is not None:
        raise TwoFactorError("请先点击“启用动态口令”生成密钥")
    s = totp.matching_step(crypto.decrypt(d.secret), code)
    if s is None:
        raise TwoFactorError("动态口令不正确：请核对手机时间是否准确，输入应用中当前显示的 6 位数字")
    d.confirmed_at = timezone.now()
    d.last_step = s
    d.save(update_fields=["confirmed_at", "last_step"])
    codes = _new_recovery_codes(user)
    audit.record(actor=user, action="2fa.enable", obj=user)
    return codes


@transaction.atomic
def totp_verify(user: User, code: str) -> bool:
    """A sign-in's second step: the app's current code (each used once) or an unused recovery code."""
    d = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if d is None:
        return False
    s = totp.matching_step(crypto.decrypt(d.secret), code)
    if s is not None:
        if s <= d.last_step:
            return False  # a code already used (RFC 6238 §5.2): somebody may have seen it
        d.last_step = s
        d.save(update_fields=["last_step"])
        return True
    recovery = (RecoveryCode.objects.select_for_update()
                .filter(user=user, digest=totp.recovery_hash(code), used_at__isnull=True).first())
    if recovery is None:
        return False
    recovery.used_at = timezone.now()
    recovery.save(update_fields=["used_at"])
    audit.record(actor=user, action="2fa.recovery_used", obj=user)
    return True


def recovery_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def recovery_regenerate(user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a current code from the app."""
    if not totp_verify(user, code):
        raise TwoFactorError("动态口令不正确")
    codes = _new_recovery_codes(user)
    audit.record(actor=user, action="2fa.recovery_regenerate", obj=user)
    return codes


@transaction.atomic
def totp_disable(user: User, password: str) -> None:
    """The user turns it off with their password; not for the roles that must use it."""
    if required(user):
        raise TwoFactorError(f"{user.get_role_display()}须使用动态口令登录，不能停用（换手机请联系系统管理员重置）")
    if not user.check_password(password):
        raise TwoFactorError("密码不正确")
    if not enabled(user):
        raise TwoFactorError("动态口令未启用")
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit.record(actor=user, action="2fa.disable", obj=user)


@transaction.atomic
def totp_reset(*, actor: User | None, username: str) -> User:
    """A lost phone: the system administrator (or the server's command line) removes the device.

    The user signs in with the password alone once more and, if their role requires it, sets up
    the new phone before anything else.
    """
    if not may_manage_accounts(actor):
        raise TwoFactorError("只有系统管理员可以重置动态口令（三员分立）")
    try:
        user = user_named(username)
    except AccountError as exc:
        raise TwoFactorError(str(exc)) from exc
    if not TotpDevice.objects.filter(user=user).exists():
        raise TwoFactorError(f"账号“{user.username}”没有启用动态口令")
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit.record(actor=actor, action="2fa.reset", obj=user, actor_name=cli_actor_name(actor))
    return user
