"""Outgoing SMS behind one small interface, so that a provider can be plugged in by a setting.

``ANJIAN_SMS_BACKEND`` names a class with a ``send(phone, text, *, kind)`` method. No provider
is needed to run the platform: the default :class:`LoggingSmsBackend` writes each message to the
log and to the ``SentSms`` table, where tests and the system administrator can read it.
"""

from __future__ import annotations

import logging
import re
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from anjian.notifications.models import SentSms

log = logging.getLogger(__name__)

DEFAULT_BACKEND = "anjian.notifications.sms.LoggingSmsBackend"
# Mainland mobile numbers: 11 digits starting 13–19. Landlines (the unit registry's 联系电话 is
# often one) cannot receive SMS, so they are never tried.
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str, *, kind: str = "") -> None:
        """Send ``text`` to ``phone`` (a normalised mobile number) or raise."""


class LoggingSmsBackend:
    """Sends nothing: logs the SMS and keeps it in ``SentSms``."""

    def send(self, phone: str, text: str, *, kind: str = "") -> None:
        log.info("短信 → %s：%s", phone, text)
        SentSms.objects.create(phone=phone, text=text, kind=kind, backend=type(self).__name__)


def mobile(phone: str | None) -> str:
    """``phone`` as a bare 11-digit mobile number, or "" if it is not one."""
    if not phone:
        return ""
    digits = re.sub(r"[\s\-()]", "", phone)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
    return digits if _MOBILE.match(digits) else ""


def get_backend() -> SmsBackend:
    path = getattr(settings, "ANJIAN_SMS_BACKEND", DEFAULT_BACKEND)
    return import_string(path)()  # type: ignore[no-any-return]


def send_sms(phone: str, text: str, *, kind: str = "") -> bool:
    """Send an SMS if ``phone`` is a mobile number; False when it is not (nothing is sent)."""
    number = mobile(phone)
    if not number:
        return False
    get_backend().send(number, text, kind=kind)
    return True


def masked(phone: str) -> str:
    """138****5678, for audit records and pages that should not show the whole number."""
    number = mobile(phone) or phone
    return f"{number[:3]}****{number[-4:]}" if len(number) >= 8 else number
