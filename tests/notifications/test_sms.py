"""The SMS interface: mobile numbers only, a backend chosen by a setting, the logging backend."""

from __future__ import annotations

import pytest

from anjian.notifications.models import SentSms
from anjian.notifications.sms import masked, mobile, send_sms

SENT: list[tuple[str, str]] = []


class RecordingBackend:
    def send(self, phone: str, text: str, *, kind: str = "") -> None:
        SENT.append((phone, text))


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("0730-6221234", ""),  # landline
        ("12800138000", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_only_mobile_numbers(raw, number):
    assert mobile(raw) == number


def test_logging_backend_keeps_what_it_would_send(db):
    assert send_sms("138 0013 8000", "【安监】您好", kind="digest") is True
    assert send_sms("0730-6221234", "【安监】座机") is False
    [sms] = SentSms.objects.all()
    assert (sms.phone, sms.text, sms.kind) == ("13800138000", "【安监】您好", "digest")
    assert sms.backend == "LoggingSmsBackend"


def test_backend_is_a_setting(db, settings):
    settings.ANJIAN_SMS_BACKEND = "tests.notifications.test_sms.RecordingBackend"
    SENT.clear()
    send_sms("13800138000", "经由服务商")
    assert SENT == [("13800138000", "经由服务商")] and SentSms.objects.count() == 0


def test_masked():
    assert masked("13800138000") == "138****8000"
