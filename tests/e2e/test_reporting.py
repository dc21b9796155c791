"""分级上报 in Debian's Chromium, on a desktop and on a phone: the city's county admin uploads two counties'
signed packages and reads the summary with its totals (counts summed, the rate recomputed: 37/40 = 92.50%,
not the 85% mean), the county that has not reported counted; no console or script error on the way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from anjian.accounts.models import Organization, OrgKind
from anjian.accounts.roles import Role
from anjian.reporting.models import Submission
from tests.conftest import County, make_user
from tests.e2e.conftest import BrowserThread, new_page, sign_in
from tests.reporting.conftest import CITY, fabricate, raw, register

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_city_uploads_packages_and_reads_the_totals(
    chromium: BrowserThread, live_server: Any, e2e_county: County, tmp_path: Path, device: str
) -> None:
    office = Organization.objects.create(kind=OrgKind.COUNTY_OFFICE, name="岳阳市安委办", region_code=CITY)
    admin = make_user("city_admin", Role.COUNTY_ADMIN, org=office, full_name="市管理员")
    a, b, c = (Ed25519PrivateKey.generate() for _ in range(3))
    register("430626", a, "平江县")
    register("430621", b, "岳阳县")
    register("430681", c, "汨罗市")
    files = {
        "平江县": fabricate("430626", a, hazards_found=10, hazards_rectified=7, rectification_rate=0.7,
                            fines_yuan="379100.00"),
        "岳阳县": fabricate("430621", b, hazards_found=30, hazards_rectified=30, rectification_rate=1.0,
                            fines_yuan="20000.50"),
    }
    paths = {}
    for name, package in files.items():
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_bytes(raw(package))
    base = live_server.url

    def scenario(browser: Browser) -> None:
        from playwright.sync_api import expect

        errors: list[str] = []
        context, page = new_page(browser, device, errors)
        try:
            sign_in(page, base, admin.username)
            for name, path in paths.items():
                page.goto(f"{base}/reporting/")
                page.get_by_role("link", name="接收上报数据", exact=True).click()
                expect(page).to_have_url(re.compile(r"/reporting/upload/$"))
                page.get_by_label("上报数据包（.json）").set_input_files(str(path))
                page.get_by_role("button", name="上传并校验").click()
                expect(page).to_have_url(re.compile(r"/reporting/submissions/\d+/$"))
                expect(page.get_by_role("alert")).to_contain_text(f"已接收 {name} 2026-03-01 至 2026-03-31")
            page.get_by_role("link", name="下级上报汇总", exact=True).click()
            expect(page).to_have_url(re.compile(r"/reporting/\?date_from=2026-03-01&date_to=2026-03-31$"))
            expect(page.locator("[data-counts]")).to_have_text("已上报 2 个，未上报 1 个")
            table = page.get_by_role("table", name="下级上报汇总表")
            expect(table.get_by_role("row", name=re.compile("汨罗市"))).to_contain_text("未上报")
            total = table.locator("[data-total]")
            expect(total).to_contain_text("合计（已上报 2 个，未上报 1 个）")
            for text in ("40", "37", "92.50%", "399,100.50"):
                expect(total.get_by_role("cell", name=text, exact=True)).to_be_visible()
            expect(page.get_by_text("所报数字之和")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scroll"
            assert errors == [], errors
        finally:
            context.close()

    chromium.run(scenario)
    assert Submission.objects.filter(received_by=admin, channel="upload").count() == 2
