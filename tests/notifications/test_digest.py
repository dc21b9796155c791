"""One daily digest per person: one e-mail and one SMS carrying everything, not one per item."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from anjian.hazards.deadlines import scan_deadlines
from anjian.notifications.models import Digest, Kind, Message, SentSms
from anjian.notifications.services import notify, send_digests
from anjian.notifications.tasks import send_digests_daily
from anjian.units.models import Unit

TZ = ZoneInfo("Asia/Shanghai")
D = dt.date
DAY = D(2026, 3, 9)


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("SMTP 服务器拒绝连接")


@pytest.fixture
def morning():
    with time_machine.travel(dt.datetime(2026, 3, 9, 7, 30, tzinfo=TZ), tick=False) as t:
        yield t


@pytest.fixture
def staff(county):
    user = county.users["unit_staff"]
    user.email, user.phone = "aq@huifeng.example.cn", "13800000001"
    user.save()
    return user


def test_five_hazards_due_make_one_digest_for_the_units_staff(county, report, morning, staff):
    hazards = [
        report(actor="township", deadline=DAY + dt.timedelta(days=i % 3), description=f"第{i + 1}项隐患：配电箱未接地")
        for i in range(5)
    ]
    scan_deadlines()
    assert Message.objects.filter(recipient=staff, kind=Kind.REMIND).count() == 5

    result = send_digests()
    assert result.people == 1 and result.emails == 1 and result.sms == 1
    [email] = mail.outbox
    assert email.to == ["aq@huifeng.example.cn"]
    assert "待办摘要" in email.subject and "5项即将到期" in email.subject
    for h in hazards:
        assert h.number in email.body
    assert email.body.count("配电箱未接地") == 5  # each once: reminders about listed hazards are not repeated
    assert f"{settings.ANJIAN_SITE_URL}/hazards/" in email.body
    [sms] = SentSms.objects.all()
    assert sms.phone == "13800000001" and "5项隐患3日内到期" in sms.text and sms.kind == "digest"
    assert "新消息" not in sms.text  # the five reminders are the five hazards, not five more things
    assert not Message.objects.filter(recipient=staff, digest_sent_at__isnull=True).exists()
    digest = Digest.objects.get(recipient=staff)
    assert digest.due == 5 and digest.messages == 5 and digest.emailed_to and digest.sms_to

    # Once a day: a second run sends nothing more.
    again = send_digests()
    assert again.people == 0 and len(mail.outbox) == 1 and SentSms.objects.count() == 1

    # The next day the hazards are still due, so there is a new (single) digest.
    morning.move_to(dt.datetime(2026, 3, 10, 7, 30, tzinfo=TZ))
    send_digests()
    assert len(mail.outbox) == 2 and SentSms.objects.count() == 2
    assert "新消息" not in mail.outbox[1].body  # yesterday's messages were already carried


def test_supervisors_get_what_is_due_and_overdue_in_their_scope(county, report, morning):
    township = county.users["township"]
    township.email = "anding@gov.example.cn"
    township.save()
    other = county.users["township_b"]
    other.email = "sanshi@gov.example.cn"
    other.save()
    found = DAY - dt.timedelta(days=10)
    mine = report(actor="township", found_on=found, deadline=DAY - dt.timedelta(days=2))
    theirs = report(actor="township_b", unit="fire_b", found_on=found, deadline=DAY - dt.timedelta(days=1))
    send_digests()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert mine.number in by_to["anding@gov.example.cn"].body and "已逾期2天" in by_to["anding@gov.example.cn"].body
    assert theirs.number not in by_to["anding@gov.example.cn"].body
    assert theirs.number in by_to["sanshi@gov.example.cn"].body


def test_people_with_nothing_or_no_address_get_no_digest(county, report, morning, staff):
    send_digests()
    assert mail.outbox == [] and SentSms.objects.count() == 0  # nothing to say
    notify([county.users["leader"]], kind=Kind.INFO, title="县领导的消息")
    send_digests()
    assert mail.outbox == []  # the leader has neither e-mail nor phone: the inbox keeps it
    assert Message.objects.get(recipient=county.users["leader"]).digest_sent_at is None


def test_a_unit_without_an_account_gets_one_sms_a_day(county, report, morning):
    Unit.objects.filter(pk=county.units["build_a"].pk).update(phone="139-0000-0002")
    Unit.objects.filter(pk=county.units["build_b"].pk).update(phone="0730-6221234")  # landline: no SMS
    for i in range(3):
        report(actor="township", unit="build_a", deadline=DAY + dt.timedelta(days=1), description=f"脚手架隐患{i}")
    report(actor="township_b", unit="build_b", deadline=DAY)
    report(actor="township", unit="chem_a", deadline=DAY)  # 汇丰 has an account: its staff's digest instead
    result = send_digests()
    assert result.units == 1
    [sms] = SentSms.objects.all()
    assert sms.phone == "13900000002" and "平江县安定建筑工程有限公司" in sms.text and "3项隐患3日内到期" in sms.text
    send_digests()
    assert SentSms.objects.count() == 1


def test_a_mail_failure_is_recorded_and_does_not_stop_the_sms(county, report, morning, staff, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_digest.BrokenBackend"
    report(actor="township", deadline=DAY)
    result = send_digests()
    assert result.errors and "SMTP" in result.errors[0]
    digest = Digest.objects.get(recipient=staff)
    assert "SMTP" in digest.error and digest.sms_to == "13800000001" and not digest.emailed_to
    assert SentSms.objects.count() == 1


def test_command_and_periodic_task(county, report, morning, staff, capsys):
    report(actor="township", deadline=DAY)
    call_command("send_digests", "--today", "2026-03-09")
    assert "发送给 1 人" in capsys.readouterr().out
    assert "发送给 0 人" in send_digests_daily.call_local()
    assert len(mail.outbox) == 1
