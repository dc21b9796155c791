"""Account policy of 等保 2.0 level 3 (GB/T 22239-2019; practice values in DOMAIN.md §6).

- 8.1.4.1 a (身份鉴别): passwords are changed periodically — every ``ANJIAN_PASSWORD_MAX_DAYS``
  (default 90) days — and a password set by somebody else (a new account, a reset) is changed at
  the first sign-in. Until it is, :class:`PasswordPolicyMiddleware` sends every page to the
  password page. API tokens are not passwords and are not held up (they are revoked separately).
- 8.1.4.1 d: the roles in ``ANJIAN_2FA_ROLES`` sign in with a second, cryptographic factor (an
  authenticator app, ``anjian.accounts.twofactor``); until they have set it up, every page sends
  them to the setup page.
- 8.1.4.2 (访问控制): surplus and expired accounts are removed or disabled in time — accounts
  nobody has signed in with for ``ANJIAN_DORMANT_DAYS`` (default 90) days are disabled by the
  daily job (``accounts.services.dormant_disable``, ``anjian user disable-dormant``).

Either setting at 0 turns its rule off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from anjian.accounts import twofactor

if TYPE_CHECKING:
    from anjian.accounts.models import User

MUST_CHANGE, EXPIRED = "must_change", "expired"
REASONS = {
    MUST_CHANGE: "首次登录或密码被重置后，须先修改密码才能继续使用。",
    EXPIRED: "密码已使用超过 {days} 天，按等级保护要求须定期更换，请先修改密码。",
}


def max_days() -> int:
    return int(settings.ANJIAN_PASSWORD_MAX_DAYS)


def password_state(user: User, now: dt.datetime | None = None) -> str | None:
    """``MUST_CHANGE``, ``EXPIRED`` or None (the password may be used)."""
    if user.must_change_password:
        return MUST_CHANGE
    days = max_days()
    if days <= 0:
        return None
    changed = user.password_changed_at or user.date_joined
    if (now or timezone.now()) - changed > dt.timedelta(days=days):
        return EXPIRED
    return None


def reason(state: str) -> str:
    return REASONS[state].format(days=max_days())


# Pages a user whose password must change may still open: the password page itself, signing out,
# and files (static, uploaded) the password page needs.
EXEMPT_PREFIXES = ("/static/", "/media/", "/api/")


class PasswordPolicyMiddleware:
    """Signed-in users with a password to change (or an app to set up) see only that page and sign-out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        allowed = {reverse("password_change"), reverse("logout"), reverse("login")}
        if request.path in allowed:
            return self.get_response(request)
        state = password_state(user)
        target = reverse("password_change")
        if state is None:
            # 8.1.4.1 d: the roles that must sign in with two factors set up their app first.
            if request.path == reverse("two_factor") or not twofactor.required(user) or twofactor.enabled(user):
                return self.get_response(request)
            target = reverse("two_factor")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            # An htmx request would swap the password page into a fragment: send the browser there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)  # the password page says why
