"""举报受理 in Debian's Chromium: a county officer receives a real-name tip-off, checks it, closes it as 属实
after the confirmation step; a township officer of the same township sees the reporter as （保密）."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from anjian.tipoffs.models import Outcome, Status, Tipoff
from anjian.tipoffs.selectors import unseal
from tests.conftest import County
from tests.e2e.conftest import BrowserThread, new_page, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REPORTER = "王举报"


def test_receive_check_close(chromium: BrowserThread, live_server: Any, e2e_county: County) -> None:
    county = e2e_county
    admin, township = county.users["county_admin"].username, county.users["township"].username
    unit = county.units["chem_a"]  # 安定镇
    base = live_server.url

    def scenario(browser: Browser) -> None:
        from playwright.sync_api import expect

        errors: list[str] = []
        context, page = new_page(browser, "desktop", errors)
        try:
            sign_in(page, base, admin)
            page.goto(f"{base}/tipoffs/")
            page.get_by_role("link", name="受理举报").click()
            page.get_by_label("举报渠道").select_option(label="12350电话")
            page.get_by_label("举报类型").select_option(label="安全生产违法行为")
            page.get_by_label("被举报单位", exact=True).select_option(value=str(unit.pk))
            page.get_by_label("举报内容").fill("夜间违规组织动火作业，未办理动火审批")
            page.get_by_label("实名举报", exact=True).check()
            page.get_by_label("举报人姓名", exact=True).fill(REPORTER)
            page.get_by_label("举报人联系电话").fill("13800000000")
            page.get_by_role("button", name=re.compile("受理|保存")).click()

            expect(page).to_have_url(re.compile(r"/tipoffs/\d+/$"))
            expect(page.get_by_text(REPORTER)).to_be_visible()  # the county office sees the reporter
            page.get_by_role("button", name="开始核查").click()
            expect(page.get_by_text("核查中").first).to_be_visible()
            page.get_by_label("核查结论").select_option(label="属实")
            page.get_by_label("办理结果").fill("经现场核查属实，已责令停止作业并立案调查")
            page.get_by_role("button", name="办结…").click()
            # The confirmation step repeats what will be recorded; nothing is closed before it.
            page.get_by_role("button", name=re.compile("确认")).click()
            expect(page).to_have_url(re.compile(r"/tipoffs/\d+/$"))
            expect(page.get_by_text("已办结").first).to_be_visible()
            assert errors == [], errors
        finally:
            context.close()

        errors = []
        context, page = new_page(browser, "phone", errors)
        try:
            sign_in(page, base, township)
            page.goto(f"{base}/tipoffs/")
            page.locator("table a[href*='/tipoffs/']").first.click()
            expect(page.get_by_text("（保密）").first).to_be_visible()
            expect(page.get_by_text(REPORTER)).to_have_count(0)
            assert errors == [], errors
        finally:
            context.close()

    chromium.run(scenario)
    tipoff = Tipoff.objects.get()
    assert tipoff.status == Status.CLOSED and tipoff.outcome == Outcome.TRUE
    # Stored encrypted (SM4-GCM), readable with the data key.
    assert REPORTER not in tipoff.reporter_name and unseal(tipoff.reporter_name) == REPORTER and tipoff.real_name
