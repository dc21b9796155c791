"""Pages and API per persona: scope, roles, the 转为隐患 button, follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from anjian.hazards.models import Hazard
from anjian.inspections import services
from anjian.inspections.models import Checklist, Inspection, PersonKind
from anjian.inspections.services import InspectionData, PersonData

BASE = "/api/v1/inspections"
DAY = dt.date(2026, 3, 1)


def login(county, persona: str) -> Client:
    client = Client()
    client.force_login(county.users[persona])
    return client


@pytest.fixture
def inspection(county) -> Inspection:
    return services.inspection_create(
        actor=county.users["township"],
        data=InspectionData(
            unit=county.units["chem_a"],
            kind="special",
            date=DAY,
            checklist=Checklist.objects.get(name="危险化学品生产经营单位检查表"),
        ),
    )


@pytest.mark.parametrize(
    ("persona", "visible"),
    [("county_admin", True), ("department", True), ("township", True), ("township_b", False), ("zhujian", False)],
)
def test_list_and_detail_scoped(county, inspection, persona, visible):
    client = login(county, persona)
    page = client.get("/inspections/")
    assert page.status_code == 200
    assert (inspection.number in page.content.decode()) is visible
    assert client.get(f"/inspections/{inspection.pk}/").status_code == (200 if visible else 404)


def test_create_form(county):
    client = login(county, "township")
    assert client.get("/inspections/new/").status_code == 200
    response = client.post(
        "/inspections/new/", {"unit": county.units["chem_a"].pk, "kind": "routine", "date": "2026-03-02"}
    )
    assert response.status_code == 302
    item = Inspection.objects.get()
    assert item.kind == "routine" and item.created_by == county.users["township"]
    # Out-of-scope unit: not even offered.
    response = client.post(
        "/inspections/new/", {"unit": county.units["fire_b"].pk, "kind": "routine", "date": "2026-03-02"}
    )
    assert response.status_code == 200 and Inspection.objects.count() == 1


def test_readers_cannot_create(county):
    assert login(county, "leader").get("/inspections/new/").status_code == 403
    assert login(county, "leader").get("/inspections/people/").status_code == 200


def test_fail_then_convert_on_the_page(county, inspection):
    client = login(county, "township")
    item = inspection.checklist.items.filter(major=False).first()
    client.post(f"/inspections/{inspection.pk}/items/{item.pk}/", {"result": "fail"})
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "转为隐患" in page
    client.post(f"/inspections/{inspection.pk}/items/{item.pk}/hazard/", {"note": "仓库无登记"})
    hazard = Hazard.objects.get()
    assert hazard.inspection == inspection
    assert hazard.number in client.get(f"/inspections/{inspection.pk}/").content.decode()
    # Another township cannot touch it (404: out of scope).
    other = login(county, "township_b")
    assert other.post(f"/inspections/{inspection.pk}/items/{item.pk}/hazard/").status_code == 404


def test_follow_up_form_and_sign(county, inspection):
    client = login(county, "township")
    response = client.post(
        f"/inspections/new/?follows={inspection.pk}",
        {"unit": county.units["chem_a"].pk, "kind": "follow_up", "date": "2026-03-10"},
    )
    assert response.status_code == 302
    follow = Inspection.objects.exclude(pk=inspection.pk).get()
    assert follow.follows == inspection
    assert follow.number in client.get(f"/inspections/{inspection.pk}/").content.decode()
    client.post(f"/inspections/{inspection.pk}/sign/", {"signatory": "李经理"})
    inspection.refresh_from_db()
    assert inspection.unit_signatory == "李经理"


def test_people_and_groups_pages(county):
    client = login(county, "county_admin")
    response = client.post("/inspections/people/new/", {"kind": "official", "name": "张三"})
    assert response.status_code == 200 and "执法证号" in response.content.decode()
    assert (
        client.post("/inspections/people/new/", {"kind": "official", "name": "张三", "cert_no": "43001"}).status_code
        == 302
    )
    assert (
        client.post(
            "/inspections/people/new/", {"kind": "expert", "name": "王五", "expert_level": "city", "available": "on"}
        ).status_code
        == 302
    )
    assert "张三" in client.get("/inspections/people/").content.decode()
    leader = county.users["county_admin"]
    del leader
    person = services.person_create(
        actor=county.users["county_admin"], data=PersonData(kind=PersonKind.OFFICIAL, name="李四")
    )
    assert client.post("/inspections/groups/new/", {"name": "第一组", "leader": person.pk}).status_code == 302
    assert "第一组" in client.get("/inspections/groups/").content.decode()


# --- API ----------------------------------------------------------------------------------------


def test_api_list_detail_scope(county, inspection, api_as):
    status, body = api_as("township").get(BASE)
    assert status == 200 and body["count"] == 1 and body["items"][0]["number"] == inspection.number
    status, body = api_as("township_b").get(BASE)
    assert body["count"] == 0
    assert api_as("township_b").get(f"{BASE}/{inspection.pk}")[0] == 404
    assert api_as("department").get(f"{BASE}/{inspection.pk}")[0] == 200
    status, body = api_as("county_admin").get(BASE, {"kind": "routine"})
    assert body["count"] == 0


def test_api_create_and_item_hazard(county, api_as):
    api = api_as("county_admin")
    checklist = Checklist.objects.get(name="危险化学品生产经营单位检查表")
    status, body = api.post(
        BASE, {"unit": county.units["chem_a"].pk, "kind": "special", "date": "2026-03-01", "checklist": checklist.pk}
    )
    assert status == 201, body
    major = checklist.items.filter(major=True).first()
    status, out = api.post(f"{BASE}/{body['id']}/items/{major.pk}/hazard", {"note": "未考核"})
    assert status == 201 and out["level"] == "general" and out["notices"]
    assert Hazard.objects.get(pk=out["hazard"]).inspection_id == body["id"]
    # Not a creator / out of scope.
    assert (
        api_as("leader").post(BASE, {"unit": county.units["chem_a"].pk, "kind": "special", "date": "2026-03-01"})[0]
        == 403
    )
    status, body = api_as("township_b").post(
        BASE, {"unit": county.units["chem_a"].pk, "kind": "special", "date": "2026-03-01"}
    )
    assert status == 422 and "unit" in body["errors"]
