"""Issue 3, item 10: the hazard loop on a phone — report with a photo → 签字认领 → 提交整改 → 验收销号.

Three people, each on a 375×812 phone in Debian's Chromium: the grid worker reports a hazard
with a photo straight from the form, the unit's safety officer signs for it and submits the
rectification with a photo, and the township officer verifies it with a photo and closes it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from anjian.hazards.models import Hazard, Status
from tests.conftest import County
from tests.e2e.conftest import BrowserThread, new_page, sign_in
from tests.hazards.test_photos import phone_jpeg

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# The live server answers from another thread: the test data must be committed (transaction=True).
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_report_claim_submit_verify_on_a_phone(
    chromium: BrowserThread, live_server: Any, e2e_county: County, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    grid_worker = e2e_county.users["grid_worker"].username
    unit_staff = e2e_county.users["unit_staff"].username
    township = e2e_county.users["township"].username
    unit_name = e2e_county.units["chem_a"].name
    photos = {
        name: {"name": f"{name}.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg((1200, 900), color=color)}
        for name, color in (("found", (200, 40, 40)), ("after", (40, 160, 60)), ("check", (40, 60, 200)))
    }

    def scenario(browser: Browser) -> str:
        from playwright.sync_api import expect

        violations: list[str] = []

        def phone(username: str) -> tuple[BrowserContext, Page]:
            context, page = new_page(browser, "phone", violations, csp_only=True)
            sign_in(page, base, username)
            return context, page

        def status(page: Page, label: str) -> None:
            expect(page.locator("h1 ~ .badge").first).to_have_text(label)

        # 1. The grid worker reports it from the home page: the grid's only unit is already chosen.
        context, page = phone(grid_worker)
        try:
            page.get_by_role("link", name="上报隐患", exact=True).click()
            expect(page.get_by_role("radio", name=re.compile(unit_name))).to_be_checked()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scroll"
            page.get_by_label("隐患描述").fill("仓库消防通道堆放杂物")
            page.get_by_label("现场照片").set_input_files(files=[photos["found"]])
            page.get_by_role("button", name="上报隐患", exact=True).click()
            expect(page).to_have_url(re.compile(r"/hazards/\d+/$"))
            expect(page.get_by_role("alert")).to_contain_text("已上报隐患")
            status(page, "待认领")
            photo = page.get_by_role("region", name="隐患照片").get_by_role("img")
            expect(photo).to_have_count(1)
            # Served by the scoped attachment view, and it really is a picture.
            expect(photo).to_have_js_property("complete", True)
            assert photo.evaluate("img => img.naturalWidth") == 1200
            hazard_url = page.url
        finally:
            context.close()

        # 2. The unit's safety officer signs for it, rectifies it and submits it with a photo.
        context, page = phone(unit_staff)
        try:
            page.goto(hazard_url)
            page.get_by_role("button", name="签字认领", exact=True).click()
            expect(page.get_by_role("alert")).to_contain_text("已签字认领")
            status(page, "整改中")
            page.get_by_label("整改情况").fill("杂物已清理，通道已畅通")
            page.get_by_label("整改后照片或材料").set_input_files(files=[photos["after"]])
            page.get_by_role("button", name="提交整改", exact=True).click()
            expect(page.get_by_role("alert")).to_contain_text("已提交整改")
            status(page, "待验收")
        finally:
            context.close()

        # 3. The township officer verifies it on site with a photo and closes it.
        context, page = phone(township)
        try:
            page.goto(hazard_url)
            page.get_by_label("验收意见").fill("现场核实，通道畅通")
            page.get_by_label("验收照片或材料").set_input_files(files=[photos["check"]])
            page.get_by_role("button", name="验收通过并销号", exact=True).click()
            expect(page.get_by_role("alert")).to_contain_text("验收通过，隐患已销号")
            status(page, "已销号")
            expect(page.get_by_text("当前没有需要您办理的事项。")).to_be_visible()
        finally:
            context.close()
        assert violations == [], violations
        return hazard_url

    url = chromium.run(scenario)
    hazard = Hazard.objects.get()
    assert url.endswith(f"/hazards/{hazard.pk}/")
    assert hazard.status == Status.CLOSED and hazard.source == "grid"
    assert list(hazard.events.values_list("kind", flat=True)) == ["report", "claim", "submit", "verify_pass"]
    assert sorted(hazard.attachments.values_list("kind", flat=True)) == ["found", "rectified", "verified"]
    assert hazard.attachments.get(kind="found").lat is not None  # the photo's position came through
