"""The in-app inbox: own messages only, unread count, open and mark read; the SMS log."""

from __future__ import annotations

from django.urls import reverse

from anjian.notifications.models import Kind, Message
from anjian.notifications.selectors import unread_count
from anjian.notifications.services import notify


def test_inbox_lists_own_messages_with_unread_count(county, client):
    staff, township = county.users["unit_staff"], county.users["township"]
    notify([staff, staff, township], kind=Kind.REMIND, title="隐患将于03月10日到期", url="/hazards/1/")
    notify([staff], kind=Kind.INFO, title="第二条消息")
    assert Message.objects.filter(recipient=staff).count() == 2  # listed twice, told once
    assert unread_count(staff) == 2 and unread_count(township) == 1

    client.force_login(staff)
    page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "隐患将于03月10日到期" in text and "第二条消息" in text and "期限提醒" in text

    first = Message.objects.filter(recipient=staff, title="第二条消息").get()
    # Opening reads it and goes where it points; a message without a link goes back to the inbox.
    assert client.get(reverse("notifications:open", args=[first.pk])).url == reverse("notifications:inbox")
    assert unread_count(staff) == 1
    remind = Message.objects.get(recipient=staff, kind=Kind.REMIND)
    assert client.get(reverse("notifications:open", args=[remind.pk])).url == "/hazards/1/"
    assert unread_count(staff) == 0
    assert "没有未读消息" in client.get(reverse("notifications:inbox") + "?unread=1").content.decode()


def test_someone_elses_message_is_404(county, client):
    [m] = notify([county.users["township"]], kind=Kind.INFO, title="乡镇的消息")
    client.force_login(county.users["unit_staff"])
    assert client.get(reverse("notifications:open", args=[m.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[m.pk])).status_code == 404
    m.refresh_from_db()
    assert m.read_at is None


def test_mark_read_and_mark_all(county, client):
    staff = county.users["unit_staff"]
    a, _, _ = (notify([staff], kind=Kind.INFO, title=f"消息{i}")[0] for i in range(3))
    client.force_login(staff)
    assert client.post(reverse("notifications:read", args=[a.pk]), {"next": "https://evil.example/"}).url == reverse(
        "notifications:inbox"
    )
    assert unread_count(staff) == 2
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert unread_count(staff) == 0
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_external_message_links_are_not_followed(county, client):
    [m] = notify([county.users["unit_staff"]], kind=Kind.INFO, title="x", url="https://evil.example/")
    client.force_login(county.users["unit_staff"])
    assert client.get(reverse("notifications:open", args=[m.pk])).url == reverse("notifications:inbox")


def test_inbox_needs_login(client):
    assert client.get(reverse("notifications:inbox")).status_code == 302


def test_sms_log_is_for_the_system_administrator(county, client):
    from anjian.notifications.sms import send_sms

    send_sms("13800000009", "【安监】测试短信")
    client.force_login(county.users["sysadmin"])
    page = client.get(reverse("notifications:sms_log"))
    assert page.status_code == 200 and "【安监】测试短信" in page.content.decode()
    client.force_login(county.users["county_admin"])
    assert client.get(reverse("notifications:sms_log")).status_code == 403
