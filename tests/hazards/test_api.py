"""Hazards API: the closed loop over HTTP only, scoped like the UI, refusals in Chinese that change nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.core.events import verify_all
from anjian.hazards.models import Attachment, Extension, Hazard, HazardEvent, MajorCriterion, Signoff, Supervision
from tests.api.conftest import ApiClient
from tests.hazards.conftest import jpeg
from tests.units.test_scope import EXPECTED

BASE = "/api/v1/hazards"
PLAN = {
    "goal": "消除隐患",
    "measures": "更换阀门",
    "funds": "5万元",
    "people": "安全科",
    "time_limit": "30日",
    "safety": "停用",
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    # Uploaded evidence goes to a throwaway directory, not var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


class HazardApi(ApiClient):
    """ApiClient plus headers and multipart uploads."""

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        extra = self._headers()
        extra.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()})
        data = json.dumps(body) if body is not None else ""
        response = self.client.post(path, data, content_type="application/json", **extra)
        return response.status_code, response.json()

    def upload(self, hazard_id: int, kind: str, *files: tuple[str, bytes]) -> tuple[int, Any]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        uploads = [SimpleUploadedFile(name, content) for name, content in files]
        response = self.client.post(
            f"{BASE}/{hazard_id}/attachments", {"kind": kind, "files": uploads}, **self._headers()
        )
        return response.status_code, response.json()


@pytest.fixture
def api_as(api_as):
    """The shared fixture (tests/conftest.py), with this module's client."""
    return lambda persona: api_as(persona, HazardApi)


def body(county, unit: str = "chem_a", **kw: Any) -> dict[str, Any]:
    today = timezone.localdate()
    out = {
        "unit_id": county.units[unit].pk,
        "description": "消防通道堆放杂物",
        "level": "general",
        "found_on": today.isoformat(),
        "deadline": (today + dt.timedelta(days=7)).isoformat(),
        "source": "inspection",
    }
    out.update(kw)
    return out


def criterion_in_force() -> MajorCriterion:
    return MajorCriterion.objects.filter(valid_to__isnull=True, industry="化工和危险化学品").first()


def snapshot(hazard_id: int) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    h = Hazard.objects.get(pk=hazard_id)
    return (
        h.status,
        h.deadline,
        h.plan,
        h.event_count,
        h.last_hash,
        HazardEvent.objects.filter(hazard=h).count(),
        Attachment.objects.filter(hazard=h).count(),
        Extension.objects.filter(hazard=h).count(),
        Signoff.objects.filter(hazard=h).count(),
        Supervision.objects.filter(hazard=h).count(),
    )


def reported(api_as, county, persona: str = "township", **kw: Any) -> dict[str, Any]:
    status, out = api_as(persona).post(BASE, body(county, **kw))
    assert status == 201, out
    return out


def to_submitted(api_as, county, **kw: Any) -> dict[str, Any]:
    h = reported(api_as, county, **kw)
    staff = api_as("unit_staff")
    assert staff.post(f"{BASE}/{h['id']}/claim", {"note": "收到"})[0] == 200
    if h["level"] == "major":
        assert staff.post(f"{BASE}/{h['id']}/plan", PLAN)[0] == 200
    assert staff.upload(h["id"], "rectified", ("after.jpg", jpeg((0, 200, 0))))[0] == 201
    status, out = staff.post(f"{BASE}/{h['id']}/submit", {"note": "已清理"})
    assert status == 200, out
    return out


# --- OpenAPI ----------------------------------------------------------------------------


