"""Units API: scoped like the UI, writes through the services, errors in Chinese."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.core import uscc
from anjian.core.models import AuditEntry
from anjian.units.models import Unit
from tests.conftest import credit_code
from tests.units.test_scope import EXPECTED

FIELDS = {
    "id",
    "name",
    "credit_code",
    "region_code",
    "sector",
    "sector_name",
    "key_supervision",
    "risk_class",
    "status",
    "status_display",
    "grid",
    "address",
    "lng",
    "lat",
    "department",
    "is_active",
}


def ids(county, keys) -> set[int]:
    return {county.units[k].pk for k in keys}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_list_shows_exactly_the_personas_units(county, api_as, persona):
    status, body = api_as(persona).get("/api/v1/units", {"page_size": 200})
    assert status == 200
    assert {item["id"] for item in body["items"]} == ids(county, EXPECTED[persona])
    assert body["count"] == len(EXPECTED[persona])


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_detail_in_scope_or_404(county, api_as, persona):
    client = api_as(persona)
    for key, unit in county.units.items():
        status, body = client.get(f"/api/v1/units/{unit.pk}")
        if key in EXPECTED[persona]:
            assert status == 200 and body["id"] == unit.pk
        else:
            # Out of scope looks exactly like "does not exist".
            assert status == 404 and body == {"detail": "未找到该单位"}, (persona, key)


def test_nonexistent_unit_is_404(county, api_as):
    assert api_as("county_admin").get("/api/v1/units/999999") == (404, {"detail": "未找到该单位"})


def test_unit_carries_the_registry_fields(county, api_as):
    status, body = api_as("county_admin").get(f"/api/v1/units/{county.units['chem_a'].pk}")
    assert status == 200
    assert FIELDS <= set(body)
    assert body["name"] == "平江县汇丰化工有限公司"
    assert body["credit_code"] == credit_code(1)
    assert body["region_code"] == "430626101000" and body["region_name"] == "安定镇"
    assert body["sector"] == "hazardous_chemicals" and body["sector_name"] == county.sectors["hazardous_chemicals"].name
    assert body["key_supervision"] is True and body["risk_class"] == "B"
    assert body["status"] == "normal" and body["status_display"] == "正常"
    assert body["grid"] == county.grid_a.pk and body["grid_name"] == "安定镇第一网格"
    assert body["is_active"] is True and body["address"] == "安定镇工业园1号"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"township": "430626101"}, {"chem_a", "build_a"}),
        ({"q": "pjxhf"}, {"chem_a"}),  # pinyin initials, as in the UI
        ({"q": "三市镇老街"}, {"fire_b"}),
        ({"key": "1"}, {"chem_a", "fire_b"}),
        ({"sector": "construction"}, {"build_a", "build_b"}),
        ({"risk_class": "C"}, {"fire_b"}),
        ({"grid": "GRID_B"}, {"build_a"}),
    ],
)
def test_list_filters_like_the_ui(county, api_as, params, expected):
    params = {k: (county.grid_b.pk if v == "GRID_B" else v) for k, v in params.items()}
    status, body = api_as("county_admin").get("/api/v1/units", params)
    assert status == 200
    assert {item["id"] for item in body["items"]} == ids(county, expected)


def test_list_is_paginated(county, api_as):
    client = api_as("county_admin")
    _, first = client.get("/api/v1/units", {"page_size": 3})
    _, second = client.get("/api/v1/units", {"page_size": 3, "page": 2})
    assert (first["count"], first["pages"], len(first["items"]), len(second["items"])) == (4, 2, 3, 1)
    assert {i["id"] for i in first["items"] + second["items"]} == ids(county, EXPECTED["county_admin"])
    status, _ = client.get("/api/v1/units", {"page_size": 100000})
    assert status == 422  # bounded page size


def new_unit(**kw):
    body = {
        "name": "平江县安定加油站",
        "credit_code": credit_code(77),
        "region_code": "430626101",
        "sector": "hazardous_chemicals",
        "grid": None,
        "key_supervision": True,
        "risk_class": "A",
        "lng": 113.583211,
        "lat": 28.701234,
    }
    body.update(kw)
    return body


def test_create(county, api_as):
    status, body = api_as("county_admin").post("/api/v1/units", new_unit(grid=county.grid_a.pk))
    assert status == 201, body
    unit = Unit.objects.get(pk=body["id"])
    assert (unit.name, unit.region_code, unit.sector.code, unit.grid) == (
        "平江县安定加油站",
        "430626101000",
        "hazardous_chemicals",
        county.grid_a,
    )
    assert body["lng"] == pytest.approx(113.583211) and body["department"] == county.yingji.pk
    entry = AuditEntry.objects.get(action="unit.create", object_id=str(unit.pk))
    assert entry.actor == county.users["county_admin"]
    assert (entry.channel, entry.source) == ("api", "10.20.30.40")


def test_create_by_department_within_its_sectors(county, api_as):
    client = api_as("department")  # 应急管理局: hazardous chemicals and fireworks
    assert client.post("/api/v1/units", new_unit())[0] == 201
    status, body = client.post("/api/v1/units", new_unit(name="某建筑公司", credit_code="", sector="construction"))
    assert status == 422 and "管辖范围" in body["errors"]["region_code"][0]


def test_create_outside_own_township_is_422(county, api_as):
    status, body = api_as("township").post("/api/v1/units", new_unit(region_code="430626102"))
    assert status == 422
    assert body["errors"]["region_code"] == ["该单位不在您的管辖范围内"]


def test_invalid_credit_code_names_the_expected_check_character(county, api_as):
    good = credit_code(78)
    wrong_last = next(c for c in uscc.ALPHABET if c != good[-1])
    status, body = api_as("county_admin").post("/api/v1/units", new_unit(credit_code=good[:17] + wrong_last))
    assert status == 422
    assert f"应为“{good[-1]}”" in body["errors"]["credit_code"][0]
    assert f"应为“{good[-1]}”" in body["detail"]
    assert not Unit.objects.filter(name="平江县安定加油站").exists()


def test_duplicates_and_bad_references_are_422(county, api_as):
    client = api_as("county_admin")
    status, body = client.post("/api/v1/units", new_unit(credit_code=credit_code(1)))
    assert status == 422 and "已被" in body["errors"]["credit_code"][0]
    status, body = client.post("/api/v1/units", new_unit(name="平江县汇丰化工有限公司", credit_code=""))
    assert status == 422 and "同名" in body["errors"]["name"][0]
    status, body = client.post("/api/v1/units", new_unit(sector="no_such_sector", grid=999999))
    assert status == 422 and set(body["errors"]) == {"sector", "grid"}
    status, body = client.post("/api/v1/units", new_unit(risk_class="E", status="sleeping", lng=200))
    assert status == 422 and {"risk_class", "status", "lng"} <= set(body["errors"])


@pytest.mark.parametrize("persona", ["leader", "auditor", "unit_staff", "grid_worker", "expert"])
def test_roles_that_may_not_write_get_403(county, api_as, persona):
    client = api_as(persona)
    status, body = client.post("/api/v1/units", new_unit())
    assert status == 403 and "无权" in body["detail"]
    assert not Unit.objects.filter(name="平江县安定加油站").exists()


def test_patch(county, api_as):
    unit = county.units["build_a"]
    status, body = api_as("township").patch(
        f"/api/v1/units/{unit.pk}", {"risk_class": "c", "status": "suspended", "grid": None}
    )
    assert status == 200, body
    assert (body["risk_class"], body["status"], body["status_display"], body["grid"]) == (
        "C",
        "suspended",
        "停产整顿",
        None,
    )
    unit.refresh_from_db()
    assert (unit.risk_class, unit.status, unit.grid, unit.name) == (
        "C",
        "suspended",
        None,
        "平江县安定建筑工程有限公司",
    )
    entry = AuditEntry.objects.get(action="unit.update", object_id=str(unit.pk))
    assert entry.changes["risk_class"] == ["", "C"] and entry.source == "10.20.30.40"


def test_patch_by_leader_is_403_and_changes_nothing(county, api_as):
    unit = county.units["chem_a"]
    before = Unit.objects.filter(pk=unit.pk).values().get()
    status, body = api_as("leader").patch(f"/api/v1/units/{unit.pk}", {"name": "改名", "risk_class": "A"})
    assert status == 403
    assert body["detail"] == "领导(只读)无权修改单位台账"
    assert Unit.objects.filter(pk=unit.pk).values().get() == before
    assert not AuditEntry.objects.filter(action="unit.update").exists()


def test_patch_out_of_scope_is_404(county, api_as):
    unit = county.units["chem_a"]
    for persona in ("township_b", "zhujian", "other_county_admin"):
        status, body = api_as(persona).patch(f"/api/v1/units/{unit.pk}", {"name": "改名"})
        assert (status, body) == (404, {"detail": "未找到该单位"}), persona
    unit.refresh_from_db()
    assert unit.name == "平江县汇丰化工有限公司"


def test_patch_invalid_is_422_and_changes_nothing(county, api_as):
    unit = county.units["chem_a"]
    status, body = api_as("county_admin").patch(f"/api/v1/units/{unit.pk}", {"name": "  ", "risk_class": "Z"})
    assert status == 422
    assert set(body["errors"]) == {"name", "risk_class"}
    unit.refresh_from_db()
    assert unit.name == "平江县汇丰化工有限公司" and unit.risk_class == "B"


def test_patch_nothing_changed_is_200_without_audit(county, api_as):
    unit = county.units["chem_a"]
    status, _ = api_as("county_admin").patch(f"/api/v1/units/{unit.pk}", {"name": unit.name})
    assert status == 200
    assert not AuditEntry.objects.filter(action="unit.update").exists()


def test_list_queries_do_not_grow_with_the_page(county, api_as):
    client = api_as("county_admin")
    client.get("/api/v1/units")  # first use of the token writes last_used_at
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/units", {"page_size": 1})
    with CaptureQueriesContext(connection) as four:
        client.get("/api/v1/units", {"page_size": 4})
    assert len(four) == len(one) <= 6
