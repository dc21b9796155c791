"""The daily deadline scan with frozen time: reminders, overdue, escalation, working-day limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
import time_machine
from django.core.management import CommandError, call_command

from anjian.core.events import verify_all
from anjian.core.workdays import add_workdays
from anjian.hazards.deadlines import scan_deadlines
from anjian.hazards.models import Hazard, HazardEvent, Level, Status
from anjian.hazards.services import (
    hazard_claim,
    hazard_extend_decide,
    hazard_extend_request,
    hazard_plan,
    hazard_submit,
    hazard_supervise,
)
from anjian.hazards.tasks import scan_deadlines_daily
from anjian.notifications.models import Kind, Message, Reminder
from tests.hazards.conftest import photo

TZ = ZoneInfo("Asia/Shanghai")
D = dt.date


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def on() -> Iterator[Any]:
    """on(day) freezes the clock at 08:00 Beijing time of ``day`` (leave it with ``off()``)."""
    travellers: list[Any] = []

    def go(day: dt.date, hour: int = 8) -> None:
        if travellers:
            travellers.pop().stop()
        t = time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=TZ), tick=False)
        t.start()
        travellers.append(t)

    yield go
    for t in travellers:
        t.stop()


def scan(on: Any, day: dt.date) -> Any:
    on(day)
    return scan_deadlines()


def inbox(user: Any, kind: str | None = None) -> list[Message]:
    qs = Message.objects.filter(recipient=user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id"))


def counts() -> tuple[Any, ...]:
    """Everything the scan may write: messages, events, reminder marks and the hazards' marks."""
    marks = list(Hazard.objects.order_by("pk").values_list("reminded_on", "escalated_on"))
    return Message.objects.count(), HazardEvent.objects.count(), Reminder.objects.count(), marks


# --- (a) reminders before the deadline -----------------------------------------------------------


def test_unit_is_reminded_n_days_before_the_deadline_once(county, report, on, settings):
    settings.ANJIAN_REMIND_DAYS = 3
    on(D(2026, 3, 2))
    h = report(actor="township", deadline=D(2026, 3, 10))
    staff = county.users["unit_staff"]

    assert scan(on, D(2026, 3, 6)).reminded == []  # 4 days before: not yet
    assert inbox(staff) == []

    result = scan(on, D(2026, 3, 7))  # 3 days before
    assert result.reminded == [h.number]
    h.refresh_from_db()
    assert h.reminded_on == D(2026, 3, 7)
    [m] = inbox(staff)
    assert m.kind == Kind.REMIND and h.number in m.title and "03月10日" in m.title
    assert "还有3天到期" in m.body and m.url.endswith(f"/{h.pk}/")
    # Supervisors are not bothered before the deadline.
    assert inbox(county.users["township"]) == []

    # Once per deadline: the same day again and the next days add nothing.
    assert not scan(on, D(2026, 3, 7)).changed
    assert not scan(on, D(2026, 3, 8)).changed
    assert len(inbox(staff)) == 1


def test_reminder_days_are_a_setting(county, report, on, settings):
    settings.ANJIAN_REMIND_DAYS = 5
    on(D(2026, 3, 2))
    h = report(deadline=D(2026, 3, 10))
    assert scan(on, D(2026, 3, 5)).reminded == [h.number]


def test_extending_the_deadline_brings_a_new_reminder(county, report, on):
    on(D(2026, 3, 2))
    h = report(actor="township", deadline=D(2026, 3, 10))
    assert scan(on, D(2026, 3, 7)).reminded == [h.number]
    # A supervisor's own request is approved at once; the services reset reminded_on.
    hazard_extend_request(actor=county.users["township"], hazard=h, new_deadline=D(2026, 3, 20), reason="设备到货延迟")
    h.refresh_from_db()
    assert h.reminded_on is None
    assert scan(on, D(2026, 3, 8)).reminded == []
    assert scan(on, D(2026, 3, 17)).reminded == [h.number]
    assert len(inbox(county.users["unit_staff"], Kind.REMIND)) == 2


def test_submitted_and_closed_hazards_are_not_reminded(county, report, on):
    on(D(2026, 3, 2))
    h = report(deadline=D(2026, 3, 5))
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=h)
    hazard_submit(actor=staff, hazard=h, note="已整改", files=[photo()])
    assert scan(on, D(2026, 3, 3)).reminded == []


# --- (b) overdue and (c) escalation ------------------------------------------------------------


