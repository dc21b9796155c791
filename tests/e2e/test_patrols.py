"""网格巡查 on a phone in Debian's Chromium: the grid worker records a visit from the home page (the grid's
only unit already chosen) and finds it in the list; 获取当前位置 fills the form's location from the phone's
position (or says in Chinese why it cannot); no console or script error on the way."""

from __future__ import annotations

import re
from decimal import Decimal
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


# Somewhere in 安定镇 (the phone's position the browser reports), and how sure the phone is of it.
HERE = {"latitude": 28.7012345, "longitude": 113.5834567, "accuracy": 12}


def test_the_location_button_fills_the_form_and_the_patrol_keeps_it(
    chromium: BrowserThread, live_server: Any, e2e_county: County
) -> None:
    county = e2e_county
    worker = county.users["grid_worker"].username
    base = live_server.url

    def scenario(browser: Browser) -> None:
        from playwright.sync_api import expect

        errors: list[str] = []
        context, page = new_page(browser, "phone", errors)
        try:
            # What a phone does when the worker allows the site to know where it is.
            context.grant_permissions(["geolocation"], origin=base)
            context.set_geolocation(HERE)
            sign_in(page, base, worker)
            page.goto(f"{base}/patrols/new/")
            button = page.get_by_role("button", name="获取当前位置", exact=True)
            expect(button).to_be_visible()
            expect(page.locator("input[name=lat]")).to_have_value("")
            button.click()
            status = page.get_by_role("status")
            expect(status).to_contain_text("已获取位置：纬度 28.701235，经度 113.583457（精度约 12 米）")
            expect(page.locator("input[name=lat]")).to_have_value("28.701235")
            expect(page.locator("input[name=lng]")).to_have_value("113.583457")
            expect(page.get_by_role("button", name="重新获取位置", exact=True)).to_be_visible()
            page.get_by_role("button", name="登记巡查", exact=True).click()

            expect(page).to_have_url(re.compile(r"/patrols/\d+/$"))
            expect(page.locator("[data-location]")).to_have_text("纬度 28.701235，经度 113.583457")
            assert errors == [], errors
        finally:
            context.close()

    chromium.run(scenario)
    patrol = Patrol.objects.get()
    assert (patrol.lat, patrol.lng) == (Decimal("28.701235"), Decimal("113.583457"))
    assert patrol.by == county.users["grid_worker"]


def test_a_refused_location_says_so_in_chinese_and_the_visit_is_recorded_without_one(
    chromium: BrowserThread, live_server: Any, e2e_county: County
) -> None:
    county = e2e_county
    base = live_server.url

    def scenario(browser: Browser) -> None:
        from playwright.sync_api import expect

        errors: list[str] = []
        context, page = new_page(browser, "phone", errors)
        try:
            context.clear_permissions()  # the worker said no (or never allowed the site)
            sign_in(page, base, county.users["grid_worker"].username)
            page.goto(f"{base}/patrols/new/")
            page.get_by_role("button", name="获取当前位置", exact=True).click()
            expect(page.get_by_role("status")).to_contain_text("未获得位置权限")
            expect(page.locator("input[name=lat]")).to_have_value("")
            page.get_by_role("button", name="登记巡查", exact=True).click()
            expect(page).to_have_url(re.compile(r"/patrols/\d+/$"))
            expect(page.locator("[data-location]")).to_have_text("未记录")
            assert errors == [], errors
        finally:
            context.close()

    chromium.run(scenario)
    patrol = Patrol.objects.get()
    assert (patrol.lat, patrol.lng) == (None, None)