def test_openapi_lists_the_hazard_endpoints(db):
    spec = Client().get("/api/openapi.json").json()
    paths = spec["paths"]
    assert set(paths[BASE]) >= {"get", "post"}
    assert "get" in paths[BASE + "/{hazard_id}"]
    for step in ("claim", "submit", "verify", "extend", "plan", "supervise", "sign", "attachments"):
        assert "post" in paths[f"{BASE}/{{hazard_id}}/{step}"], step
    assert "post" in paths[BASE + "/{hazard_id}/extensions/{ext_id}/decide"]
    assert "get" in paths[BASE + "/{hazard_id}/attachments/{attachment_id}"]
    create = paths[BASE]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    assert {"200", "201", "403", "422"} <= set(create["responses"])
    claim = paths[BASE + "/{hazard_id}/claim"]["post"]
    assert {"200", "403", "409", "422"} <= set(claim["responses"])
    assert "409" in claim["description"] and "403" in claim["description"]
    hazard = spec["components"]["schemas"]["HazardOut"]["properties"]
    assert {"id", "unit_id", "region_code", "level", "status", "status_display", "deadline", "overdue"} <= set(hazard)
    assert {"available_steps", "attachments", "signoffs", "supervised", "criterion", "plan"} <= set(hazard)
    assert "events" in spec["components"]["schemas"]["HazardDetailOut"]["properties"]
    params = {p["name"] for p in paths[BASE]["get"]["parameters"]}
    assert {"status", "level", "overdue", "township", "grid", "sector", "source", "unit", "page", "page_size"} <= params


# --- Reporting --------------------------------------------------------------------------


def test_report_answers_201_with_the_hazard_and_its_first_event(county, api_as):
    status, h = api_as("township").post(BASE, body(county, category="消防安全", location="二号仓库", funds="1200.5"))
    assert status == 201
    assert h["number"].startswith("YH430626") and h["unit_id"] == county.units["chem_a"].pk
    assert h["unit_name"] == "平江县汇丰化工有限公司" and h["region_code"] == "430626101000"
    assert (h["status"], h["status_display"]) == ("reported", "待认领")
    assert (h["level"], h["level_display"]) == ("general", "一般")
    assert h["source"] == "inspection" and h["overdue"] is False and h["criterion"] is None
    assert h["category"] == "消防安全" and h["location"] == "二号仓库" and h["funds"] == "1200.50"
    assert h["supervised"] is False and h["signoffs"] == [] and h["attachments"] == []
    assert h["verifier_org"] == "安定镇人民政府" and h["reported_by_name"] == "安定镇监管员"
    assert h["closed_on"] is None and h["rectified_on"] is None
    assert [e["kind"] for e in h["events"]] == ["report"]
    event = h["events"][0]
    assert event["label"] == "上报隐患" and event["actor_name"] == "anding" and len(event["hash"]) == 64
    assert event["data"]["source"] == "inspection"
    # The reporter (a township officer) may not sign for it; the unit may.
    assert "claim" not in h["available_steps"] and "extend_request" in h["available_steps"]
    assert api_as("unit_staff").get(f"{BASE}/{h['id']}")[1]["available_steps"] == ["claim", "extend_request"]


@pytest.mark.parametrize("kw", [{}, {"level": "major"}])
def test_the_201_body_is_what_a_fresh_read_answers(county, api_as, kw):
    # The report answer is built from the objects in hand (no re-read): it must equal the detail.
    if kw:
        kw = {"level": "major", "criterion_id": criterion_in_force().pk}
    api = api_as("township")
    status, created = api.post(BASE, body(county, category="消防安全", funds="88", **kw))
    assert status == 201
    assert created == api.get(f"{BASE}/{created['id']}")[1]


def test_self_check_by_the_unit_and_grid_report_by_the_grid_worker(county, api_as):
    status, h = api_as("unit_staff").post(BASE, body(county, source="self_check", self_check_level="team"))
    assert status == 201 and h["source"] == "self_check"
    status, h = api_as("grid_worker").post(BASE, body(county, source="grid"))
    assert status == 201 and h["source"] == "grid"
    status, out = api_as("grid_worker").post(BASE, body(county, source="inspection"))
    assert status == 422 and "网格员不能以“检查”方式上报隐患" in out["errors"]["source"][0]


