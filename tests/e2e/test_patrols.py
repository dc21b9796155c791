"""网格巡查 on a phone in Debian's Chromium: the grid worker records a visit from the home page (the grid's
only unit already chosen) and finds it in the list; no console or script error on the way."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from anjian.patrols.models import Outcome, Patrol
from tests.conftest import County
from tests.e2e.conftest import BrowserThread, new_page, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = "大门紧锁，电话联系负责人未接"


def test_grid_worker_records_a_visit_on_a_phone(chromium: BrowserThread, live_server: Any, e2e_county: County) -> None:
    county = e2e_county
    worker = county.users["grid_worker"].username
    unit_name = county.units["chem_a"].name
    base = live_server.url

    def scenario(browser: Browser) -> None:
        from playwright.sync_api import expect

        errors: list[str] = []
        context, page = new_page(browser, "phone", errors)
        try:
            sign_in(page, base, worker)
            page.get_by_role("link", name="巡查打卡", exact=True).click()
            expect(page).to_have_url(re.compile(r"/patrols/new/$"))
            expect(page.get_by_role("radio", name=re.compile(unit_name))).to_be_checked()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scroll"
            page.locator("label", has_text="未见负责人").click()
            expect(page.get_by_role("radio", name="未见负责人")).to_be_checked()
            page.get_by_label("情况说明").fill(NOTE)
            page.get_by_role("button", name="登记巡查", exact=True).click()

            expect(page).to_have_url(re.compile(r"/patrols/\d+/$"))
            expect(page.get_by_role("alert")).to_contain_text("已登记巡查")
            expect(page.get_by_role("link", name="发现隐患？上报隐患")).to_be_visible()
            page.get_by_role("link", name="巡查记录", exact=True).click()

            expect(page).to_have_url(re.compile(r"/patrols/$"))
            row = page.locator("table tbody tr").first
            expect(row).to_contain_text(unit_name)
            expect(row).to_contain_text("未见负责人")
            expect(page.get_by_text("共 1 次巡查")).to_be_visible()
            assert errors == [], errors
        finally:
            context.close()

    chromium.run(scenario)
    patrol = Patrol.objects.get()
    assert (patrol.unit, patrol.outcome, patrol.note) == (county.units["chem_a"], Outcome.NO_PRINCIPAL, NOTE)
    assert patrol.by == county.users["grid_worker"] and patrol.grid == county.grid_a
