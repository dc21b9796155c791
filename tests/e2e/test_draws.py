"""双随机抽查 in Debian's Chromium: the pool size follows the conditions (htmx), a draw is made, verified and
published after its confirmation step, under the strict CSP and without a script error."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from anjian.plans.models import Draw
from tests.conftest import County
from tests.e2e.conftest import VIEWPORTS, BrowserThread, new_page, sign_in
from tests.plans.conftest import official

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_draw_and_publish(chromium: BrowserThread, live_server: Any, e2e_county: County, device: str) -> None:
    county = e2e_county
    for i in range(1, 5):
        official(f"县执法{i}", county.office, f"4306260{i:03d}")
    username = county.users["county_admin"].username
    base = live_server.url
    # The county's active units: chem_a, build_a (安定镇) and fire_b, build_b (三市镇); other is 芙蓉区's.
    in_anding = {county.units["chem_a"].name, county.units["build_a"].name}

    def scenario(browser: Browser) -> None:
        from playwright.sync_api import expect

        errors: list[str] = []
        context, page = new_page(browser, device, errors)
        try:
            sign_in(page, base, username)
            page.goto(f"{base}/plans/draws/")
            expect(page.locator("h1")).to_contain_text("双随机抽查")
            page.get_by_role("link", name=re.compile("新建|抽取")).first.click()
            pool = page.locator("#pool")
            expect(pool).to_contain_text("4 家")
            expect(pool).to_contain_text("4 人")
            # Narrowing to 安定镇 updates the pool size without a reload (htmx).
            page.get_by_label("乡镇（街道）").select_option(label="安定镇")
            expect(pool).to_contain_text("2 家")
            page.get_by_label("名称").fill("2026年安定镇双随机抽查")
            page.get_by_label("抽取单位数").fill("2")
            page.get_by_label("每家检查人员数").fill("2")
            page.get_by_role("button", name="抽取").click()

            expect(page).to_have_url(re.compile(r"/plans/draws/\d+/$"))
            expect(page.get_by_role("status").first).to_contain_text("验证通过")
            rows = page.locator("table tbody tr")
            expect(rows).to_have_count(2)
            assert {rows.nth(n).locator("td").nth(1).inner_text().strip() for n in range(2)} == in_anding
            for n in range(2):
                assert rows.nth(n).locator("td").nth(4).inner_text().count("县执法") == 2

            page.get_by_role("link", name="公开", exact=True).click()
            expect(page.get_by_role("alert")).to_contain_text("不能撤销")
            page.get_by_role("button", name="确认公开").click()
            expect(page).to_have_url(re.compile(r"/plans/draws/\d+/$"))
            expect(page.get_by_text("未公开")).to_have_count(0)
            expect(page.get_by_role("link", name="公开", exact=True)).to_have_count(0)
            assert errors == [], errors
        finally:
            context.close()

    chromium.run(scenario)
    draw = Draw.objects.get()
    assert draw.published_at is not None
    assert len(draw.result) == 2 and draw.unit_target == 2
