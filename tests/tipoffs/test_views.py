"""举报受理 pages: who may read and act, scope 404, confirmation steps, and the reporter kept confidential
in the detail page (per persona), the list and the .xlsx export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.models import AuditEntry
from anjian.tipoffs.models import RewardStatus, Status, Tipoff
from tests.tipoffs.conftest import NAME, PHONE, penalty, receive

HANDLERS = ["county_admin", "department", "township"]
READ_ONLY = ["leader", "auditor", "sysadmin"]
NO_ACCESS = ["grid_worker", "unit_staff", "expert"]
CONFIDENTIAL = "（保密）"


def step(pk, name):
    return reverse("tipoffs:step", args=[pk, name])


def receive_form(**kw):
    base = {"received_on": "2026-06-16", "channel": "hotline", "kind": "violation", "unit": "", "unit_text": "",
            "township": "430626101", "content": "某加油点无证经营", "real_name": "on", "reporter_name": NAME,
            "reporter_phone": PHONE}
    base.update(kw)
    return base


@pytest.fixture
def tipoff(county):
    """Received by the 安定镇 officer (not by the county office), about 汇丰化工 in 安定镇."""
    return receive(county, "township")


# --- who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", HANDLERS)
def test_handlers_receive_from_the_page(county, client, persona):
    client.force_login(county.users[persona])
    page = client.get(reverse("tipoffs:create")).content.decode()
    assert "受理举报" in page and "保密" in page
    unit = county.units["chem_a"].pk if persona == "department" else ""
    response = client.post(reverse("tipoffs:create"), receive_form(unit=unit, unit_text="汇丰化工仓库"))
    assert response.status_code == 302, response.content.decode()
    t = Tipoff.objects.get()
    assert response["Location"] == reverse("tipoffs:detail", args=[t.pk])
    assert (t.received_by, t.org, t.number) == (county.users[persona], county.users[persona].org, "JB430626202600001")


def test_form_errors_write_nothing(county, client):
    client.force_login(county.users["township"])
    # Another township is not among the choices of the 安定镇 officer.
    response = client.post(reverse("tipoffs:create"), receive_form(township="430626102"))
    assert response.status_code == 400 and "430626102 不在可用的选项中" in response.content.decode()
    response = client.post(reverse("tipoffs:create"), receive_form(reporter_phone=""))
    assert response.status_code == 400 and "实名举报须填写举报人联系电话" in response.content.decode()
    assert Tipoff.objects.count() == 0 and not AuditEntry.objects.filter(action="tipoff.receive").exists()


@pytest.mark.parametrize("persona", READ_ONLY)
def test_read_only_roles_read_but_do_not_act(county, client, tipoff, persona):
    client.force_login(county.users[persona])
    assert tipoff.number in client.get(reverse("tipoffs:list")).content.decode()
    page = client.get(reverse("tipoffs:detail", args=[tipoff.pk])).content.decode()
    assert "当前没有需要您办理的事项" in page
    assert client.get(reverse("tipoffs:xlsx")).status_code == 200
    assert client.get(reverse("tipoffs:create")).status_code == 403
    for name in ("start_check", "close", "extend", "merge", "propose"):
        assert client.post(step(tipoff.pk, name), {"confirmed": "1"}).status_code == 403
    tipoff.refresh_from_db()
    assert tipoff.status == Status.RECEIVED


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_unit_staff_grid_workers_experts_are_refused(county, client, tipoff, persona):
    client.force_login(county.users[persona])
    for url in (reverse("tipoffs:list"), reverse("tipoffs:create"), reverse("tipoffs:xlsx"),
                reverse("tipoffs:detail", args=[tipoff.pk])):
        assert client.get(url).status_code == 403, url
    assert client.post(step(tipoff.pk, "start_check")).status_code == 403
    assert "举报受理" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", HANDLERS + READ_ONLY)
def test_menu_link(county, client, persona):
    client.force_login(county.users[persona])
    assert reverse("tipoffs:list") in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["other_county_admin", "township_b"])
def test_outside_the_jurisdiction_is_404(county, client, tipoff, persona):
    client.force_login(county.users[persona])
    assert client.get(reverse("tipoffs:detail", args=[tipoff.pk])).status_code == 404
    assert client.post(step(tipoff.pk, "start_check")).status_code == 404
    assert tipoff.number not in client.get(reverse("tipoffs:list")).content.decode()
    wb = load_workbook(io.BytesIO(client.get(reverse("tipoffs:xlsx")).content))
    assert wb.active.max_row == 1  # the header only


# --- confidentiality -------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "sees"), [
    ("county_admin", True),  # the county office (runs 12350, pays rewards)
    ("township", True),  # received it
    ("department", False),
    ("zhujian", False),
    ("leader", False),
    ("auditor", False),
    ("sysadmin", False),
])
def test_reporter_on_the_detail_page(county, client, tipoff, persona, sees):
    client.force_login(county.users[persona])
    page = client.get(reverse("tipoffs:detail", args=[tipoff.pk])).content.decode()
    assert (NAME in page) is sees and (PHONE in page) is sees
    assert (CONFIDENTIAL in page) is not sees


def test_reporter_hidden_from_other_handlers_of_a_county_report(county, client):
    t = receive(county, "county_admin")
    client.force_login(county.users["township"])
    page = client.get(reverse("tipoffs:detail", args=[t.pk])).content.decode()
    assert NAME not in page and PHONE not in page and CONFIDENTIAL in page


@pytest.mark.parametrize("persona", HANDLERS + READ_ONLY)
def test_list_and_export_never_show_the_reporter(county, client, tipoff, persona):
    client.force_login(county.users[persona])
    page = client.get(reverse("tipoffs:list")).content.decode()
    assert tipoff.number in page and CONFIDENTIAL in page
    assert NAME not in page and PHONE not in page
    response = client.get(reverse("tipoffs:xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][6:8] == ("举报人", "联系电话")
    assert rows[1][0] == tipoff.number and rows[1][6:9] == (CONFIDENTIAL, CONFIDENTIAL, "是")
    assert not any(NAME in str(c) or PHONE in str(c) for r in rows for c in r)
    assert AuditEntry.objects.filter(action="tipoff.export", actor=county.users[persona]).count() == 1


# --- list filters ------------------------------------------------------------------------------


def test_list_filters_and_empty_state(county, client):
    import datetime as dt

    old = receive(county, received_on=dt.date(2026, 4, 1))  # overdue since 2026-05-31
    sanshi = receive(county, unit="fire_b", kind="major_hazard")
    client.force_login(county.users["county_admin"])

    def numbers(**params):
        page = client.get(reverse("tipoffs:list"), params).content.decode()
        return {t.number for t in (old, sanshi) if t.number in page}

    assert numbers() == {old.number, sanshi.number}
    assert numbers(overdue="1") == {old.number}
    assert numbers(kind="major_hazard") == {sanshi.number}
    assert numbers(township="430626102") == {sanshi.number}
    assert numbers(**{"from": "2026-06-01"}) == {sanshi.number}
    assert numbers(to="2026-05-01") == {old.number}
    assert numbers(status="closed") == set()
    assert "暂无举报（按当前条件）" in client.get(reverse("tipoffs:list"), {"status": "closed"}).content.decode()


# --- steps through the pages ------------------------------------------------------------------------


def test_the_whole_loop_through_the_pages(county, client, tipoff):
    action = penalty(county, "50000")
    client.force_login(county.users["township"])
    assert client.post(step(tipoff.pk, "start_check"), {"start_check-note": "现场核查"}).status_code == 302
    # Close asks for a confirmation first and changes nothing until it is given.
    form = {"close-outcome": "true", "close-result_note": "情况属实，已处罚", "close-action": action.number}
    page = client.post(step(tipoff.pk, "close"), form)
    assert page.status_code == 200 and "请确认" in page.content.decode() and action.number in page.content.decode()
    tipoff.refresh_from_db()
    assert tipoff.status == Status.CHECKING
    assert client.post(step(tipoff.pk, "close"), {**form, "confirmed": "1"}).status_code == 302
    tipoff.refresh_from_db()
    assert (tipoff.status, tipoff.action) == (Status.CLOSED, action)
    assert "7,500 元" in client.get(reverse("tipoffs:detail", args=[tipoff.pk])).content.decode()  # the preview
    assert client.post(step(tipoff.pk, "propose")).status_code == 302
    # The township may not approve: the page offers no form, the POST is refused.
    assert client.post(step(tipoff.pk, "approve"), {"approve-notified_on": "2026-06-16"}).status_code == 403
    client.force_login(county.users["county_admin"])
    assert client.post(step(tipoff.pk, "approve"), {"approve-notified_on": "2026-06-16"}).status_code == 302
    assert client.post(step(tipoff.pk, "pay"), {"pay-paid_on": "2026-06-16"}).status_code == 200  # confirm
    tipoff.refresh_from_db()
    assert tipoff.reward_status == RewardStatus.APPROVED
    assert client.post(step(tipoff.pk, "pay"), {"pay-paid_on": "2026-06-16", "confirmed": "1"}).status_code == 302
    tipoff.refresh_from_db()
    assert tipoff.reward_status == RewardStatus.PAID
    page = client.get(reverse("tipoffs:detail", args=[tipoff.pk])).content.decode()
    for label in ("受理", "开始核查", "办结", "拟定奖励", "批准奖励", "发放奖励"):
        assert f"<td>{label}</td>" in page
    assert "罚款金额 50,000 元 × 15% = 7,500 元" in page


def test_refused_steps_show_their_reason(county, client, tipoff):
    client.force_login(county.users["county_admin"])
    response = client.post(step(tipoff.pk, "extend"), {"extend-days": "31", "extend-reason": "检测"})
    assert response.status_code == 400 and "延长期限为 1 至 30 天" in response.content.decode()
    response = client.post(step(tipoff.pk, "merge"), {"merge-into": "JB430626202699999"})
    assert response.status_code == 400 and "未找到举报编号 JB430626202699999" in response.content.decode()
    later = receive(county)
    response = client.post(step(tipoff.pk, "merge"), {"merge-into": later.number, "confirmed": "1"})
    assert response.status_code == 400 and "应将后受理的举报合并到先受理的举报" in response.content.decode()
    tipoff.refresh_from_db()
    assert tipoff.duplicate_of is None and tipoff.extended_days == 0


def test_merge_through_the_page_with_confirmation(county, client, tipoff):
    later = receive(county)
    client.force_login(county.users["county_admin"])
    page = client.post(step(later.pk, "merge"), {"merge-into": tipoff.number.lower()}).content.decode()
    assert "请确认" in page and f"作为 {tipoff.number}" in page
    assert client.post(step(later.pk, "merge"), {"merge-into": tipoff.number, "confirmed": "1"}).status_code == 302
    later.refresh_from_db()
    assert later.duplicate_of == tipoff and later.status == Status.CLOSED
    assert later.number in client.get(reverse("tipoffs:detail", args=[tipoff.pk])).content.decode()


def test_accident_fields_only_for_a_concealed_accident(county, client, tipoff):
    concealed = receive(county, kind="concealed_accident", content="事故死亡3人只报1人")
    client.force_login(county.users["county_admin"])
    assert "close-accident_level" not in client.get(reverse("tipoffs:detail", args=[tipoff.pk])).content.decode()
    assert "close-accident_level" in client.get(reverse("tipoffs:detail", args=[concealed.pk])).content.decode()
    form = {"close-outcome": "true", "close-result_note": "查实瞒报2人", "close-accident_level": "larger",
            "close-accident_deaths": "2", "confirmed": "1"}
    assert client.post(step(concealed.pk, "close"), form).status_code == 302
    concealed.refresh_from_db()
    assert (concealed.accident_level, concealed.accident_deaths) == ("larger", 2)
    assert client.post(step(concealed.pk, "propose")).status_code == 302
    concealed.refresh_from_db()
    assert str(concealed.reward_amount) == "80000.00"  # 2 × 40,000 (较大事故)
