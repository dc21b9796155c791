"""执行情况 of an annual plan with real inspections: statuses, 超过上限 (国办发〔2024〕54号), totals and 完成率,
which inspections count, one query whatever the number of items; the units left out (150号 Art. 4) and the
draw pool's "只抽未列入年度计划的单位" (DOMAIN.md §3.5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anjian.plans.models import PlanItem
from anjian.plans.selectors import PoolFilters, plan_items, plan_totals, pool_units, unplanned_units
from anjian.plans.services import (
    DrawData,
    draw_create,
    draw_recompute,
    draw_verify,
    plan_add_unit,
    plan_approve,
    plan_create,
)
from tests.plans.conftest import add_unit, inspect, plan_data

JUNE = dt.datetime(2026, 6, 16, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
D = dt.date


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(JUNE, tick=False):
        yield


@pytest.fixture
def plan(county):
    """平江县's 2026 plan: 汇丰化工 ×2, 花炮批发部 ×1, 宏远建设 ×1, and a non-high-risk A-class shop ×1."""
    admin = county.users["county_admin"]
    add_unit(county, "shop", "三市镇丙超市", "commerce", risk_class="A")  # at most 1 inspection a year
    p = plan_create(actor=admin, data=plan_data(legal_workdays=100))
    for key, times in (("chem_a", 2), ("fire_b", 1), ("build_b", 1), ("shop", 1)):
        plan_add_unit(actor=admin, plan=p, unit=county.units[key], times=times)
    u = county.units
    inspect(u["chem_a"], D(2026, 3, 2), "enforcement")
    inspect(u["chem_a"], D(2026, 4, 1), "self")  # 企业自查: not an inspection by an office
    inspect(u["chem_a"], D(2026, 4, 2), "grid")  # 网格巡查: not an enforcement inspection
    inspect(u["chem_a"], D(2025, 12, 31), "enforcement")  # last year
    inspect(u["chem_a"], D(2027, 1, 1), "enforcement")  # next year
    inspect(u["fire_b"], D(2026, 1, 1), "routine")
    inspect(u["fire_b"], D(2026, 12, 31), "random")
    inspect(u["shop"], D(2026, 5, 5), "supervisory")
    inspect(u["shop"], D(2026, 6, 6), "follow_up")
    inspect(u["build_a"], D(2026, 6, 6), "enforcement")  # not in the plan
    return p


def by_unit(qs):
    return {i.unit_id: i for i in qs}


def test_statuses_and_over_limit(county, plan):
    items = by_unit(plan_items(plan))
    u = county.units
    chem, fire, build, shop = (items[u[k].pk] for k in ("chem_a", "fire_b", "build_b", "shop"))
    assert (chem.actual, chem.limit) == (1, 4)  # one enforcement inspection of 2026
    assert (fire.actual, fire.limit) == (2, 8)  # 1 Jan and 31 Dec both count
    assert (build.actual, build.limit) == (0, 12)
    assert (shop.actual, shop.limit) == (2, 1)
    from anjian.plans.capacity import progress_status

    assert [progress_status(i.actual, i.times) for i in (chem, fire, build, shop)] == ["进行中", "已完成", "未开始",
                                                                                      "已完成"]
    ids = lambda status: {i.unit_id for i in plan_items(plan, status=status)}  # noqa: E731
    assert ids("未开始") == {u["build_b"].pk}
    assert ids("进行中") == {u["chem_a"].pk}
    assert ids("已完成") == {u["fire_b"].pk, u["shop"].pk}
    assert ids("超过上限") == {u["shop"].pk}
    assert {i.unit_id for i in plan_items(plan, township="430626101")} == {u["chem_a"].pk}


def test_totals_and_rate(county, client, plan):
    totals = plan_totals(plan)
    # planned 2+1+1+1 = 5; done min(1,2)+min(2,1)+0+min(2,1) = 3; 3/5 = 60%.
    assert (totals.units, totals.planned, totals.done, totals.over_limit, totals.not_started) == (4, 5, 3, 1, 1)
    client.force_login(county.users["leader"])
    page = client.get(reverse("plans:annual_detail", args=[plan.pk])).content.decode()
    assert "完成率 <strong>60.00%</strong>" in page
    assert "超过年度检查次数上限 1 家" in page
    assert page.count(">超过上限</span>") == 1
    filtered = client.get(reverse("plans:annual_detail", args=[plan.pk]), {"status": "超过上限"}).content.decode()
    assert "三市镇丙超市" in filtered and "平江县汇丰化工有限公司" not in filtered