def test_overdue_is_marked_and_escalated_once(county, report, on):
    on(D(2026, 3, 2))
    h = report(actor="township", deadline=D(2026, 3, 10))
    assert h.verifier_org == county.town_a

    assert scan(on, D(2026, 3, 10)).overdue == []  # the deadline day itself is not overdue

    result = scan(on, D(2026, 3, 11))
    assert result.overdue == [h.number] and result.escalated == [h.number]
    h.refresh_from_db()
    assert h.escalated_on == D(2026, 3, 11) and h.is_overdue(D(2026, 3, 11))
    overdue, escalate = h.events.filter(kind__in=["overdue", "escalate"]).order_by("seq")
    assert overdue.kind == "overdue" and overdue.actor is None and overdue.actor_name == "系统"
    assert overdue.data["deadline"] == "2026-03-10"
    assert escalate.kind == "escalate" and set(escalate.data["to"]) == {"安定镇人民政府", "平江县安委办"}
    # The unit is told it is overdue; the verifying township and the county office are told by escalation.
    assert [m.kind for m in inbox(county.users["unit_staff"])] == [Kind.REMIND, Kind.OVERDUE]
    [town] = inbox(county.users["township"])
    [office] = inbox(county.users["county_admin"])
    assert town.kind == office.kind == Kind.ESCALATE and "逾期" in town.title
    # Nobody outside: the other township and the other county hear nothing.
    assert inbox(county.users["township_b"]) == inbox(county.users["other_county_admin"]) == []

    before = counts()
    assert not scan(on, D(2026, 3, 11)).changed
    assert not scan(on, D(2026, 3, 12)).changed
    assert counts() == before
    assert h.events.filter(kind="overdue").count() == 1
    assert list(verify_all()) == []


def test_a_deadline_extended_after_escalation_is_watched_again(county, report, on):
    on(D(2026, 3, 2))
    h = report(actor="township", deadline=D(2026, 3, 10))
    scan(on, D(2026, 3, 11))
    hazard_extend_request(actor=county.users["township"], hazard=h, new_deadline=D(2026, 3, 20), reason="停产检修")
    assert not scan(on, D(2026, 3, 12)).changed  # no longer overdue
    assert scan(on, D(2026, 3, 21)).overdue == [h.number]
    assert h.events.filter(kind="overdue").count() == 2
    assert not scan(on, D(2026, 3, 22)).changed


def test_closed_hazards_are_never_overdue(county, report, on):
    on(D(2026, 3, 2))
    report(deadline=D(2026, 3, 2), description="当场整改的隐患", on_the_spot=True, after_photos=[photo()])
    assert not scan(on, D(2026, 3, 20)).changed


def test_running_twice_the_same_day_changes_nothing(county, report, on):
    on(D(2026, 3, 2))
    report(actor="township", deadline=D(2026, 3, 12), description="三天内到期的隐患")
    report(actor="township", deadline=D(2026, 3, 3), description="已逾期的隐患一")
    late = report(actor="township", deadline=D(2026, 3, 3), description="已逾期且已提交的隐患")
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=late)
    hazard_submit(actor=staff, hazard=late, note="已整改", files=[photo()])
    ext_h = report(actor="township", deadline=D(2026, 3, 30), description="申请延期的隐患")
    hazard_extend_request(actor=staff, hazard=ext_h, new_deadline=D(2026, 4, 30), reason="资金未到位")

    first = scan(on, D(2026, 3, 10))
    assert first.changed and len(first.overdue) == 2
    before = counts()
    second = scan_deadlines()
    assert not second.changed and second.messages == 0
    assert counts() == before
    assert list(verify_all()) == []


# --- working-day limits across a Chinese holiday -------------------------------------------------


def _spring_festival_2026() -> None:
    """The calendar facts the next tests rely on, read from the package, not assumed."""
    assert chinese_calendar.is_workday(D(2026, 2, 13))  # Friday
    assert D(2026, 2, 14).weekday() == 5 and chinese_calendar.is_workday(D(2026, 2, 14))  # Saturday 调休 workday
    for day in range(15, 24):
        assert chinese_calendar.is_holiday(D(2026, 2, day)), day  # 02-15 … 02-23 off
    assert chinese_calendar.is_workday(D(2026, 2, 24))


def test_extension_must_be_decided_within_three_workdays_across_spring_festival(county, report, on):
    _spring_festival_2026()
    on(D(2026, 2, 10))
    h = report(actor="township", deadline=D(2026, 3, 31))
    on(D(2026, 2, 12))  # Thursday
    ext = hazard_extend_request(
        actor=county.users["unit_staff"], hazard=h, new_deadline=D(2026, 4, 30), reason="春节停工"
    )
    # 02-13 Fri (1), 02-14 Sat make-up workday (2), holidays, 02-24 Tue (3).
    due = add_workdays(D(2026, 2, 12), 3)
    assert due == D(2026, 2, 24)
    township, office = county.users["township"], county.users["county_admin"]

    # A plain Monday-to-Friday count would have ended on 02-17, in the middle of the holiday.
    for day in [D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 17), D(2026, 2, 23)]:
        assert scan(on, day).extension_reminded == [], day
    assert inbox(township) == []

    assert scan(on, D(2026, 2, 24)).extension_reminded == [ext.pk]
    [m] = inbox(township)
    assert m.kind == Kind.EXTENSION and "审批期限" in m.title and "2026-02-24" in m.body
    assert inbox(office) == []  # the approvers first, not the county
    assert not scan(on, D(2026, 2, 24)).changed

    assert scan(on, D(2026, 2, 25)).extension_late == [ext.pk]
    assert [x.kind for x in inbox(office)] == [Kind.EXTENSION] and "超时" in inbox(office)[0].title
    assert len(inbox(township)) == 2
    assert not scan(on, D(2026, 2, 26)).changed

    # Once decided, nothing more is chased.
    hazard_extend_decide(actor=county.users["township"], extension=ext, approved=True)
    assert not scan(on, D(2026, 2, 27)).changed


