from __future__ import annotations

import datetime as dt

import pytest

from anjian.campaigns.models import Campaign
from anjian.campaigns.selectors import campaign_list, campaign_tree, campaign_tree_ids, task_list
from anjian.campaigns.services import (
    CampaignData,
    CampaignError,
    PermissionDenied,
    TaskData,
    campaign_create,
    campaign_update,
    task_complete,
    task_create,
    task_update,
)
from anjian.core.models import AuditEntry

D = dt.date


def make(county, name, region=None, parent=None, actor=None):
    return campaign_create(
        actor=actor or county.users["county_admin"],
        data=CampaignData(
            name=name,
            start=D(2026, 1, 1),
            end=D(2026, 12, 31),
            region_code=region or county.county.code,
            parent=parent,
        ),
    )


def test_create_audits_and_builds_a_tree(county):
    root = make(county, "治本攻坚三年行动")
    a = make(county, "危化品专项", parent=root)
    b = make(county, "建筑施工专项", parent=root)
    a1 = make(county, "安定镇危化品整治", region=county.andingzhen.code, parent=a)
    other = make(county, "消防专项")
    assert campaign_tree_ids(root) == {root.pk, a.pk, b.pk, a1.pk}
    assert campaign_tree_ids(a) == {a.pk, a1.pk}
    assert campaign_tree_ids(other) == {other.pk}
    tree = campaign_tree(county.users["county_admin"])
    depths = {c.name: d for c, d in tree}
    assert depths["安定镇危化品整治"] == 2 and depths["治本攻坚三年行动"] == 0
    assert AuditEntry.objects.filter(action="campaign.create", object_id=str(root.pk)).exists()


def test_no_cycles_and_parent_in_scope(county):
    root = make(county, "治本攻坚")
    child = make(county, "子行动", parent=root)
    with pytest.raises(CampaignError) as exc:
        campaign_update(
            actor=county.users["county_admin"],
            campaign=root,
            data=CampaignData(name="治本攻坚", start=D(2026, 1, 1), end=D(2026, 12, 31),
                              region_code=root.region_code, parent=child),
        )
    assert "parent" in exc.value.errors
    foreign = make(county, "芙蓉区行动", region="430102", actor=county.users["other_county_admin"])
    with pytest.raises(CampaignError) as exc:
        make(county, "借用上级", parent=foreign)
    assert "parent" in exc.value.errors


def test_region_must_be_in_scope_and_roles(county):
    with pytest.raises(CampaignError) as exc:
        make(county, "越权", region=county.sanshizhen.code, actor=county.users["township"])
    assert "region_code" in exc.value.errors
    make(county, "安定镇行动", region=county.andingzhen.code, actor=county.users["township"])
    for persona in ("grid_worker", "unit_staff", "leader", "auditor", "expert"):
        with pytest.raises(PermissionDenied):
            make(county, f"{persona}行动", actor=county.users[persona])
    with pytest.raises(CampaignError) as exc:
        campaign_create(
            actor=county.users["county_admin"],
            data=CampaignData(name="倒序", start=D(2026, 5, 1), end=D(2026, 1, 1), region_code=county.county.code),
        )
    assert "end" in exc.value.errors
    make(county, "安定镇行动", region=county.county.code)  # same name in another region is fine
    with pytest.raises(CampaignError):
        make(county, "安定镇行动", region=county.county.code)


def test_visibility(county):
    make(county, "县级行动")
    make(county, "安定镇行动", region=county.andingzhen.code)
    make(county, "三市镇行动", region=county.sanshizhen.code)
    names = lambda p: set(campaign_list(county.users[p]).values_list("name", flat=True))  # noqa: E731
    assert names("county_admin") == {"县级行动", "安定镇行动", "三市镇行动"}
    # A township takes part in the county's campaigns (ScopePaths.ancestors), not in another town's.
    assert names("township") == {"县级行动", "安定镇行动"}
    assert names("department") == {"县级行动", "安定镇行动", "三市镇行动"}
    assert names("leader") == {"县级行动", "安定镇行动", "三市镇行动"}
    assert names("other_county_admin") == set()
    assert names("unit_staff") == set()


def test_tasks_create_update_complete(county):
    admin = county.users["county_admin"]
    campaign = make(county, "治本攻坚")
    data = TaskData(campaign=campaign, number="1-1", content="排查", due=D(2026, 6, 30), responsible="应急局")
    task = task_create(actor=admin, data=data)
    assert task.region_code == campaign.region_code
    with pytest.raises(CampaignError):
        task_create(actor=admin, data=TaskData(campaign=campaign, number="1-1", content="x", due=D(2026, 6, 1),
                                               responsible="y"))
    data.content = "排查整治"
    _, changes = task_update(actor=admin, task=task, data=data)
    assert changes == {"content": ["排查", "排查整治"]}
    task_complete(actor=admin, task=task, on=D(2026, 6, 1), progress="已完成")
    task.refresh_from_db()
    assert task.completed_on == D(2026, 6, 1) and task.progress == "已完成"
    assert list(task_list(county.users["leader"])) == [task]
    assert list(task_list(county.users["township"])) == [task]  # the county campaign's task
    assert list(task_list(county.users["other_county_admin"])) == []
    with pytest.raises(PermissionDenied):
        task_complete(actor=county.users["township"], task=task, on=D(2026, 6, 1))
    assert AuditEntry.objects.filter(action__startswith="task.", object_id=str(task.pk)).count() == 3
    assert Campaign.objects.count() == 1
