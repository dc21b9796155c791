"""年度监督检查计划 in Debian's Chromium, desktop and phone: the capacity follows the workday inputs as they are
typed (htmx), the plan is created, filled by generation up to its capacity, and approved after its confirmation
step — under the strict CSP and without a script error."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from anjian.plans.models import AnnualPlan, AnnualPlanStatus, PlanItem
from tests.conftest import County
from tests.e2e.conftest import VIEWPORTS, BrowserThread, new_page, sign_in
from tests.plans.conftest import official

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_create_generate_approve(chromium: BrowserThread, live_server: Any, e2e_county: County, device: str) -> None:
    county = e2e_county
    for i in range(1, 3):
        official(f"县执法{i}", county.office, f"4306260{i:03d}")
    username = county.users["county_admin"].username
    base = live_server.url
    # Generation order: 花炮批发部 (C), 汇丰化工 (B), then the unclassified 安定建筑, 宏远建设 by id.
    first_three = {county.units[k].name for k in ("fire_b", "chem_a", "build_a")}

    def scenario(browser: Browser) -> None:
        from playwright.sync_api import expect

        errors: list[str] = []
        context, page = new_page(browser, device, errors)
        try:
            sign_in(page, base, username)
            page.goto(f"{base}/plans/annual/")
            expect(page.locator("h1")).to_contain_text("年度监督检查计划")
            expect(page.get_by_text("暂无年度监督检查计划")).to_be_visible()
            page.get_by_role("link", name="新建计划").click()
            key_capacity = page.locator('#capacity [data-figure="key_capacity"]')
            # 2 officials × 248 = 496; 70 % = 347; at 2 人·日 a 家次: 173.
            expect(page.get_by_label("执法人员数")).to_have_value("2")
            expect(key_capacity).to_have_text("173")
            page.get_by_label("执法人员数").fill("1")
            expect(key_capacity).to_have_text("86")  # 248 × 70 % = 173 → 86
            page.get_by_label("国家法定工作日").fill("6")
            page.get_by_label("重点检查工作日占比（%）").fill("100")
            expect(key_capacity).to_have_text("3")  # 6 人·日 / 2
            page.get_by_label("其他执法工作日（人·日）").fill("7")
            expect(page.locator("#capacity")).to_contain_text("超过总法定工作日")
            page.get_by_label("其他执法工作日（人·日）").fill("0")
            expect(key_capacity).to_have_text("3")
            page.get_by_label("名称").fill("平江县安委办年度监督检查计划")
            page.get_by_role("button", name="新建（草稿）").click()

            expect(page).to_have_url(re.compile(r"/plans/annual/\d+/$"))
            expect(page.locator("h1")).to_contain_text("草稿")
            expect(page.locator("#items")).to_contain_text("计划中还没有单位")
            page.get_by_role("button", name="生成", exact=True).click()
            expect(page.get_by_role("alert").first).to_contain_text("已列入 3 家单位（3 家次）")
            expect(page.get_by_role("alert").first).to_contain_text("1 家超出重点检查能力未列入")
            rows = page.locator("#items tbody tr")
            expect(rows).to_have_count(3)
            names = {rows.nth(n).locator("td a").first.inner_text().strip() for n in range(3)}
            assert names == first_three, names
            expect(page.locator("#no-gap")).to_contain_text("1 家")

            page.get_by_role("link", name="批准", exact=True).click()
            expect(page.get_by_role("alert")).to_contain_text("批准后计划不能再修改")
            page.get_by_role("button", name="确认批准").click()
            expect(page).to_have_url(re.compile(r"/plans/annual/\d+/$"))
            expect(page.locator("h1")).to_contain_text("已批准")
            expect(page.get_by_role("link", name="批准", exact=True)).to_have_count(0)
            expect(page.get_by_role("button", name="生成", exact=True)).to_have_count(0)
            assert errors == [], errors
        finally:
            context.close()

    chromium.run(scenario)
    plan = AnnualPlan.objects.get()
    assert plan.status == AnnualPlanStatus.APPROVED and plan.officers == 1 and plan.legal_workdays == 6
    assert PlanItem.objects.filter(plan=plan).count() == 3