def test_major_hazard_needs_a_criterion_in_force_on_the_day_found(county, api_as):
    client = api_as("county_admin")
    status, out = client.post(BASE, body(county, level="major"))
    assert status == 422 and "判定标准" in out["errors"]["criterion_id"][0]
    # The 2017 工贸 list was repealed on 2023-05-15: not for a hazard found today …
    repealed = MajorCriterion.objects.filter(valid_to__isnull=False).first()
    status, out = client.post(BASE, body(county, level="major", criterion_id=repealed.pk))
    assert status == 422 and "未施行" in out["errors"]["criterion_id"][0]
    # … but for one found while it was in force.
    old = {"found_on": "2022-06-01", "deadline": "2022-07-01"}
    status, h = client.post(BASE, body(county, level="major", criterion_id=repealed.pk, **old))
    assert status == 201 and h["criterion"]["id"] == repealed.pk and h["criterion"]["text"] == repealed.text
    status, h = client.post(BASE, body(county, level="major", criterion_id=criterion_in_force().pk))
    assert status == 201 and h["level_display"] == "重大"
    assert h["missing_signoffs"] == ["单位主要负责人", "检查组组长", "乡镇或行业部门"]
    status, out = client.post(BASE, body(county, criterion_id=criterion_in_force().pk))
    assert status == 422 and "一般隐患不选择" in out["errors"]["criterion_id"][0]


@pytest.mark.parametrize(
    ("persona", "payload", "code", "field"),
    [
        ("leader", {}, 403, None),
        ("auditor", {}, 403, None),
        ("county_admin", {"level": "serious"}, 422, "level"),
        ("county_admin", {"source": "rumour"}, 422, "source"),
        ("county_admin", {"description": "杂"}, 422, "description"),
        ("county_admin", {"deadline": "2000-01-01"}, 422, "deadline"),
        ("county_admin", {"found_on": "2999-01-01", "deadline": "2999-02-01"}, 422, "found_on"),
        ("county_admin", {"found_on": "昨天"}, 422, "found_on"),
        ("county_admin", {"funds": "-1"}, 422, "funds"),
        ("county_admin", {"self_check_level": "team"}, 422, "self_check_level"),
        ("township_b", {}, 422, "unit_id"),  # 三市镇 cannot report on 安定镇's unit
        ("county_admin", {"unit_id": 999999}, 422, "unit_id"),
    ],
)
def test_invalid_reports_are_refused_in_chinese_and_create_nothing(county, api_as, persona, payload, code, field):
    status, out = api_as(persona).post(BASE, body(county, **payload))
    assert status == code, out
    assert any("\u4e00" <= ch <= "\u9fff" for ch in out["detail"])
    if field:
        assert field in out["errors"], out
    assert Hazard.objects.count() == 0 and HazardEvent.objects.count() == 0


def test_out_of_scope_unit_reads_like_a_missing_one(county, api_as):
    _, hidden = api_as("township_b").post(BASE, body(county, unit="chem_a"))
    _, missing = api_as("township_b").post(BASE, body(county, unit_id=999999))
    assert hidden["errors"]["unit_id"][0].replace(str(county.units["chem_a"].pk), "X") == missing["errors"]["unit_id"][
        0
    ].replace("999999", "X")


def test_schema_errors_are_chinese(county, api_as):
    status, out = api_as("county_admin").post(BASE, {"description": "消防通道堆放杂物"})
    assert status == 422 and out["errors"]["unit_id"] == ["必填"] and out["detail"].startswith("提交的数据有误")


# --- Reading, scope ---------------------------------------------------------------------


@pytest.fixture
def one_per_unit(county, api_as) -> dict[str, int]:
    out = {
        key: reported(api_as, county, "county_admin", unit=key)["id"]
        for key in ("chem_a", "build_a", "fire_b", "build_b")
    }
    out["other"] = reported(api_as, county, "other_county_admin", unit="other")["id"]
    return out


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_list_and_detail_are_scoped_per_persona(county, api_as, one_per_unit, persona):
    # A hazard's scope is its unit's (same region, unit, sector and grid): the units' table holds.
    client = api_as(persona)
    status, page = client.get(BASE, {"page_size": 200})
    assert status == 200
    assert {item["id"] for item in page["items"]} == {one_per_unit[k] for k in EXPECTED[persona]}
    assert page["count"] == len(EXPECTED[persona])
    for key, hazard_id in one_per_unit.items():
        status, out = client.get(f"{BASE}/{hazard_id}")
        if key in EXPECTED[persona]:
            assert status == 200 and out["id"] == hazard_id
        else:
            assert (status, out) == (404, {"detail": "未找到该隐患"}), (persona, key)
            # Nor can a step be taken on it, nor evidence uploaded: the same 404.
            assert client.post(f"{BASE}/{hazard_id}/claim", {"note": ""})[0] == 404
            assert client.upload(hazard_id, "found", ("a.jpg", jpeg()))[0] == 404


