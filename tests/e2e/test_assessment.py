"""月度考核 in Debian's Chromium: a county admin sets up a scheme, computes a month, sees the ranking and
publishes it after the confirmation step, under the strict CSP and without a script error."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from anjian.campaigns.models import Assessment
from tests.conftest import County
from tests.e2e.conftest import VIEWPORTS, BrowserThread, new_page, sign_in
from tests.stats import factories as f

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_scheme_compute_rank_publish(chromium: BrowserThread, live_server: Any, e2e_county: County,
                                     device: str) -> None:
    county = e2e_county
    campaign = f.campaign("2025年安全生产治本攻坚", "2025-01-01", "2025-12-31")
    u = county.units
    # March 2025: 安定镇 inspected twice for the campaign, 三市镇 once (and once outside it).
    f.inspection(u["chem_a"], "2025-03-05", campaign=campaign)
    f.inspection(u["build_a"], "2025-03-06", campaign=campaign)
    f.inspection(u["fire_b"], "2025-03-10", campaign=campaign)
    f.inspection(u["build_b"], "2025-03-11")
    username = county.users["county_admin"].username
    base = live_server.url

    def scenario(browser: Browser) -> None:
        from playwright.sync_api import expect

        errors: list[str] = []
        context, page = new_page(browser, device, errors)
        try:
            sign_in(page, base, username)
            page.goto(f"{base}/campaigns/{campaign.pk}/")
            page.get_by_role("link", name="考核", exact=True).click()
            expect(page.locator("h1")).to_contain_text("指标任务与月度考核")
            page.get_by_role("link", name="新建考核细则").click()
            page.get_by_label("考核对象").select_option("township")
            page.get_by_role("button", name="保存").click()
            expect(page.locator("h1")).to_contain_text("乡镇（街道）考核细则")

            add = page.get_by_role("form", name="添加考核指标")
            add.locator("#id_indicator").select_option("inspections")  # "指标" is also in "月度指标"
            add.get_by_label("要求").select_option("at_least")
            add.get_by_label("月度指标").fill("2")
            add.get_by_label("分值").fill("10")
            add.get_by_role("button", name="添加指标").click()
            expect(page.get_by_role("cell", name=re.compile("检查单位次数"))).to_be_visible()

            compute = page.get_by_role("form", name="计算月度考核")
            compute.get_by_label("考核月份").fill("2025-03")
            compute.get_by_role("button", name="计算").click()
            expect(page).to_have_url(re.compile(r"/campaigns/assessments/\d+/$"))
            expect(page.get_by_role("status").first).to_contain_text("数据截至 2025-03-31")
            rows = page.locator("#ranking tbody tr")
            expect(rows).to_have_count(2)
            # 安定镇 met the quota (2 of 2: 10 points); 三市镇 did half (1 of 2: 5 points).
            expect(rows.nth(0)).to_contain_text("安定镇")
            expect(rows.nth(0).locator("td").last).to_have_text("10.00")
            expect(rows.nth(1)).to_contain_text("三市镇")
            expect(rows.nth(1).locator("td").last).to_have_text("5.00")

            page.get_by_role("link", name="通报", exact=True).click()
            expect(page.get_by_role("alert")).to_contain_text("不能撤销")
            page.get_by_role("button", name="确认通报").click()
            expect(page).to_have_url(re.compile(r"/campaigns/assessments/\d+/$"))
            expect(page.locator("h1")).to_contain_text("已通报")
            expect(page.get_by_role("link", name="通报", exact=True)).to_have_count(0)
            expect(page.get_by_role("button", name="录入加减分")).to_have_count(0)
            assert errors == [], errors
        finally:
            context.close()

    chromium.run(scenario)
    assessment = Assessment.objects.get()
    assert assessment.status == "published" and assessment.published_at is not None
    assert sorted(assessment.rows.values_list("group_name", "item_total")) == [("三市镇", 5), ("安定镇", 10)]
