"""Accidents API: scoped lists per persona, create and PATCH (incl. 调查状态) by office roles, Chinese errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from anjian.accidents.models import Accident, Category, Investigation
from anjian.accidents.services import AccidentData, accident_create

BASE = "/api/v1/accidents"
WHEN = timezone.make_aware(dt.datetime(2026, 5, 12, 14, 30))


def make(county: Any, number: str, persona: str = "county_admin", **kw: Any) -> Accident:
    base: dict[str, Any] = {"number": number, "occurred_at": WHEN, "category": Category.PRODUCTION}
    base.update(kw)
    return accident_create(actor=county.users[persona], data=AccidentData(**base))


@pytest.fixture
def accidents(county):
    return {
        "A1": make(county, "A1", unit=county.units["chem_a"], deaths=1),
        "A2": make(county, "A2", unit=county.units["build_b"], investigation=Investigation.CONCLUDED),
        "A3": make(county, "A3", category=Category.ROAD, region_code=county.sanshizhen.code,
                   occurred_at=WHEN - dt.timedelta(days=40)),
        "A4": make(county, "A4", "other_county_admin", unit=county.units["other"]),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", {"A1", "A2", "A3"}),
        ("department", {"A1"}),
        ("zhujian", {"A2"}),
        ("township", {"A1"}),
        ("township_b", {"A2", "A3"}),
        ("leader", {"A1", "A2", "A3"}),
        ("unit_staff", {"A1"}),
        ("grid_worker", {"A1"}),
        ("expert", set()),
        ("other_county_admin", {"A4"}),
    ],
)
def test_list_is_scoped_per_persona(county, accidents, api_as, persona, expected):
    status, body = api_as(persona).get(BASE)
    assert status == 200
    assert {a["number"] for a in body["items"]} == expected


def test_filters_pagination_and_detail(county, accidents, api_as):
    api = api_as("county_admin")
    assert {a["number"] for a in api.get(BASE, {"category": "road"})[1]["items"]} == {"A3"}
    assert {a["number"] for a in api.get(BASE, {"investigation": "concluded"})[1]["items"]} == {"A2"}
    assert {a["number"] for a in api.get(BASE, {"unit": county.units["chem_a"].pk})[1]["items"]} == {"A1"}
    assert {a["number"] for a in api.get(BASE, {"from": "2026-05-01"})[1]["items"]} == {"A1", "A2"}
    assert {a["number"] for a in api.get(BASE, {"to": "2026-04-30"})[1]["items"]} == {"A3"}
    body = api.get(BASE, {"page_size": 2})[1]
    assert (body["count"], body["pages"], len(body["items"])) == (3, 2, 2)
    status, body = api.get(f"{BASE}/{accidents['A1'].pk}")
    assert status == 200
    assert (body["unit_name"], body["category_display"], body["investigation_display"]) == (
        "平江县汇丰化工有限公司", "生产经营性", "调查中")
    status, body = api_as("township").get(f"{BASE}/{accidents['A2'].pk}")
    assert status == 404 and body["detail"] == "未找到该事故"


def test_create(county, api_as):
    status, body = api_as("township").post(BASE, {
        "number": "SG-2026-01", "occurred_at": "2026-05-20T09:00:00+08:00", "category": "fire",
        "unit": county.units["chem_a"].pk, "injuries": 2, "direct_loss": "35000.50"})
    assert status == 201, body
    assert (body["region_code"], body["injuries"], body["direct_loss"]) == ("430626101000", 2, "35000.50")
    assert body["investigation"] == "pending"
    status, body = api_as("county_admin").post(BASE, {
        "number": "SG-2026-02", "occurred_at": "2026-05-21T09:00:00+08:00", "category": "road",
        "region_code": "430626102"})
    assert status == 201 and body["road"] is True and body["unit"] is None


@pytest.mark.parametrize("persona", ["leader", "auditor", "unit_staff", "grid_worker", "expert"])
def test_read_only_roles_may_not_write(county, accidents, api_as, persona):
    api = api_as(persona)
    status, body = api.post(BASE, {"number": "X", "occurred_at": "2026-05-20T09:00:00+08:00",
                                   "category": "fire", "region_code": "430626101"})
    assert status == 403 and body["detail"].endswith("无权登记事故")
    if persona in ("leader", "auditor", "unit_staff", "grid_worker"):  # they see A1: refused, not hidden
        status, body = api.patch(f"{BASE}/{accidents['A1'].pk}", {"investigation": "concluded"})
        assert status == 403 and body["detail"].endswith("无权修改事故")
    assert not Accident.objects.filter(number="X").exists()
    assert Accident.objects.get(number="A1").investigation == Investigation.PENDING


def test_validation_errors_in_chinese(county, accidents, api_as):
    api = api_as("township")
    status, body = api.post(BASE, {"number": "A1", "occurred_at": "2026-05-20T09:00:00+08:00",
                                   "category": "flood", "region_code": "430626102", "deaths": -1})
    assert status == 422
    assert body["errors"]["category"] == ["事故类别应为 生产经营性、道路交通、火灾、其他 之一"]
    assert body["errors"]["deaths"] == ["人数不能为负"]
    assert body["errors"]["region_code"] == ["该区划不在您的管辖范围内"]
    status, body = api.post(BASE, {"number": "A9", "occurred_at": "2026-05-20T09:00:00+08:00",
                                   "category": "fire", "unit": county.units["build_b"].pk})
    assert status == 422 and body["errors"]["unit"] == ["该单位不在您的管辖范围内"]
    status, body = api.post(BASE, {"number": "A1", "occurred_at": "2026-05-20T09:00:00+08:00",
                                   "category": "fire", "region_code": "430626101"})
    assert status == 422 and body["errors"]["number"] == ["事故编号已存在"]
    status, body = api.post(BASE, {"number": "A10", "occurred_at": "2026-05-20T09:00:00+08:00",
                                   "category": "fire", "unit": 999999})
    assert status == 422 and body["errors"]["unit"] == ["单位 999999 不存在"]


def test_patch_investigation_and_fields(county, accidents, api_as):
    api = api_as("township")
    status, body = api.patch(f"{BASE}/{accidents['A1'].pk}", {"investigation": "concluded", "deaths": 2})
    assert status == 200, body
    assert (body["investigation"], body["investigation_display"], body["deaths"]) == ("concluded", "已结案", 2)
    assert body["unit"] == county.units["chem_a"].pk and body["number"] == "A1"
    status, body = api.patch(f"{BASE}/{accidents['A1'].pk}", {"investigation": "closed"})
    assert status == 422 and body["errors"]["investigation"] == ["调查状态无效"]
    assert api.patch(f"{BASE}/{accidents['A2'].pk}", {"deaths": 3})[0] == 404
    # The department edits what its sectors cover.
    status, body = api_as("department").patch(f"{BASE}/{accidents['A1'].pk}", {"investigation": "none"})
    assert status == 200 and body["investigation_display"] == "无需调查"
    # Moving the accident to a unit outside the writer's scope is refused.
    status, body = api.patch(f"{BASE}/{accidents['A1'].pk}", {"unit": county.units["fire_b"].pk})
    assert status == 422 and body["errors"]["unit"] == ["该单位不在您的管辖范围内"]
    assert Accident.objects.get(number="A1").unit == county.units["chem_a"]