def test_list_filters_and_pages(county, api_as, one_per_unit):
    client = api_as("county_admin")
    late = Hazard.objects.get(pk=one_per_unit["fire_b"])
    # Found a while ago with a deadline now past (what the daily scan finds).
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Hazard.objects.filter(pk=late.pk).update(found_on=yesterday - dt.timedelta(days=9), deadline=yesterday)
    _, page = client.get(BASE, {"overdue": "1"})
    assert [i["id"] for i in page["items"]] == [late.pk] and page["items"][0]["overdue"] is True
    _, page = client.get(BASE, {"township": "430626101"})
    assert {i["id"] for i in page["items"]} == {one_per_unit["chem_a"], one_per_unit["build_a"]}
    _, page = client.get(BASE, {"unit": str(county.units["build_b"].pk)})
    assert [i["id"] for i in page["items"]] == [one_per_unit["build_b"]]
    _, page = client.get(BASE, {"status": "closed"})
    assert page["count"] == 0 and page["items"] == [] and page["pages"] == 1
    status, page = client.get(BASE, {"page_size": 3, "page": 2})
    assert status == 200 and (page["count"], page["pages"], page["page"], len(page["items"])) == (4, 2, 2, 1)
    assert client.get(BASE, {"page_size": 1000})[0] == 422


