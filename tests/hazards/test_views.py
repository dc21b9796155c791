"""Hazard pages per persona: scope, list filters, the phone report form, step forms, evidence files."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anjian.hazards.models import (
    Attachment,
    AttachmentKind,
    Extension,
    Hazard,
    HazardEvent,
    Level,
    MajorCriterion,
    Source,
    Status,
)
from anjian.hazards.services import hazard_claim, hazard_submit
from tests.hazards.conftest import photo
from tests.hazards.test_photos import phone_jpeg

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def jpg(name: str = "IMG_0001.jpg", **kw: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, phone_jpeg(**kw), content_type="image/jpeg")


def shown(response: Any) -> set[int]:
    return {h.pk for h in response.context["page"].object_list}


def state(hazard: Hazard) -> tuple[str, int, int]:
    """What a refused step must leave alone: the status, the events and the attachments."""
    hazard.refresh_from_db()
    return hazard.status, hazard.events.count(), hazard.attachments.count()


# --- list ------------------------------------------------------------------------------------


@pytest.fixture
def several(county: Any, report: Any) -> dict[str, Hazard]:
    """Four hazards across the county: two townships, two levels, three sources, four states."""
    today = TODAY()
    overdue = report(
        unit="chem_a",
        description="储罐区防火堤破损",
        found_on=today - dt.timedelta(days=20),
        deadline=today - dt.timedelta(days=1),
        category="危化品储存",
    )
    major = report(
        unit="build_a",
        description="深基坑支护变形未停工",
        level=Level.MAJOR,
        found_on=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=30),
    )
    public = report(unit="fire_b", description="花炮批发部超量储存", source=Source.PUBLIC)
    grid = report(
        actor="grid_worker",
        unit="chem_a",
        description="配电箱门未关闭",
        source=Source.GRID,
        found_on=today - dt.timedelta(days=1),
        deadline=today + dt.timedelta(days=3),
    )
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=grid)
    hazard_submit(actor=staff, hazard=grid, note="已关闭并上锁", files=[photo()])
    return {"overdue": overdue, "major": major, "public": public, "grid": grid}


def test_list_requires_login(client, county):
    response = client.get(reverse("hazards:list"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", {"overdue", "major", "public", "grid"}),
        ("township", {"overdue", "major", "grid"}),  # 安定镇 only
        ("township_b", {"public"}),
        ("department", {"overdue", "public", "grid"}),  # 应急局: chemicals and fireworks
        ("zhujian", {"major"}),  # 住建局: construction
        ("grid_worker", {"overdue", "grid"}),  # 安定镇第一网格
        ("unit_staff", {"overdue", "grid"}),  # 汇丰化工's own
        ("other_county_admin", set()),
        ("expert", set()),
    ],
)
def test_list_shows_only_the_scope(client, county, several, persona, expected):
    response = login(client, county.users[persona]).get(reverse("hazards:list"))
    assert response.status_code == 200
    assert shown(response) == {several[k].pk for k in expected}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "reported"}, {"overdue", "major", "public"}),
        ({"status": "submitted"}, {"grid"}),
        ({"level": "major"}, {"major"}),
        ({"overdue": "1"}, {"overdue"}),
        ({"overdue": "0"}, {"major", "public", "grid"}),
        ({"township": "430626102"}, {"public"}),
        ({"sector": "construction"}, {"major"}),
        ({"source": "public"}, {"public"}),
        ({"source": "grid"}, {"grid"}),
        ({"q": "防火堤"}, {"overdue"}),
        ({"q": "花炮批发部"}, {"public"}),  # the unit's name
    ],
)
def test_list_filters(client, county, several, params, expected):
    response = login(client, county.users["county_admin"]).get(reverse("hazards:list"), params)
    assert shown(response) == {several[k].pk for k in expected}


def test_list_filters_by_grid_unit_and_date_ranges(client, county, several):
    login(client, county.users["county_admin"])
    url = reverse("hazards:list")
    today = TODAY()
    assert shown(client.get(url, {"grid": county.grid_a.pk})) == {several["overdue"].pk, several["grid"].pk}
    response = client.get(url, {"unit": county.units["chem_a"].pk})
    assert shown(response) == {several["overdue"].pk, several["grid"].pk}
    assert "平江县汇丰化工有限公司" in response.content.decode()
    found = {"found_from": str(today - dt.timedelta(days=6)), "found_to": str(today - dt.timedelta(days=1))}
    assert shown(client.get(url, found)) == {several["major"].pk, several["grid"].pk}
    deadline = {"deadline_from": str(today), "deadline_to": str(today + dt.timedelta(days=7))}
    assert shown(client.get(url, deadline)) == {several["public"].pk, several["grid"].pk}


def test_list_counts_badges_and_htmx_partial(client, county, several):
    login(client, county.users["county_admin"])
    response = client.get(reverse("hazards:list"), {"status": "reported"})
    counts = response.context["counts"]
    assert counts["all"] == 4 and counts["reported"] == 3 and counts["submitted"] == 1 and counts["overdue"] == 1
    body = response.content.decode()
    assert "逾期" in body and 'id="hazard-actions"' in body
    partial = client.get(reverse("hazards:list"), {"level": "major"}, HTTP_HX_REQUEST="true").content.decode()
    assert "深基坑支护变形" in partial and "储罐区防火堤" not in partial and "<html" not in partial


def test_list_empty_state_and_pagination(client, county, report):
    login(client, county.users["county_admin"])
    assert "没有符合条件的隐患" in client.get(reverse("hazards:list")).content.decode()
    for i in range(31):
        report(description=f"第{i}处隐患描述", photos=[])
    first = client.get(reverse("hazards:list"))
    assert len(first.context["page"].object_list) == 30 and "下一页" in first.content.decode()
    assert len(client.get(reverse("hazards:list"), {"page": 2}).context["page"].object_list) == 1


# --- report ----------------------------------------------------------------------------------


def report_form(client: Any, **params: Any) -> tuple[Any, str]:
    response = client.get(reverse("hazards:create"), params)
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', response.content.decode())
    assert key, "the form carries an idempotency key"
    return response, key.group(1)


def test_report_form_is_phone_ready(client, county):
    login(client, county.users["grid_worker"])
    response, key = report_form(client)
    body = response.content.decode()
    assert uuid.UUID(key)
    assert 'type="file"' in body and 'accept="image/*"' in body and 'capture="environment"' in body
    assert "multiple" in body
    # The grid worker's grid has one unit: it is offered to tap on, already chosen; the source is fixed.
    assert "平江县汇丰化工有限公司" in body and "三市镇花炮批发部" not in body
    assert response.context["picker"]["chosen"] == county.units["chem_a"]
    assert 'name="source" value="grid"' in body
    assert "<script>" not in body and " style=" not in body  # strict CSP: no inline script or style
    # Each rendering is a new report: a new key.
    assert report_form(client)[1] != key


def test_report_form_preselects_the_unit_from_the_unit_page(client, county):
    login(client, county.users["county_admin"])
    response, _ = report_form(client, unit=county.units["fire_b"].pk)
    assert response.context["picker"]["chosen"] == county.units["fire_b"]
    # A unit outside the user's scope is not preselected.
    login(client, county.users["township"])
    response, _ = report_form(client, unit=county.units["fire_b"].pk)
    assert response.context["picker"]["chosen"] is None


def test_unit_suggestions_stay_in_scope(client, county):
    login(client, county.users["township"])
    url = reverse("hazards:unit_suggest")
    body = client.get(url, {"unit_q": "hfhg"}, HTTP_HX_REQUEST="true").content.decode()
    assert "平江县汇丰化工有限公司" in body and 'type="radio" name="unit"' in body and "<html" not in body
    assert "三市镇花炮批发部" not in client.get(url, {"unit_q": "花炮"}).content.decode()


def test_many_units_get_a_search_box_which_also_works_without_javascript(client, county, monkeypatch):
    monkeypatch.setattr("anjian.hazards.views.PICK_LIST_MAX", 2)
    login(client, county.users["county_admin"])
    response, key = report_form(client)
    body = response.content.decode()
    assert 'id="id_unit_q"' in body and 'hx-get="/hazards/new/units/"' in body
    assert response.context["picker"]["suggestions"] == []
    # The search box sent with the form (no htmx): the page comes back with the matches to tap on.
    response = client.post(
        reverse("hazards:create"),
        {
            "unit_q": "花炮",
            "description": "超量储存",
            "level": "general",
            "source": "inspection",
            "found_on": str(TODAY()),
            "idempotency_key": key,
        },
    )
    assert response.status_code == 400 and Hazard.objects.count() == 0
    assert response.context["picker"]["suggestions"] == [county.units["fire_b"]]


def test_report_creates_a_hazard_with_photos_and_their_location(client, county):
    login(client, county.users["grid_worker"])
    _, key = report_form(client)
    response = client.post(
        reverse("hazards:create"),
        {
            "unit": county.units["chem_a"].pk,
            "description": "仓库消防通道堆放杂物",
            "level": "general",
            "deadline": "",
            "source": "grid",
            "found_on": str(TODAY()),
            "location": "二号仓库东侧",
            "idempotency_key": key,
            "photos": [jpg("a.jpg"), jpg("b.jpg", lat=None, color=(0, 90, 200))],
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    assert hazard.source == Source.GRID and hazard.status == Status.REPORTED and hazard.location == "二号仓库东侧"
    assert hazard.deadline == TODAY() + dt.timedelta(days=7)  # the default for a general hazard
    assert hazard.reported_by == county.users["grid_worker"] and hazard.verifier_org == county.town_a
    first, second = hazard.attachments.order_by("id")
    assert first.kind == AttachmentKind.FOUND and first.content_type == "image/jpeg"
    assert (first.lat, first.lng) == (Decimal("28.708483"), Decimal("113.586761"))
    assert second.lat is None
    with first.file.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == first.sha256  # the hash of what is stored
    event = hazard.events.get()
    assert [a["sha256"] for a in event.data["attachments"]] == [first.sha256, second.sha256]


def test_a_retried_post_with_the_same_key_creates_one_hazard(client, county):
    login(client, county.users["grid_worker"])
    _, key = report_form(client)
    data = {
        "unit": county.units["chem_a"].pk,
        "description": "配电箱门未关闭",
        "level": "general",
        "source": "grid",
        "found_on": str(TODAY()),
        "deadline": str(TODAY() + dt.timedelta(days=3)),
        "idempotency_key": key,
    }
    first = client.post(reverse("hazards:create"), {**data, "photos": [jpg()]})
    again = client.post(reverse("hazards:create"), {**data, "photos": [jpg()]}, follow=True)
    hazard = Hazard.objects.get()
    assert first["Location"] == reverse("hazards:detail", args=[hazard.pk])
    assert again.redirect_chain[-1][0] == reverse("hazards:detail", args=[hazard.pk])
    assert "重复提交未再次登记" in again.content.decode()
    assert hazard.attachments.count() == 1 and hazard.events.count() == 1
    # A new form (a new key) is a new report.
    _, other = report_form(client)
    client.post(reverse("hazards:create"), {**data, "idempotency_key": other})
    assert Hazard.objects.count() == 2


def test_report_errors_re_render_and_create_nothing(client, county):
    login(client, county.users["county_admin"])
    _, key = report_form(client)
    response = client.post(
        reverse("hazards:create"),
        {
            "unit": "",
            "description": "",
            "level": "general",
            "source": "inspection",
            "found_on": str(TODAY()),
            "idempotency_key": key,
            "photos": [jpg()],
        },
    )
    body = response.content.decode()
    assert response.status_code == 400 and Hazard.objects.count() == 0
    assert "请选择隐患所在单位" in body and "请描述隐患" in body and "照片需要重新选择" in body
    assert f'value="{key}"' in body  # the same report: the key survives the correction


def test_major_report_needs_a_criterion_in_force(client, county):
    login(client, county.users["county_admin"])
    _, key = report_form(client)
    data = {
        "unit": county.units["chem_a"].pk,
        "description": "涉及重点监管危险化工工艺的装置未实现自动化控制",
        "level": "major",
        "source": "inspection",
        "found_on": str(TODAY()),
        "idempotency_key": key,
    }
    response = client.post(reverse("hazards:create"), data)
    assert response.status_code == 400 and "判定标准" in response.content.decode()
    repealed = MajorCriterion.objects.filter(valid_to__isnull=False).first()
    response = client.post(reverse("hazards:create"), {**data, "criterion": repealed.pk})
    assert "所选条款在发现日期不适用" in response.content.decode()
    criterion = MajorCriterion.objects.filter(industry="化工和危险化学品").first()
    client.post(reverse("hazards:create"), {**data, "criterion": criterion.pk})
    hazard = Hazard.objects.get()
    assert hazard.level == Level.MAJOR and hazard.criterion == criterion
    assert hazard.deadline == TODAY() + dt.timedelta(days=30)  # the default for a major hazard


def test_report_form_groups_criteria_by_industry(client, county):
    login(client, county.users["county_admin"])
    body = client.get(reverse("hazards:create")).content.decode()
    assert '<optgroup label="化工和危险化学品">' in body and '<optgroup label="烟花爆竹">' in body


def test_unit_staff_report_is_a_self_check_and_on_the_spot_closes_it(client, county):
    login(client, county.users["unit_staff"])
    response, key = report_form(client)
    assert response.context["picker"]["chosen"] == county.units["chem_a"]
    response = client.post(
        reverse("hazards:create"),
        {
            "unit": county.units["chem_a"].pk,
            "description": "灭火器压力不足",
            "level": "general",
            "source": "self_check",
            "self_check_level": "team",
            "found_on": str(TODAY()),
            "idempotency_key": key,
            "on_the_spot": "on",
            "photos": [jpg("before.jpg")],
            "after_photos": [jpg("after.jpg", color=(0, 200, 0))],
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert hazard.source == Source.SELF_CHECK and hazard.self_check_level == "team"
    assert hazard.on_the_spot and hazard.status == Status.CLOSED
    assert sorted(hazard.attachments.values_list("kind", flat=True)) == ["found", "rectified"]


def test_roles_that_may_not_report_are_told_why(client, county):
    for persona in ("leader", "auditor"):
        response = login(client, county.users[persona]).get(reverse("hazards:create"))
        assert response.status_code == 403 and "不能上报隐患" in response.content.decode()


# --- detail and evidence files ---------------------------------------------------------------


def test_detail_in_scope_shows_facts_photos_and_timeline(client, county, report):
    hazard = report(photos=[photo()])
    response = login(client, county.users["township"]).get(reverse("hazards:detail", args=[hazard.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert hazard.number in body and "消防通道堆放杂物" in body and "上报隐患" in body
    sha = hazard.attachments.get().sha256
    assert sha[:12] in body and reverse("hazards:attachment", args=[hazard.pk, hazard.attachments.get().pk]) in body
    assert "/media/" not in body


def test_read_only_roles_see_the_hazard_but_no_step_forms(client, county, report):
    hazard = report()
    response = login(client, county.users["leader"]).get(reverse("hazards:detail", args=[hazard.pk]))
    assert response.status_code == 200 and response.context["forms"] == {}
    body = response.content.decode()
    assert "当前没有需要您办理的事项" in body and reverse("hazards:claim", args=[hazard.pk]) not in body


@pytest.mark.parametrize("persona", ["township_b", "zhujian", "other_county_admin", "expert"])
def test_detail_out_of_scope_is_404(client, county, report, persona):
    hazard = report()
    response = login(client, county.users[persona]).get(reverse("hazards:detail", args=[hazard.pk]))
    assert response.status_code == 404


def test_attachment_is_streamed_only_within_scope(client, county, report):
    hazard = report(photos=[photo()])
    other = report(unit="fire_b", photos=[photo()])
    item = hazard.attachments.get()
    url = reverse("hazards:attachment", args=[hazard.pk, item.pk])
    response = login(client, county.users["unit_staff"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == item.sha256
    assert "private" in response["Cache-Control"]
    assert login(client, county.users["township_b"]).get(url).status_code == 404
    # An attachment is reached only through its own hazard.
    login(client, county.users["county_admin"])
    assert client.get(reverse("hazards:attachment", args=[other.pk, item.pk])).status_code == 404


# --- steps -----------------------------------------------------------------------------------


def test_claim_submit_verify_through_the_forms(client, county, report):
    hazard = report()
    login(client, county.users["unit_staff"])
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "签字认领" in page and "验收通过" not in page
    response = client.post(reverse("hazards:claim", args=[hazard.pk]), {"claim-note": "立即安排清理"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == Status.RECTIFYING
    response = client.post(
        reverse("hazards:submit", args=[hazard.pk]),
        {
            "submit-note": "杂物已清理",
            "submit-evidence": [jpg("after.jpg", color=(0, 200, 0))],
            "submit-rectified_on": str(TODAY()),
        },
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == Status.SUBMITTED and hazard.rectified_on == TODAY()
    login(client, county.users["township"])
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "验收通过并销号" in page
    response = client.post(
        reverse("hazards:verify", args=[hazard.pk]),
        {"verify-note": "现场核实已整改", "verify-result": "pass", "verify-evidence": [jpg("check.jpg")]},
        follow=True,
    )
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSED and "验收通过，隐患已销号" in response.content.decode()
    assert list(hazard.events.values_list("kind", flat=True)) == ["report", "claim", "submit", "verify_pass"]
    assert hazard.events.get(kind="claim").note == "立即安排清理"


@pytest.mark.parametrize(
    ("persona", "url_name", "data", "reason"),
    [
        ("township", "claim", {}, "乡镇监管员不能签字认领"),
        ("grid_worker", "claim", {}, "网格员不能签字认领"),
        ("unit_staff", "verify", {"verify-note": "自己验收", "verify-result": "pass"}, "单位安全员不能验收通过并销号"),
        ("unit_staff", "submit", {"submit-note": "已整改"}, "隐患当前为“待认领”，不能提交整改"),
        ("unit_staff", "supervise", {"supervise-until": "2099-01-01"}, "单位安全员不能挂牌督办"),
    ],
)
def test_a_refused_step_shows_the_reason_and_changes_nothing(client, county, report, persona, url_name, data, reason):
    hazard = report()
    before = state(hazard)
    files = {f"{url_name}-evidence": [jpg()]} if url_name in ("submit", "verify") else {}
    response = login(client, county.users[persona]).post(
        reverse(f"hazards:{url_name}", args=[hazard.pk]), {**data, **files}
    )
    assert response.status_code == 403
    assert reason in response.content.decode()
    assert state(hazard) == before


def test_a_step_on_a_hazard_out_of_scope_is_404(client, county, report):
    hazard = report(unit="fire_b")
    response = login(client, county.users["unit_staff"]).post(reverse("hazards:claim", args=[hazard.pk]))
    assert response.status_code == 404 and state(hazard)[0] == Status.REPORTED


def test_submit_without_evidence_is_refused_with_the_reason(client, county, report):
    hazard = report()
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=hazard)
    before = state(hazard)
    response = login(client, staff).post(reverse("hazards:submit", args=[hazard.pk]), {"submit-note": "已整改"})
    assert response.status_code == 400 and "提交整改须上传整改后照片或材料" in response.content.decode()
    assert state(hazard) == before


def test_failed_verification_goes_back_with_the_reason(client, county, report):
    hazard = report()
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=hazard)
    hazard_submit(actor=staff, hazard=hazard, note="已清理", files=[photo()])
    login(client, county.users["township"])
    response = client.post(reverse("hazards:verify", args=[hazard.pk]), {"verify-result": "fail", "verify-note": ""})
    assert response.status_code == 400 and "请填写验收意见" in response.content.decode()
    client.post(reverse("hazards:verify", args=[hazard.pk]), {"verify-result": "fail", "verify-note": "仍有杂物"})
    hazard.refresh_from_db()
    assert hazard.status == Status.RECTIFYING and hazard.events.last().note == "仍有杂物"


def test_extension_requested_by_the_unit_and_decided_by_the_township(client, county, report):
    hazard = report()
    old = hazard.deadline
    new = old + dt.timedelta(days=10)
    login(client, county.users["unit_staff"])
    client.post(
        reverse("hazards:extend", args=[hazard.pk]), {"extend-new_deadline": str(new), "extend-reason": "备件未到"}
    )
    ext = Extension.objects.get()
    assert ext.status == "pending"
    login(client, county.users["township"])
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "审批延期" in page and "备件未到" in page
    url = reverse("hazards:extend_decide", args=[hazard.pk, ext.pk])
    response = client.post(url, {f"decide-{ext.pk}-decision": "reject", f"decide-{ext.pk}-note": ""})
    assert response.status_code == 400 and "驳回延期须说明理由" in response.content.decode()
    client.post(url, {f"decide-{ext.pk}-decision": "approve"})
    hazard.refresh_from_db()
    ext.refresh_from_db()
    assert ext.status == "approved" and hazard.deadline == new
    # The unit cannot decide extensions.
    response = login(client, county.users["unit_staff"]).post(url, {f"decide-{ext.pk}-decision": "approve"})
    assert response.status_code == 403 and "单位安全员不能审批延期" in response.content.decode()


PLAN = {
    "plan-goal": "消除隐患",
    "plan-measures": "加装自动化控制",
    "plan-funds": "20万元",
    "plan-people": "安全科",
    "plan-time_limit": "30日内",
    "plan-safety": "停用装置，制定应急预案",
}


def test_major_hazard_plan_supervision_signatures_and_closing(client, county, report):
    hazard = report(level=Level.MAJOR)
    staff = county.users["unit_staff"]
    login(client, staff)
    hazard_claim(actor=staff, hazard=hazard)
    response = client.post(reverse("hazards:plan", args=[hazard.pk]), {**PLAN, "plan-funds": ""})
    assert response.status_code == 400 and "治理方案缺少：经费和物资的落实" in response.content.decode()
    client.post(reverse("hazards:plan", args=[hazard.pk]), PLAN)
    hazard.refresh_from_db()
    assert hazard.plan["funds"] == "20万元"

    login(client, county.users["department"])
    until = TODAY() + dt.timedelta(days=30)
    client.post(reverse("hazards:supervise", args=[hazard.pk]), {"supervise-until": str(until)})
    assert hazard.supervisions.get().until == until
    assert "挂牌督办" in client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()

    login(client, staff)
    client.post(reverse("hazards:submit", args=[hazard.pk]), {"submit-note": "已整改", "submit-evidence": [jpg()]})
    client.post(reverse("hazards:sign", args=[hazard.pk]), {"sign-party": "unit_principal"})
    login(client, county.users["township"])
    response = client.post(
        reverse("hazards:verify", args=[hazard.pk]),
        {"verify-result": "pass", "verify-note": "合格", "verify-evidence": [jpg()]},
    )
    assert response.status_code == 400 and "三方签字" in response.content.decode()
    client.post(reverse("hazards:sign", args=[hazard.pk]), {"sign-party": "supervisor"})
    login(client, county.users["county_admin"])
    client.post(reverse("hazards:sign", args=[hazard.pk]), {"sign-party": "group_leader"})
    response = client.post(
        reverse("hazards:verify", args=[hazard.pk]),
        {"verify-result": "pass", "verify-note": "合格", "verify-evidence": [jpg()]},
    )
    hazard.refresh_from_db()
    assert response.status_code == 302 and hazard.status == Status.CLOSED
    login(client, county.users["department"])
    client.post(reverse("hazards:lift", args=[hazard.pk]), {"lift-note": "已销号"})
    assert hazard.supervisions.get().lifted_on == TODAY()


def test_sign_for_a_party_the_role_may_not_represent_is_refused(client, county, report):
    hazard = report(level=Level.MAJOR)
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=hazard)
    Hazard.objects.filter(pk=hazard.pk).update(plan={k.removeprefix("plan-"): v for k, v in PLAN.items()})
    hazard_submit(actor=staff, hazard=hazard, note="已整改", files=[photo()])
    before = state(hazard)
    response = login(client, staff).post(reverse("hazards:sign", args=[hazard.pk]), {"sign-party": "supervisor"})
    assert response.status_code == 400 and hazard.signoffs.count() == 0 and state(hazard) == before


def test_attach_more_evidence(client, county, report):
    hazard = report()
    login(client, county.users["unit_staff"])
    response = client.post(
        reverse("hazards:attach", args=[hazard.pk]), {"attach-kind": "rectified", "attach-evidence": [jpg()]}
    )
    assert response.status_code == 302
    assert hazard.attachments.filter(kind=AttachmentKind.RECTIFIED).count() == 1
    assert hazard.events.last().kind == "attach"
    before = state(hazard)
    response = login(client, county.users["grid_worker"]).post(
        reverse("hazards:attach", args=[hazard.pk]), {"attach-kind": "found", "attach-evidence": [jpg()]}
    )
    assert response.status_code == 403 and "网格员不能上传隐患材料" in response.content.decode()
    assert state(hazard) == before


def test_an_uploaded_file_that_is_not_a_photo_is_refused(client, county, report):
    hazard = report()
    hazard_claim(actor=county.users["unit_staff"], hazard=hazard)
    before = state(hazard)
    bad = SimpleUploadedFile("note.txt", b"just text", content_type="image/jpeg")
    response = login(client, county.users["unit_staff"]).post(
        reverse("hazards:submit", args=[hazard.pk]), {"submit-note": "已整改", "submit-evidence": [bad]}
    )
    assert response.status_code == 400 and "不是照片或 PDF 文件" in response.content.decode()
    assert state(hazard) == before


# --- unit page, navigation -------------------------------------------------------------------


def test_unit_page_loads_its_hazards_section(client, county, report):
    hazard = report(description="储罐区防火堤破损")
    report(unit="fire_b", description="花炮超量储存")
    unit = county.units["chem_a"]
    login(client, county.users["township"])
    page = client.get(reverse("units:detail", args=[unit.pk])).content.decode()
    assert reverse("hazards:unit_section", args=[unit.pk]) in page
    assert f"{reverse('hazards:create')}?unit={unit.pk}" in page and f"{reverse('hazards:list')}?unit={unit.pk}" in page
    section = client.get(reverse("hazards:unit_section", args=[unit.pk]), HTTP_HX_REQUEST="true")
    body = section.content.decode()
    assert "储罐区防火堤破损" in body and "花炮超量储存" not in body and hazard.number in body
    other = county.units["fire_b"]
    assert client.get(reverse("hazards:unit_section", args=[other.pk])).status_code == 404


def test_navigation_has_the_hazard_menu_and_the_todo_count(client, county, report):
    report()
    report()
    body = login(client, county.users["unit_staff"]).get(reverse("home")).content.decode()
    assert f'href="{reverse("hazards:list")}"' in body
    assert re.search(r'首页 <span class="badge text-bg-danger">2</span>', body)
    assert "待签字认领" in body and "?todo=claim" in body


def test_todo_link_lists_exactly_what_it_counts(client, county, report):
    mine = report()
    report(unit="fire_b")
    response = login(client, county.users["unit_staff"]).get(reverse("hazards:list"), {"todo": "claim"})
    assert shown(response) == {mine.pk} and "待办：待签字认领" in response.content.decode()
    assert Attachment.objects.count() == 2 and HazardEvent.objects.count() == 2


def test_detail_links_the_inspection_and_campaign(client, county, report):
    import datetime as dt

    from anjian.campaigns.models import Campaign
    from anjian.inspections.models import Inspection, InspectionKind

    unit = county.units["chem_a"]
    campaign = Campaign.objects.create(
        name="危化品专项整治", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), region_code=county.county.code
    )
    inspection = Inspection.objects.create(
        number="JC-LINK-1",
        unit=unit,
        region_code=unit.region_code,
        sector=unit.sector,
        grid=unit.grid,
        kind=InspectionKind.SPECIAL,
        date=dt.date(2026, 3, 1),
        campaign=campaign,
    )
    hazard = report(inspection=inspection)
    assert hazard.campaign == campaign  # a hazard found by a campaign's inspection belongs to it
    client.force_login(county.users["township"])
    page = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert "JC-LINK-1" in page and "危化品专项整治" in page
