"""Per-user API tokens: create (the raw token is returned once), revoke, authenticate.

Only the SHA-256 of a token is stored (``ApiToken.digest``): a copy of the database
does not hand out working credentials. A token is high-entropy random, so a plain
hash is enough; a slow password hash would only slow every API call.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import ApiToken
from anjian.core import audit
from anjian.regions.services import cli_actor_name

if TYPE_CHECKING:
    from anjian.accounts.models import User

# last_used_at is informational; writing it at most once a minute keeps read-only API
# traffic from turning into a stream of writes on SQLite.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
NAME_MAX = 64


class TokenError(Exception):
    """A rejected token operation; the message is for the user."""


def token_create(*, actor: User | None, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the stored row and the raw token (shown once).

    ``actor`` is who asked for it: the user themself in the UI, ``None`` on the command line.
    """
    if actor is not None and actor.pk != user.pk:
        # Tokens act with the full rights of their owner: nobody makes one for someone else.
        raise TokenError("只能为自己创建 API 令牌")
    if not user.is_active:
        raise TokenError(f"用户 {user.get_username()} 已停用，不能创建令牌")
    name = " ".join((name or "").split())[:NAME_MAX]
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=raw[:8], digest=ApiToken.hash(raw))
        audit.record(
            actor=actor,
            actor_name=cli_actor_name(actor),
            action="token.create",
            obj=token,
            changes={"user": user.get_username(), "name": name, "prefix": token.prefix},
        )
    return token, raw


def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke ``token`` (kept, with its revocation time, for the audit trail)."""
    if actor is not None and actor.pk != token.user_id:
        raise TokenError("只能撤销自己的 API 令牌")
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            actor_name=cli_actor_name(actor),
            action="token.revoke",
            obj=token,
            changes={"user": token.user.get_username(), "prefix": token.prefix},
        )
    return token


def token_by_prefix(prefix: str) -> ApiToken:
    """The one active token whose prefix is ``prefix`` (for ``anjian token revoke``)."""
    active = ApiToken.objects.filter(prefix=prefix.strip(), revoked_at__isnull=True)
    matches = list(active.select_related("user"))
    if not matches:
        raise TokenError(f"没有前缀为 {prefix} 的有效令牌")
    if len(matches) > 1:
        owners = "、".join(t.user.get_username() for t in matches)
        raise TokenError(f"前缀 {prefix} 对应多个令牌（{owners}），请在网页“我的 API 令牌”中撤销")
    return matches[0]


def token_authenticate(raw: str) -> User | None:
    """The active user a raw bearer token belongs to, or None (unknown, revoked, user inactive)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(raw)).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (so the page shows the history)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))