def test_list_queries_do_not_grow_with_the_page(county, api_as):
    client = api_as("county_admin")
    reported(api_as, county, "county_admin", level="major", criterion_id=criterion_in_force().pk)
    with CaptureQueriesContext(connection) as one:
        client.get(BASE)
    for _ in range(5):
        to_submitted(api_as, county, level="major", criterion_id=criterion_in_force().pk)
    with CaptureQueriesContext(connection) as six:
        _, page = client.get(BASE)
    assert page["count"] == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_session_login_works_too(county):
    client = Client()
    client.force_login(county.users["township"])
    assert client.get(BASE).status_code == 200
    # Unsafe methods with a session need the CSRF token, as everywhere in the API.
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(county.users["township"])
    response = csrf_client.post(BASE, json.dumps(body(county)), content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert Client().get(BASE).status_code == 401


# --- The loop ---------------------------------------------------------------------------


def test_full_flow_through_the_api_only(county, api_as):
    inspector, staff = api_as("township"), api_as("unit_staff")
    found, after, check = jpeg((200, 30, 30)), jpeg((0, 200, 0)), jpeg((0, 0, 200))
    assert len({found, after, check}) == 3
    status, h = inspector.post(BASE, body(county), headers={"Idempotency-Key": "flow-1"})
    assert status == 201
    hid = h["id"]
    status, h = inspector.upload(hid, "found", ("found.jpg", found))
    # Photos are re-encoded on upload (anjian.hazards.photos): the hash is of what is stored.
    assert status == 201 and [a["kind"] for a in h["attachments"]] == ["found"]
    assert h["events"][-1]["data"]["attachments"][0]["sha256"] == h["attachments"][0]["sha256"]

    status, h = staff.post(f"{BASE}/{hid}/claim", {"note": "已签收"})
    assert status == 200 and (h["status"], h["status_display"]) == ("rectifying", "整改中")
    assert h["available_steps"] == ["submit", "extend_request"]

    status, h = staff.upload(hid, "rectified", ("after.jpg", after))
    assert status == 201 and h["status"] == "rectifying"
    status, h = staff.post(
        f"{BASE}/{hid}/submit", {"note": "杂物已清理", "rectified_on": timezone.localdate().isoformat()}
    )
    assert status == 200 and (h["status"], h["status_display"]) == ("submitted", "待验收")
    assert h["rectified_on"] == timezone.localdate().isoformat()

    status, h = inspector.upload(hid, "verified", ("check.jpg", check))
    assert status == 201
    status, h = inspector.post(f"{BASE}/{hid}/verify", {"passed": True, "note": "现场核实已整改"})
    assert status == 200 and (h["status"], h["status_display"]) == ("closed", "已销号")
    assert h["closed_on"] == timezone.localdate().isoformat() and h["overdue"] is False

    kinds = [e["kind"] for e in h["events"]]
    assert kinds == ["report", "attach", "claim", "attach", "submit", "attach", "verify_pass"]
    labels = [e["label"] for e in h["events"]]
    assert labels[2] == "签字认领" and labels[-1] == "验收通过并销号"
    assert [e["seq"] for e in h["events"]] == list(range(1, 8))
    assert {a["kind"] for a in h["attachments"]} == {"found", "rectified", "verified"}
    assert h["available_steps"] == []
    assert list(verify_all()) == []
    # The evidence downloads as uploaded, its hash as recorded.
    item = next(a for a in h["attachments"] if a["kind"] == "verified")
    response = staff.client.get(item["url"], HTTP_AUTHORIZATION=f"Bearer {staff.token}")
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert hashlib.sha256(content).hexdigest() == item["sha256"] == response["X-Content-SHA256"]


def test_failed_verification_returns_to_rectifying_with_the_reason(county, api_as):
    h = to_submitted(api_as, county)
    inspector = api_as("township")
    status, out = inspector.post(f"{BASE}/{h['id']}/verify", {"passed": False, "note": ""})
    assert status == 422 and out["errors"]["note"] == ["请填写验收不通过的原因"]
    status, out = inspector.post(f"{BASE}/{h['id']}/verify", {"passed": False, "note": "通道仍有杂物"})
    assert status == 200 and out["status"] == "rectifying" and out["rectified_on"] is None
    last = out["events"][-1]
    assert (last["kind"], last["label"], last["note"]) == ("verify_fail", "验收不通过", "通道仍有杂物")
    assert last["data"]["passed"] is False
    # Back with the unit: it may submit again (its earlier evidence still counts).
    status, out = api_as("unit_staff").post(f"{BASE}/{h['id']}/submit", {"note": "再次清理"})
    assert status == 200 and out["status"] == "submitted"


def test_passing_needs_verification_evidence(county, api_as):
    h = to_submitted(api_as, county)
    before = snapshot(h["id"])
    status, out = api_as("township").post(f"{BASE}/{h['id']}/verify", {"passed": True, "note": "合格"})
    assert status == 422 and out["errors"]["files"] == ["验收销号须上传验收照片或材料"]
    assert snapshot(h["id"]) == before


def test_a_step_without_anything_to_say_needs_no_body(county, api_as):
    h = reported(api_as, county)
    client = api_as("unit_staff")
    response = client.client.post(
        f"{BASE}/{h['id']}/claim", "", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {client.token}"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "rectifying"


# --- Refusals change nothing -------------------------------------------------------------


def _major_submitted(api_as, county) -> dict[str, Any]:
    return to_submitted(api_as, county, persona="county_admin", level="major", criterion_id=criterion_in_force().pk)


REFUSALS = [
    # (what, persona, step, body, expected status, reason fragment)
    ("grid worker claims", "grid_worker", "claim", {"note": ""}, 403, "网格员不能签字认领"),
    ("county admin claims", "county_admin", "claim", {"note": ""}, 403, "县级管理员不能签字认领"),
    (
        "unit verifies itself",
        "unit_staff",
        "verify",
        {"passed": True, "note": "好了"},
        403,
        "单位安全员不能验收通过并销号",
    ),
    ("leader extends", "leader", "extend", {"new_deadline": "2999-01-01", "reason": "忙"}, 403, "不能申请延期"),
    ("township supervises", "township", "supervise", {"until": "2999-01-01"}, 403, "乡镇监管员不能挂牌督办"),
    ("unit staff supervises", "unit_staff", "supervise", {"until": "2999-01-01"}, 403, "单位安全员不能挂牌督办"),
    ("submit while reported", "unit_staff", "submit", {"note": "好了"}, 409, "隐患当前为“待认领”，不能提交整改"),
    ("verify while reported", "township", "verify", {"passed": False, "note": "不行"}, 409, "不能验收不通过"),
    (
        "supervise a general hazard",
        "county_admin",
        "supervise",
        {"until": "2999-01-01"},
        409,
        "只有重大隐患需要挂牌督办",
    ),
    ("plan a general hazard", "unit_staff", "plan", PLAN, 409, "只有重大隐患需要制定治理方案"),
    ("sign a general hazard", "unit_staff", "sign", {"party": "unit_principal"}, 409, "只有重大隐患需要签字确认"),
    ("lift without supervision", "county_admin", "supervise", {"lift": True}, 409, "只有重大隐患需要摘牌"),
    ("extend to an earlier day", "unit_staff", "extend", {"new_deadline": "2000-01-01", "reason": "忙"}, 422, "应晚于"),
    ("extend without reason", "unit_staff", "extend", {"new_deadline": "2999-01-01", "reason": " "}, 422, "延期理由"),
    ("claim with a bad body", "unit_staff", "claim", {"note": 5}, 422, "提交的数据有误"),
]


@pytest.mark.parametrize(
    ("what", "persona", "step", "payload", "code", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_refused_steps_answer_in_chinese_and_change_nothing(county, api_as, what, persona, step, payload, code, reason):
    h = reported(api_as, county)
    before = snapshot(h["id"])
    status, out = api_as(persona).post(f"{BASE}/{h['id']}/{step}", payload)
    assert status == code, out
    assert reason in out["detail"], out["detail"]
    assert snapshot(h["id"]) == before


def test_refusals_on_a_major_hazard_change_nothing(county, api_as):
    h = _major_submitted(api_as, county)
    hid = h["id"]
    cases = [
        # The unit cannot sign for the township, nor the township for the unit: roles, 403.
        ("unit_staff", "sign", {"party": "supervisor"}, 403, "单位安全员不能代表“乡镇或行业部门”签字"),
        ("township", "sign", {"party": "unit_principal"}, 403, "乡镇监管员不能代表“单位主要负责人”签字"),
        ("grid_worker", "sign", {"party": "supervisor"}, 403, "网格员不能签字确认"),
        ("unit_staff", "sign", {"party": "chairman"}, 422, "签字方应为"),
        # Passing without the three signatures: 422 with the missing parties.
        (
            "county_admin",
            "verify",
            {"passed": True, "note": "合格"},
            422,
            "尚缺：单位主要负责人、检查组组长、乡镇或行业部门",
        ),
        ("county_admin", "supervise", {"until": "2000-01-01"}, 422, "督办期限应晚于今天"),
        ("county_admin", "supervise", {}, 422, "必填"),
        ("county_admin", "supervise", {"lift": True}, 409, "未在挂牌督办中"),
        ("unit_staff", "plan", PLAN, 409, "隐患当前为“待验收”，不能制定治理方案"),
    ]
    for persona, step, payload, code, reason in cases:
        before = snapshot(hid)
        status, out = api_as(persona).post(f"{BASE}/{hid}/{step}", payload)
        assert status == code and reason in out["detail"], (persona, step, out)
        assert snapshot(hid) == before
    # Signed once is signed: a second signature for the same party is a conflict.
    staff = api_as("unit_staff")
    assert staff.post(f"{BASE}/{hid}/sign", {"party": "unit_principal"})[0] == 200
    before = snapshot(hid)
    status, out = staff.post(f"{BASE}/{hid}/sign", {"party": "unit_principal"})
    assert status == 409 and "已签字" in out["detail"] and snapshot(hid) == before


def test_a_unit_of_another_unit_cannot_touch_it(county, api_as):
    from tests.conftest import make_user

    county.users["other_unit_staff"] = make_user("anding_build", "unit_staff", unit=county.units["build_a"])
    h = reported(api_as, county)
    before = snapshot(h["id"])
    # Out of its scope altogether: 404, not a reason that would confirm it exists.
    assert api_as("other_unit_staff").post(f"{BASE}/{h['id']}/claim", {})[0] == 404
    assert snapshot(h["id"]) == before


# --- Attachments ------------------------------------------------------------------------


def test_attachments_are_checked(county, api_as):
    h = reported(api_as, county)
    hid = h["id"]
    staff = api_as("unit_staff")
    before = snapshot(hid)
    status, out = staff.upload(hid, "rectified", ("notes.txt", b"just text"))
    assert status == 422 and "“notes.txt”不是照片或 PDF 文件" in out["errors"]["files"][0]
    status, out = staff.upload(hid, "selfie", ("a.jpg", jpeg()))
    assert status == 422 and "kind" in out["errors"]
    status, out = staff.upload(hid, "found", *[(f"{i}.jpg", jpeg((i, 0, 0))) for i in range(10)])
    assert status == 422 and "最多" in out["errors"]["files"][0]
    status, out = api_as("grid_worker").upload(hid, "found", ("a.jpg", jpeg()))
    assert status == 403 and out["detail"] == "网格员不能上传隐患材料"
    status, out = api_as("leader").upload(hid, "found", ("a.jpg", jpeg()))
    assert status == 403
    assert snapshot(hid) == before
    # Several files at once, each with its own hash, one event.
    pdf = b"%PDF-1.4\n%%EOF\n"
    status, out = staff.upload(hid, "found", ("a.jpg", jpeg((1, 2, 3))), ("b.pdf", pdf))
    assert status == 201
    assert [(a["name"], a["content_type"]) for a in out["attachments"]] == [
        ("a.jpg", "image/jpeg"),
        ("b.pdf", "application/pdf"),
    ]
    assert out["events"][-1]["kind"] == "attach" and len(out["events"][-1]["data"]["attachments"]) == 2
    # A PDF is kept byte for byte: its hash is that of the upload.
    assert out["attachments"][1]["sha256"] == hashlib.sha256(pdf).hexdigest()


def test_no_uploads_to_a_closed_hazard_and_downloads_are_scoped(county, api_as):
    h = to_submitted(api_as, county)
    inspector = api_as("township")
    inspector.upload(h["id"], "verified", ("c.jpg", jpeg()))
    _, h = inspector.post(f"{BASE}/{h['id']}/verify", {"passed": True, "note": "合格"})
    before = snapshot(h["id"])
    status, out = inspector.upload(h["id"], "verified", ("late.jpg", jpeg()))
    assert status == 409 and "已销号" in out["detail"] and snapshot(h["id"]) == before
    url = h["attachments"][0]["url"]
    outsider = api_as("township_b")
    assert outsider.client.get(url, HTTP_AUTHORIZATION=f"Bearer {outsider.token}").status_code == 404
    other = f"{BASE}/{h['id']}/attachments/999999"
    assert inspector.client.get(other, HTTP_AUTHORIZATION=f"Bearer {inspector.token}").status_code == 404


# --- Extensions, plan, supervision, sign-off --------------------------------------------


def test_extension_requested_by_the_unit_and_decided_by_the_township(county, api_as):
    h = reported(api_as, county)
    hid = h["id"]
    staff, township = api_as("unit_staff"), api_as("township")
    new = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    status, out = staff.post(f"{BASE}/{hid}/extend", {"new_deadline": new, "reason": "设备到货需要时间"})
    assert status == 200 and out["deadline"] == h["deadline"]
    [ext] = out["extensions"]
    assert ext["status"] == "pending" and ext["status_display"] == "待审批" and ext["new_deadline"] == new
    assert ext["reason"] == "设备到货需要时间" and ext["requested_by_name"] == "汇丰安全员"
    status, out = staff.post(f"{BASE}/{hid}/extend", {"new_deadline": new, "reason": "再申请"})
    assert status == 422 and "已有待审批的延期申请" in out["detail"]
    decide = f"{BASE}/{hid}/extensions/{ext['id']}/decide"
    before = snapshot(hid)
    status, out = staff.post(decide, {"approved": True})
    assert status == 403 and "单位安全员不能审批延期" in out["detail"] and snapshot(hid) == before
    status, out = township.post(decide, {"approved": False, "note": ""})
    assert status == 422 and out["errors"]["note"] == ["驳回延期须说明理由"] and snapshot(hid) == before
    status, out = township.post(decide, {"approved": True, "note": "同意"})
    assert status == 200 and out["deadline"] == new
    assert out["extensions"][0]["status"] == "approved" and out["extensions"][0]["decided_by_name"] == "安定镇监管员"
    assert [e["kind"] for e in out["events"][-2:]] == ["extend_request", "extend_decide"]
    before = snapshot(hid)
    status, out = township.post(decide, {"approved": False, "note": "反悔"})
    assert status == 409 and "已处理" in out["detail"] and snapshot(hid) == before
    # An extension id of another hazard, or out of scope: 404.
    other = reported(api_as, county, unit="build_a")
    assert township.post(f"{BASE}/{other['id']}/extensions/{ext['id']}/decide", {"approved": True})[0] == 404
    assert api_as("township_b").post(decide, {"approved": True})[0] == 404


def test_a_supervisors_own_extension_is_approved_at_once(county, api_as):
    h = reported(api_as, county)
    new = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    status, out = api_as("township").post(f"{BASE}/{h['id']}/extend", {"new_deadline": new, "reason": "汛期停工"})
    assert status == 200 and out["deadline"] == new and out["extensions"][0]["status"] == "approved"


def test_major_hazard_plan_supervision_signoffs_and_closure(county, api_as):
    admin, staff = api_as("county_admin"), api_as("unit_staff")
    township, dept = api_as("township"), api_as("department")
    h = reported(api_as, county, "county_admin", level="major", criterion_id=criterion_in_force().pk)
    hid = h["id"]
    status, out = staff.post(f"{BASE}/{hid}/plan", {**PLAN, "safety": ""})
    assert status == 422 and "治理方案缺少：安全措施和应急预案" in out["detail"]
    until = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    status, out = dept.post(f"{BASE}/{hid}/supervise", {"until": until, "note": "县应急局挂牌"})
    assert status == 200 and out["supervised"] is True
    assert out["supervision"]["org_name"] == "应急管理局" and out["supervision"]["until"] == until
    status, out = admin.post(f"{BASE}/{hid}/supervise", {"until": until})
    assert status == 409 and "已在挂牌督办中" in out["detail"]

    assert staff.post(f"{BASE}/{hid}/claim", {})[0] == 200
    status, out = staff.post(f"{BASE}/{hid}/plan", PLAN)
    assert status == 200 and out["plan"] == PLAN
    staff.upload(hid, "rectified", ("after.jpg", jpeg()))
    assert staff.post(f"{BASE}/{hid}/submit", {"note": "已更换"})[0] == 200

    status, out = staff.post(f"{BASE}/{hid}/sign", {"party": "unit_principal", "note": "确认"})
    assert status == 200 and out["missing_signoffs"] == ["检查组组长", "乡镇或行业部门"]
    # Experts see no hazards yet (issue 4 assigns them to inspections): out of scope, 404.
    assert api_as("expert").post(f"{BASE}/{hid}/sign", {"party": "group_leader"})[0] == 404
    assert admin.post(f"{BASE}/{hid}/sign", {"party": "group_leader"})[0] == 200
    status, out = township.post(f"{BASE}/{hid}/sign", {"party": "supervisor"})
    assert status == 200 and out["missing_signoffs"] == []
    assert [s["party"] for s in out["signoffs"]] == ["unit_principal", "group_leader", "supervisor"]
    assert out["signoffs"][0]["party_display"] == "单位主要负责人" and out["signoffs"][0]["user_name"] == "汇丰安全员"

    admin.upload(hid, "verified", ("check.jpg", jpeg()))
    status, out = admin.post(f"{BASE}/{hid}/verify", {"passed": True, "note": "验收合格"})
    assert status == 200 and out["status"] == "closed" and out["supervised"] is True
    status, out = dept.post(f"{BASE}/{hid}/supervise", {"lift": True, "note": "整改完毕摘牌"})
    assert status == 200 and out["supervised"] is False and out["supervision"] is None
    kinds = [e["kind"] for e in out["events"] if e["kind"] != "attach"]
    assert kinds == ["report", "supervise", "claim", "plan", "submit", "sign", "sign", "sign", "verify_pass", "lift"]
    assert list(verify_all()) == []


def test_a_failed_verification_voids_the_signatures(county, api_as):
    h = _major_submitted(api_as, county)
    hid = h["id"]
    for persona, party in (("unit_staff", "unit_principal"), ("county_admin", "group_leader")):
        assert api_as(persona).post(f"{BASE}/{hid}/sign", {"party": party})[0] == 200
    _, out = api_as("county_admin").post(f"{BASE}/{hid}/verify", {"passed": False, "note": "阀门仍泄漏"})
    assert out["signoffs"] == [] and len(out["missing_signoffs"]) == 3
    _, page = api_as("county_admin").get(BASE)
    assert page["items"][0]["signoffs"] == [] and len(page["items"][0]["missing_signoffs"]) == 3