def test_verification_within_five_workdays_counts_the_make_up_saturday(county, report, on):
    _spring_festival_2026()
    on(D(2026, 2, 10))
    h = report(actor="township", deadline=D(2026, 3, 31))
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=h)
    on(D(2026, 2, 12))
    hazard_submit(actor=staff, hazard=h, note="已整改", files=[photo()])
    # 02-13 (1), 02-14 make-up Saturday (2), 02-24 (3), 02-25 (4), 02-26 (5).
    assert add_workdays(D(2026, 2, 12), 5) == D(2026, 2, 26)
    township = county.users["township"]

    assert scan(on, D(2026, 2, 25)).verify_reminded == []
    assert scan(on, D(2026, 2, 26)).verify_reminded == [h.number]
    [m] = inbox(township, Kind.VERIFY)
    assert "验收期限" in m.title and "5个工作日" in m.body
    assert scan(on, D(2026, 2, 27)).verify_late == [h.number]
    assert len(inbox(township, Kind.VERIFY)) == 2
    assert [x.kind for x in inbox(county.users["county_admin"])] == [Kind.VERIFY]
    assert not scan(on, D(2026, 2, 27)).changed


def test_verification_limits_are_settings(county, report, on, settings):
    settings.ANJIAN_VERIFY_WORKDAYS = 1
    on(D(2026, 3, 2))  # Monday
    h = report(actor="township", deadline=D(2026, 3, 31))
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=h)
    hazard_submit(actor=staff, hazard=h, note="已整改", files=[photo()])
    assert scan(on, D(2026, 3, 3)).verify_reminded == [h.number]


def test_a_supervised_major_hazard_is_reviewed_within_ten_workdays(county, report, on):
    """16号令 第二十三条: on-site review within 10 days of the request, under 挂牌督办."""
    on(D(2026, 3, 2))
    h = report(actor="department", level=Level.MAJOR, deadline=D(2026, 4, 30))
    hazard_supervise(actor=county.users["county_admin"], hazard=h, until=D(2026, 5, 30))
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=h)
    hazard_plan(
        actor=staff,
        hazard=h,
        plan={
            "goal": "消除",
            "measures": "更换",
            "funds": "5万",
            "people": "安全科",
            "time_limit": "30日",
            "safety": "停用",
        },
    )
    hazard_submit(actor=staff, hazard=h, note="已整改", files=[photo()])
    due = add_workdays(D(2026, 3, 2), 10)
    assert due == D(2026, 3, 16)
    assert scan(on, D(2026, 3, 9)).verify_reminded == []  # the ordinary 5 workdays do not apply
    assert scan(on, D(2026, 3, 16)).verify_reminded == [h.number]
    [m] = inbox(county.users["department"], Kind.VERIFY)
    assert "16号令 第二十三条" in m.body


def test_supervision_time_limit_is_reminded_and_reported(county, report, on):
    on(D(2026, 3, 2))
    h = report(actor="department", level=Level.MAJOR, deadline=D(2026, 6, 30))
    hazard_supervise(actor=county.users["county_admin"], hazard=h, until=D(2026, 3, 20))
    assert scan(on, D(2026, 3, 17)).supervision_reminded == [h.number]
    assert scan(on, D(2026, 3, 21)).supervision_late == [h.number]
    assert not scan(on, D(2026, 3, 21)).changed
    assert Message.objects.filter(recipient=county.users["county_admin"], kind=Kind.SUPERVISE).count() == 2
    assert Message.objects.filter(recipient=county.users["unit_staff"], kind=Kind.SUPERVISE).count() == 1


# --- the command and the job ---------------------------------------------------------------------


def test_command_and_periodic_task_run_the_same_scan(county, report, on, capsys):
    on(D(2026, 3, 2))
    h = report(actor="township", deadline=D(2026, 3, 4))
    call_command("scan_deadlines", "--today", "2026-03-05")
    out = capsys.readouterr().out
    assert "2026-03-05 期限扫描" in out and "新逾期 1 项" in out
    h.refresh_from_db()
    assert h.escalated_on == D(2026, 3, 5)
    with pytest.raises(CommandError):
        call_command("scan_deadlines", "--today", "05/03/2026")

    on(D(2026, 3, 5))
    assert "新逾期 0 项" in scan_deadlines_daily.call_local()
    # The scan's events come from the job channel in the audit trail.
    from anjian.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="hazard.overdue").count() == 1


def test_hazard_status_is_unchanged_by_the_scan(county, report, on):
    on(D(2026, 3, 2))
    h = report(deadline=D(2026, 3, 3))
    scan(on, D(2026, 3, 9))
    h.refresh_from_db()
    assert h.status == Status.REPORTED
