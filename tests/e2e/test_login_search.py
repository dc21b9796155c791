"""Issue 2, item 12: log in, find a unit by its pinyin initials and open it — on a desktop and a phone."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from anjian.core.text import pinyin_initials
from tests.conftest import County
from tests.e2e.conftest import VIEWPORTS, BrowserThread, new_page, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# The live server answers from another thread: the test data must be committed (transaction=True).
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_login_find_unit_by_pinyin_initials_and_open_it(
    chromium: BrowserThread, live_server: Any, e2e_county: County, device: str
) -> None:
    # Everything the browser needs is read here, in the test's thread (the ORM's), as plain values.
    unit = e2e_county.units["chem_a"]  # 平江县汇丰化工有限公司
    name, detail_url = unit.name, f"{live_server.url}/units/{unit.pk}/"
    other_name = e2e_county.units["build_a"].name  # same county: the search must filter it out
    username = e2e_county.users["county_admin"].username
    # What a person types for 汇丰化工: the initials of the distinctive part of the name, without
    # the county prefix most names in 平江县 share ('hfhg').
    term = pinyin_initials(name.removeprefix(e2e_county.county.name))[:4]
    base = live_server.url

    def scenario(browser: Browser) -> None:
        from playwright.sync_api import expect

        violations: list[str] = []
        context, page = new_page(browser, device, violations, csp_only=True)
        try:
            sign_in(page, base, username)

            page.goto(f"{base}/units/")
            page.get_by_label("搜索", exact=True).fill(term)
            page.get_by_role("button", name="查询", exact=True).click()
            # Whether the form submits plainly or through htmx (hx-push-url), the URL carries the
            # query once the filtered results are in; only then is clicking a result meaningful.
            expect(page).to_have_url(re.compile(rf"[?&]q={term}(&|$)"))
            expect(page.get_by_role("link", name=other_name, exact=True)).to_have_count(0)

            page.get_by_role("link", name=name, exact=True).click()
            expect(page).to_have_url(detail_url)
            expect(page.locator("h1")).to_contain_text(name)
            assert violations == [], violations
        finally:
            context.close()

    chromium.run(scenario)
