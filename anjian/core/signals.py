"""Logins, logouts and failed logins go to the audit trail (GB/T 22239-2019 8.1.4.3)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from anjian.core import audit
from anjian.core.middleware import client_address


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with audit.origin(client_address(request) if request else "", "web"):
        audit.record(actor=user, action="login")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with audit.origin(client_address(request) if request else "", "web"):
            audit.record(actor=user, action="logout")


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    with audit.origin(client_address(request) if request else "", "web"):
        audit.record(
            actor=None, action="login_failed", success=False, actor_name=str(credentials.get("username", ""))
        )
