"""Campaign and task edit pages and 标记完成: office roles in the record's own region; others get 403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anjian.campaigns.models import Campaign, Task
from anjian.campaigns.services import CampaignData, TaskData, campaign_create, task_create


@pytest.fixture
def plan(county):
    root = campaign_create(actor=county.users["county_admin"], data=CampaignData(
        name="县级行动", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), region_code="430626"))
    town = campaign_create(actor=county.users["township"], data=CampaignData(
        name="安定镇行动", start=dt.date(2026, 2, 1), end=dt.date(2026, 11, 30), region_code="430626101",
        parent=root))
    root_task = task_create(actor=county.users["county_admin"], data=TaskData(
        campaign=root, number="1", content="全面排查", due=dt.date(2026, 6, 30), responsible="应急局"))
    town_task = task_create(actor=county.users["township"], data=TaskData(
        campaign=town, number="1", content="燃气排查", due=dt.date(2026, 5, 31), responsible="安定镇"))
    return {"root": root, "town": town, "root_task": root_task, "town_task": town_task}


def form(campaign: Campaign, **kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": campaign.name, "parent": campaign.parent_id or "", "start": campaign.start.isoformat(),
        "end": campaign.end.isoformat(), "region_code": campaign.region_code, "description": campaign.description,
        "lead_department": campaign.lead_department_id or ""}
    data.update(kw)
    return data


def test_campaign_edit(county, client, plan):
    client.force_login(county.users["township"])
    url = reverse("campaigns:edit", args=[plan["town"].pk])
    page = client.get(url)
    assert page.status_code == 200 and "修改专项行动：安定镇行动" in page.content.decode()
    response = client.post(url, form(plan["town"], name="安定镇燃气行动", description="重点：瓶装液化气"))
    assert response.status_code == 302
    plan["town"].refresh_from_db()
    assert (plan["town"].name, plan["town"].description) == ("安定镇燃气行动", "重点：瓶装液化气")
    detail = client.get(reverse("campaigns:detail", args=[plan["town"].pk])).content.decode()
    assert url in detail and reverse("campaigns:task_complete", args=[plan["town_task"].pk]) in detail
    bad = client.post(url, form(plan["town"], end="2026-01-01"))
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()


def test_campaign_edit_refusals(county, client, plan):
    client.force_login(county.users["township"])
    # The county's campaign: visible, not the township's to change, and no edit links shown.
    detail = client.get(reverse("campaigns:detail", args=[plan["root"].pk])).content.decode()
    assert reverse("campaigns:edit", args=[plan["root"].pk]) not in detail
    response = client.get(reverse("campaigns:edit", args=[plan["root"].pk]))
    assert response.status_code == 403 and "不在您的管辖范围内" in response.content.decode()
    response = client.post(reverse("campaigns:edit", args=[plan["root"].pk]), form(plan["root"], name="改名"))
    assert response.status_code == 403
    client.force_login(county.users["leader"])
    response = client.get(reverse("campaigns:edit", args=[plan["town"].pk]))
    assert response.status_code == 403 and "无权修改专项行动" in response.content.decode()
    client.force_login(county.users["township_b"])
    assert client.get(reverse("campaigns:edit", args=[plan["town"].pk])).status_code == 404
    assert Campaign.objects.filter(name="改名").count() == 0


def test_task_edit_and_complete(county, client, plan):
    task = plan["town_task"]
    client.force_login(county.users["township"])
    url = reverse("campaigns:task_edit", args=[task.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"number": "1", "content": "燃气与用电排查", "due": "2026-06-15",
                                 "responsible": "安定镇应急办"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.content, task.due, task.responsible) == ("燃气与用电排查", dt.date(2026, 6, 15), "安定镇应急办")

    url = reverse("campaigns:task_complete", args=[task.pk])
    page = client.get(url).content.decode()
    assert "标记完成" in page and "完成日期" in page
    bad = client.post(url, {"progress": "没填日期"})
    assert bad.status_code == 200 and "这个字段是必填项" in bad.content.decode()
    response = client.post(url, {"completed_on": "2026-06-10", "progress": "排查商户86家"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.completed_on, task.progress) == (dt.date(2026, 6, 10), "排查商户86家")


@pytest.mark.parametrize("persona", ["leader", "auditor"])
def test_task_refusals_for_read_only_roles(county, client, plan, persona):
    client.force_login(county.users[persona])
    for name in ("campaigns:task_edit", "campaigns:task_complete"):
        response = client.post(reverse(name, args=[plan["town_task"].pk]), {"completed_on": "2026-06-10"})
        assert response.status_code == 403 and "无权修改重点任务" in response.content.decode()
    assert Task.objects.get(pk=plan["town_task"].pk).completed_on is None


def test_task_of_a_higher_region_is_read_only(county, client, plan):
    client.force_login(county.users["township"])
    response = client.post(reverse("campaigns:task_complete", args=[plan["root_task"].pk]),
                           {"completed_on": "2026-06-10"})
    assert response.status_code == 403 and "不在您的管辖范围内" in response.content.decode()
    client.force_login(county.users["township_b"])
    assert client.get(reverse("campaigns:task_edit", args=[plan["town_task"].pk])).status_code == 404
    assert Task.objects.get(pk=plan["root_task"].pk).completed_on is None