def _detail_queries(client, plan):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("plans:annual_detail", args=[plan.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_item_page_queries_do_not_grow_with_items(county, client):
    admin = county.users["county_admin"]
    client.force_login(admin)
    counts = []
    for year, n in ((2026, 3), (2027, 30)):
        plan = plan_create(actor=admin, data=plan_data(year=year, legal_workdays=1000))
        for i in range(n):
            unit = add_unit(county, f"q{year}{i}", f"三市镇测试单位{year}-{i}", "commerce",
                            risk_class="ABCD"[i % 4], key_supervision=bool(i % 2))
            PlanItem.objects.create(plan=plan, unit=unit, year=year, times=1)
            inspect(unit, D(year, 3, 1))
        counts.append(_detail_queries(client, plan))
    assert counts[0] == counts[1]


def test_no_gap_figure_and_list(county, client, plan):
    # In the county plan: chem_a, fire_b, build_b (+ the shop). 安定镇's plan takes nothing yet:
    # build_a is the county's one unit in no plan of 2026.
    u = county.units
    assert list(unplanned_units(county.users["county_admin"], plan)) == [u["build_a"]]
    client.force_login(county.users["county_admin"])
    page = client.get(reverse("plans:annual_detail", args=[plan.pk])).content.decode()
    assert "<strong>1</strong> 家</a>" in page and "双随机抽查覆盖" in page
    listing = client.get(reverse("plans:annual_unplanned", args=[plan.pk])).content.decode()
    assert u["build_a"].name in listing and u["chem_a"].name not in listing
    town = plan_create(actor=county.users["township"], data=plan_data())
    plan_add_unit(actor=county.users["township"], plan=town, unit=u["build_a"])
    assert list(unplanned_units(county.users["county_admin"], plan)) == []
    assert "没有遗漏" in client.get(reverse("plans:annual_unplanned", args=[plan.pk])).content.decode()


def test_draw_pool_without_the_planned_units(county, officials, plan):
    admin = county.users["county_admin"]
    u = county.units
    everyone = {u[k].pk for k in ("chem_a", "build_a", "fire_b", "build_b", "shop")}
    pool = lambda **f: set(pool_units(admin, PoolFilters(**f)).values_list("id", flat=True))  # noqa: E731
    # A draft binds nobody: the filter leaves every unit in.
    assert pool(not_in_annual_plan=2026) == everyone
    plan_approve(actor=admin, plan=plan)
    assert pool(not_in_annual_plan=2026) == {u["build_a"].pk}
    assert pool(not_in_annual_plan=2027) == everyone
    assert pool() == everyone
    draw = draw_create(actor=admin, data=DrawData(title="计划外单位抽查", unit_target=1, not_in_annual_plan=True))
    draw.refresh_from_db()
    assert draw.filters["not_in_annual_plan"] == 2026
    assert draw.unit_pool == [u["build_a"].pk]
    assert draw_recompute(draw) == draw.result and draw_verify(draw) == []


def test_draw_form_checkbox(county, officials, client, plan):
    plan_approve(actor=county.users["county_admin"], plan=plan)
    client.force_login(county.users["county_admin"])
    page = client.get(reverse("plans:create")).content.decode()
    assert "只抽未列入年度计划的单位" in page
    html = client.get(reverse("plans:pool"), {"not_in_annual_plan": "on"}).content.decode()
    assert "<strong>1</strong> 家" in html
    response = client.post(reverse("plans:create"), {"title": "计划外抽查", "unit_target": "1",
                                                     "inspectors_per_unit": "2", "not_in_annual_plan": "on"})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "只抽未列入2026年度已批准年度监督检查计划的单位" in detail and "验证通过" in detail
