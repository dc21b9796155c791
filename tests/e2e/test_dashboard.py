"""The statistics dashboard in a browser: charts drawn, no CSP violation, the overdue card opens its hazards."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import County
from tests.e2e.conftest import VIEWPORTS, BrowserThread, new_page, sign_in
from tests.stats import factories as f

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# The live server answers from another thread: the test data must be committed (transaction=True).
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PERIOD = "region=430626&date_from=2024-01-01&date_to=2024-06-30&as_of=2024-06-30"


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_dashboard_charts_and_click_through(
    chromium: BrowserThread, live_server: Any, e2e_county: County, device: str
) -> None:
    units = e2e_county.units
    # Overdue at 30 June: three hazards past their deadline and not closed; one closed in time is not.
    f.hazard(units["chem_a"], "2024-03-05", "2024-04-05")
    f.hazard(units["fire_b"], "2024-04-02", "2024-05-01", status="rectifying")
    f.hazard(units["build_b"], "2024-05-01", "2024-06-01", level="major", status="submitted")
    f.hazard(units["build_a"], "2024-03-05", "2024-04-05", status="closed", closed_on="2024-04-01")
    f.hazard(units["build_a"], "2024-06-01", "2024-08-31")  # open, not yet due
    f.inspection(units["chem_a"], "2024-03-05", None, [f.person("甲")])
    f.action(units["chem_a"], "penalty", "2024-03-10", 100000)
    username = e2e_county.users["county_admin"].username
    base = live_server.url

    def scenario(browser: Browser) -> None:
        from playwright.sync_api import expect

        errors: list[str] = []
        context, page = new_page(browser, device, errors)
        try:
            sign_in(page, base, username)

            page.goto(f"{base}/stats/?{PERIOD}")
            expect(page.locator("h1")).to_contain_text("统计看板")
            # Every chart with data is drawn by ECharts into a canvas.
            charts = page.locator(".stats-chart")
            expect(charts.first.locator("canvas")).to_have_count(1)
            assert charts.count() >= 4
            for n in range(charts.count()):
                expect(charts.nth(n).locator("canvas")).to_have_count(1)
            # Hovering a bar shows the tooltip (drawn in the canvas: no inline-styled HTML).
            box = charts.first.bounding_box()
            assert box is not None
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

            card = page.locator('[data-indicator="hazards_overdue"]')
            expect(card.locator(".stats-value")).to_have_text("3")
            card.click()
            expect(page).to_have_url(re.compile(r"/hazards/\?.*overdue=1"))
            expect(page.get_by_text("共 3 条")).to_be_visible()
            assert errors == [], errors
        finally:
            context.close()

    chromium.run(scenario)
