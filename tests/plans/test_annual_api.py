"""年度监督检查计划 API (read-only): who may read, scope 404, the workday figures, and each unit's progress
as the pages show it (inspections counted by hand below)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anjian.plans.services import plan_add_unit, plan_approve, plan_create
from tests.plans.conftest import add_unit, inspect, plan_data

BASE = "/api/v1/annual-plans"
JUNE = dt.datetime(2026, 6, 16, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
D = dt.date


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(JUNE, tick=False):
        yield


@pytest.fixture
def plan(county):
    """平江县 2026: 1 officer × 100 days, all 重点, 2 人·日 each → 50 家次 of capacity; three units planned."""
    admin = county.users["county_admin"]
    add_unit(county, "shop", "三市镇丙超市", "commerce", risk_class="A")  # non-high-risk A: at most 1 a year
    p = plan_create(actor=admin, data=plan_data(legal_workdays=100, other_enforcement_days=4,
                                                non_enforcement_days=6, key_share=60))
    for key, times in (("chem_a", 2), ("fire_b", 1), ("shop", 1)):
        plan_add_unit(actor=admin, plan=p, unit=county.units[key], times=times)
    u = county.units
    inspect(u["chem_a"], D(2026, 3, 2))
    inspect(u["chem_a"], D(2026, 4, 1), "self")  # 企业自查 does not count
    inspect(u["shop"], D(2026, 5, 5), "supervisory")
    inspect(u["shop"], D(2026, 6, 6), "follow_up")  # a second one: over the A-class limit of 1
    plan_approve(actor=admin, plan=p)
    return p


def test_list_and_detail_with_the_workday_figures(county, api_as, plan):
    status, page = api_as("leader").get(BASE)
    assert status == 200 and page["count"] == 1
    row = page["items"][0]
    assert (row["number"], row["status"], row["unit_count"], row["planned_times"]) == (plan.number, "approved", 3, 4)

    status, body = api_as("county_admin").get(f"{BASE}/{plan.pk}")
    assert status == 200
    # 100 × 1 = 100; 100 − 4 − 6 = 90; 重点 60 % = 54, 一般 36; ÷ 2 人·日 = 27 and 18 家次.
    assert body["capacity"] == {"total_days": 100, "inspection_days": 90, "key_days": 54, "general_days": 36,
                                "key_capacity": 27, "general_capacity": 18, "scheduled_times": 4, "over": False}
    # Done: 汇丰化工 1 of 2, the shop 1 of 1 (its second counts once), 花炮 0 → 2 of 4 家次.
    assert body["totals"] == {"units": 3, "planned": 4, "done": 2, "rate": 0.5, "over_limit": 1, "not_started": 1}
    assert body["limits"]["other"]["A"] == 1


def test_items_with_progress_and_filters(county, api_as, plan):
    client = api_as("township")
    status, page = client.get(f"{BASE}/{plan.pk}/items")
    # A township reads the county's plan only if it lies in its scope; the county office's plan does not.
    assert status == 404
    client = api_as("county_admin")
    status, page = client.get(f"{BASE}/{plan.pk}/items")
    assert status == 200
    rows = {r["unit_name"]: r for r in page["items"]}
    chem, shop, fire = rows[county.units["chem_a"].name], rows["三市镇丙超市"], rows[county.units["fire_b"].name]
    assert (chem["times"], chem["actual"], chem["status"], chem["over_limit"]) == (2, 1, "进行中", False)
    assert (shop["actual"], shop["limit"], shop["status"], shop["over_limit"]) == (2, 1, "已完成", True)
    assert (fire["actual"], fire["status"]) == (0, "未开始")
    status, page = client.get(f"{BASE}/{plan.pk}/items", {"status": "超过上限"})
    assert [r["unit_name"] for r in page["items"]] == ["三市镇丙超市"]
    status, body = client.get(f"{BASE}/{plan.pk}/items", {"status": "完成了"})
    assert status == 422 and "执行状态无效" in body["detail"]


@pytest.mark.parametrize("persona", ["grid_worker", "unit_staff", "expert"])
def test_roles_that_do_not_plan_get_403(county, api_as, plan, persona):
    assert api_as(persona).get(BASE)[0] == 403
    assert api_as(persona).get(f"{BASE}/{plan.pk}")[0] == 403


def test_another_county_gets_404(county, api_as, plan):
    status, page = api_as("other_county_admin").get(BASE)
    assert status == 200 and page["count"] == 0
    assert api_as("other_county_admin").get(f"{BASE}/{plan.pk}")[0] == 404
    assert api_as("other_county_admin").get(f"{BASE}/{plan.pk}/items")[0] == 404
