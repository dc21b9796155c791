"""Campaigns API: scoped lists and details, writes by office roles in their own region, Chinese errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from anjian.campaigns.models import Campaign, Task
from anjian.campaigns.services import CampaignData, TaskData, campaign_create, task_create
from tests.api.conftest import ApiClient

BASE = "/api/v1/campaigns"


def make_campaign(county: Any, persona: str = "county_admin", name: str = "县级行动", region: str = "430626",
                  **kw: Any) -> Campaign:
    return campaign_create(actor=county.users[persona], data=CampaignData(
        name=name, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), region_code=region, **kw))


def make_task(county: Any, campaign: Campaign, number: str = "1", persona: str = "county_admin") -> Task:
    return task_create(actor=county.users[persona], data=TaskData(
        campaign=campaign, number=number, content="开展排查", due=dt.date(2026, 6, 30), responsible="应急局"))


@pytest.fixture
def campaigns(county):
    root = make_campaign(county)
    town = make_campaign(county, "township", "安定镇行动", "430626101", parent=root)
    other_town = make_campaign(county, "township_b", "三市镇行动", "430626102")
    other = make_campaign(county, "other_county_admin", "芙蓉区行动", "430102")
    return {"root": root, "town": town, "other_town": other_town, "other": other}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", {"县级行动", "安定镇行动", "三市镇行动"}),
        ("department", {"县级行动", "安定镇行动", "三市镇行动"}),
        ("township", {"县级行动", "安定镇行动"}),
        ("township_b", {"县级行动", "三市镇行动"}),
        ("leader", {"县级行动", "安定镇行动", "三市镇行动"}),
        ("other_county_admin", {"芙蓉区行动"}),
        ("unit_staff", set()),
        ("grid_worker", set()),
    ],
)
def test_list_is_scoped_per_persona(county, campaigns, api_as, persona, expected):
    status, body = api_as(persona).get(BASE)
    assert status == 200
    assert {c["name"] for c in body["items"]} == expected
    assert body["count"] == len(expected)


def test_list_filters_and_pagination(county, campaigns, api_as):
    api = api_as("county_admin")
    status, body = api.get(BASE, {"q": "安定"})
    assert [c["name"] for c in body["items"]] == ["安定镇行动"]
    status, body = api.get(BASE, {"parent": campaigns["root"].pk})
    assert [c["name"] for c in body["items"]] == ["安定镇行动"]
    status, body = api.get(BASE, {"page_size": 2, "page": 2})
    assert (body["count"], body["pages"], len(body["items"])) == (3, 2, 1)
    status, body = api.get(BASE, {"page_size": 0})
    assert status == 422


def test_detail_and_404_out_of_scope(county, campaigns, api_as):
    make_task(county, campaigns["root"])
    status, body = api_as("township").get(f"{BASE}/{campaigns['root'].pk}")
    assert status == 200
    assert (body["name"], body["tasks_total"], body["tasks_done"]) == ("县级行动", 1, 0)
    status, body = api_as("township").get(f"{BASE}/{campaigns['other_town'].pk}")
    assert status == 404 and body["detail"] == "未找到该专项行动"
    assert api_as("other_county_admin").get(f"{BASE}/{campaigns['root'].pk}")[0] == 404


def test_create(county, campaigns, api_as):
    status, body = api_as("township").post(BASE, {
        "name": "安定镇燃气专项", "start": "2026-03-01", "end": "2026-06-30", "region_code": "430626101",
        "parent": campaigns["root"].pk, "lead_department": county.yingji.pk})
    assert status == 201, body
    assert body["parent_name"] == "县级行动" and body["region_code"] == "430626101000"
    assert body["lead_department_name"] == "应急管理局"
    assert Campaign.objects.filter(name="安定镇燃气专项").exists()


@pytest.mark.parametrize("persona", ["leader", "auditor", "unit_staff", "grid_worker", "expert"])
def test_read_only_roles_may_not_write(county, campaigns, api_as, persona):
    api = api_as(persona)
    status, body = api.post(BASE, {"name": "x", "start": "2026-01-01", "end": "2026-02-01", "region_code": "430626"})
    assert status == 403 and "无权登记专项行动" in body["detail"]
    if persona in ("leader", "auditor"):  # they can see it: refused, not hidden
        status, body = api.patch(f"{BASE}/{campaigns['root'].pk}", {"name": "改名"})
        assert status == 403 and "无权修改专项行动" in body["detail"]
    assert Campaign.objects.filter(name__in=["x", "改名"]).count() == 0


def test_validation_errors_in_chinese(county, campaigns, api_as):
    api = api_as("township")
    status, body = api.post(BASE, {"name": "倒序", "start": "2026-05-01", "end": "2026-01-01",
                                   "region_code": "430626102"})
    assert status == 422
    assert body["errors"]["region_code"] == ["该区划不在您的管辖范围内"]
    assert body["errors"]["end"] == ["结束日期不能早于开始日期"]
    status, body = api.post(BASE, {"name": "x", "start": "2026-01-01", "end": "2026-02-01",
                                   "region_code": "430626101", "parent": campaigns["other_town"].pk})
    assert status == 422 and body["errors"]["parent"] == [f"上级行动 {campaigns['other_town'].pk} 不存在"]
    status, body = api.post(BASE, {"name": "安定镇行动", "start": "2026-01-01", "end": "2026-02-01",
                                   "region_code": "430626101"})
    assert status == 422 and body["errors"]["name"] == ["同一区划已有同名专项行动"]


def test_patch_only_in_own_region(county, campaigns, api_as):
    api = api_as("township")
    status, body = api.patch(f"{BASE}/{campaigns['town'].pk}", {"end": "2026-10-31", "description": "加强"})
    assert status == 200, body
    assert (body["end"], body["description"], body["name"]) == ("2026-10-31", "加强", "安定镇行动")
    # The county's campaign is visible to the township but not its to change.
    status, body = api.patch(f"{BASE}/{campaigns['root'].pk}", {"name": "改名"})
    assert status == 403 and body["detail"] == "该专项行动不在您的管辖范围内"
    assert api.patch(f"{BASE}/{campaigns['other_town'].pk}", {"name": "改名"})[0] == 404
    # A cycle is refused.
    status, body = api_as("county_admin").patch(f"{BASE}/{campaigns['root'].pk}", {"parent": campaigns["town"].pk})
    assert status == 422 and "循环" in body["detail"]
    status, body = api.patch(f"{BASE}/{campaigns['town'].pk}", {"name": None})
    assert status == 422 and body["errors"]["name"] == ["该项不能为空"]


def test_tasks_list_create_and_complete(county, campaigns, api_as):
    api = api_as("township")
    status, body = api.post(f"{BASE}/{campaigns['town'].pk}/tasks", {
        "number": "1", "content": "燃气排查", "due": "2026-05-31", "responsible": "安定镇"})
    assert status == 201, body
    task_id = body["id"]
    status, body = api.post(f"{BASE}/{campaigns['town'].pk}/tasks", {
        "number": "1", "content": "重复", "due": "2026-05-31", "responsible": "安定镇"})
    assert status == 422 and body["errors"]["number"] == ["该专项行动已有此任务编号"]
    status, body = api.get(f"{BASE}/{campaigns['town'].pk}/tasks")
    assert status == 200 and [t["number"] for t in body] == ["1"]

    status, body = api.post(f"{BASE}/tasks/{task_id}/complete", {"completed_on": "2026-05-20", "progress": "已完成"})
    assert status == 200 and (body["completed_on"], body["progress"]) == ("2026-05-20", "已完成")
    status, body = api.post(f"{BASE}/tasks/{task_id}/complete", {"progress": "无日期"})
    assert status == 422
    status, body = api.patch(f"{BASE}/tasks/{task_id}", {"responsible": "安定镇应急办"})
    assert status == 200 and body["responsible"] == "安定镇应急办"


def test_task_writes_refused_outside_own_region(county, campaigns, api_as):
    task = make_task(county, campaigns["root"])
    api = api_as("township")
    assert api.get(f"{BASE}/{campaigns['root'].pk}/tasks")[1][0]["id"] == task.pk  # visible
    status, body = api.post(f"{BASE}/{campaigns['root'].pk}/tasks", {
        "number": "2", "content": "x", "due": "2026-05-31", "responsible": "y"})
    assert status == 403 and body["detail"] == "该专项行动不在您的管辖范围内"
    status, body = api.post(f"{BASE}/tasks/{task.pk}/complete", {"completed_on": "2026-05-20"})
    assert status == 403 and body["detail"] == "该任务不在您的管辖范围内"
    status, body = api_as("leader").post(f"{BASE}/tasks/{task.pk}/complete", {"completed_on": "2026-05-20"})
    assert status == 403 and "无权" in body["detail"]
    assert api_as("township_b").post(f"{BASE}/tasks/{make_task(county, campaigns['town'], '9', 'township').pk}"
                                     "/complete", {"completed_on": "2026-05-20"})[0] == 404
    task.refresh_from_db()
    assert task.completed_on is None


def test_anonymous_is_refused(db):
    status, body = ApiClient(Client()).get(BASE)
    assert status == 401 and body["detail"]
