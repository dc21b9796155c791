"""Outreach API: scoped lists per persona, create and PATCH by office roles, Chinese errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from anjian.campaigns.services import CampaignData, campaign_create
from anjian.outreach.models import Activity, ActivityKind
from anjian.outreach.services import ActivityData, activity_create

BASE = "/api/v1/outreach"
D = dt.date(2026, 6, 16)


def make(county: Any, number: str, persona: str = "county_admin", **kw: Any) -> Activity:
    base: dict[str, Any] = {"number": number, "kind": ActivityKind.TRAINING, "date": D}
    base.update(kw)
    return activity_create(actor=county.users[persona], data=ActivityData(**base))


@pytest.fixture
def activities(county):
    return {
        "X1": make(county, "X1", unit=county.units["chem_a"], kind=ActivityKind.DRILL, attendees=30),
        "X2": make(county, "X2", region_code=county.sanshizhen.code, kind=ActivityKind.FILM,
                   date=D - dt.timedelta(days=60)),
        "X3": make(county, "X3", unit=county.units["build_a"], materials=200),
        "X4": make(county, "X4", "other_county_admin", unit=county.units["other"]),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", {"X1", "X2", "X3"}),
        ("department", {"X1"}),
        ("zhujian", {"X3"}),
        ("township", {"X1", "X3"}),
        ("township_b", {"X2"}),
        ("auditor", {"X1", "X2", "X3"}),
        ("unit_staff", {"X1"}),
        ("grid_worker", {"X1"}),
        ("expert", set()),
        ("other_county_admin", {"X4"}),
    ],
)
def test_list_is_scoped_per_persona(county, activities, api_as, persona, expected):
    status, body = api_as(persona).get(BASE)
    assert status == 200
    assert {a["number"] for a in body["items"]} == expected


def test_filters_pagination_and_detail(county, activities, api_as):
    api = api_as("county_admin")
    assert {a["number"] for a in api.get(BASE, {"kind": "film"})[1]["items"]} == {"X2"}
    assert {a["number"] for a in api.get(BASE, {"to": "2026-05-01"})[1]["items"]} == {"X2"}
    assert {a["number"] for a in api.get(BASE, {"from": "2026-06-01"})[1]["items"]} == {"X1", "X3"}
    assert {a["number"] for a in api.get(BASE, {"unit": county.units["build_a"].pk})[1]["items"]} == {"X3"}
    body = api.get(BASE, {"page_size": 1, "page": 3})[1]
    assert (body["count"], body["pages"], len(body["items"])) == (3, 3, 1)
    status, body = api.get(f"{BASE}/{activities['X1'].pk}")
    assert status == 200 and (body["kind_display"], body["attendees"]) == ("演练", 30)
    status, body = api_as("township_b").get(f"{BASE}/{activities['X1'].pk}")
    assert status == 404 and body["detail"] == "未找到该宣教活动"


def test_create_with_campaign(county, api_as):
    campaign = campaign_create(actor=county.users["county_admin"], data=CampaignData(
        name="安全生产月", start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30), region_code="430626"))
    status, body = api_as("township").post(BASE, {
        "number": "XJ-2026-1", "kind": "publicity", "date": "2026-06-16", "region_code": "430626101",
        "name": "安全生产月咨询日", "attendees": 300, "materials": 1200, "campaign": campaign.pk})
    assert status == 201, body
    assert (body["campaign_name"], body["region_code"], body["org"]) == (
        "安全生产月", "430626101000", county.town_a.pk)
    assert {a["number"] for a in api_as("county_admin").get(BASE, {"campaign": campaign.pk})[1]["items"]} == {
        "XJ-2026-1"}


@pytest.mark.parametrize("persona", ["leader", "auditor", "unit_staff", "grid_worker", "expert"])
def test_read_only_roles_may_not_write(county, activities, api_as, persona):
    api = api_as(persona)
    status, body = api.post(BASE, {"number": "Y", "kind": "training", "date": "2026-06-16",
                                   "region_code": "430626101"})
    assert status == 403 and body["detail"].endswith("无权登记宣教活动")
    if persona != "expert":
        status, body = api.patch(f"{BASE}/{activities['X1'].pk}", {"attendees": 1})
        assert status == 403 and body["detail"].endswith("无权修改宣教活动")
    assert not Activity.objects.filter(number="Y").exists()
    assert Activity.objects.get(number="X1").attendees == 30


def test_validation_errors_in_chinese(county, activities, api_as):
    api = api_as("township")
    status, body = api.post(BASE, {"number": "X1", "kind": "party", "date": "2026-06-16",
                                   "region_code": "430626102", "attendees": -3})
    assert status == 422
    assert body["errors"]["kind"] == ["类型应为 培训、演练、宣传、竞赛、电影下乡 之一"]
    assert body["errors"]["attendees"] == ["不能为负"]
    assert body["errors"]["region_code"] == ["该区划不在您的管辖范围内"]
    status, body = api.post(BASE, {"number": "X1", "kind": "training", "date": "2026-06-16",
                                   "region_code": "430626101"})
    assert status == 422 and body["errors"]["number"] == ["编号已存在"]
    status, body = api.post(BASE, {"number": "X9", "kind": "training", "date": "2026-06-16", "campaign": 999999})
    assert status == 422 and body["errors"]["campaign"] == ["专项行动 999999 不存在"]
    status, body = api_as("department").post(BASE, {"number": "X9", "kind": "training", "date": "2026-06-16",
                                                    "region_code": "430626101"})
    assert status == 422 and body["errors"]["unit"] == ["部门监管员登记宣教活动须指明单位（按行业监管）"]


def test_patch(county, activities, api_as):
    api = api_as("township")
    status, body = api.patch(f"{BASE}/{activities['X3'].pk}", {"attendees": 45, "name": "建筑工地安全培训"})
    assert status == 200, body
    assert (body["attendees"], body["name"], body["materials"], body["unit"]) == (
        45, "建筑工地安全培训", 200, county.units["build_a"].pk)
    status, body = api.patch(f"{BASE}/{activities['X3'].pk}", {"date": None})
    assert status == 422 and body["errors"]["date"] == ["该项不能为空"]
    assert api.patch(f"{BASE}/{activities['X2'].pk}", {"attendees": 1})[0] == 404
