"""等保 2.0 accounts in a real browser: a new account changes its password at the first sign-in, turns on
the authenticator app (its QR code drawn on the page), and signs in again with password + code — on a
desktop and a phone, under the CSP."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import pytest

from anjian.accounts import totp
from anjian.accounts.services import user_create
from tests.conftest import County
from tests.e2e.conftest import VIEWPORTS, BrowserThread, new_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Xinmima#2026ok"


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_first_sign_in_then_two_factor(chromium: BrowserThread, live_server: Any, e2e_county: County,
                                       device: str) -> None:
    made = user_create(actor=None, username=f"xinren_{device}", role="township", org_ref="430626101")
    username, first_password = made.user.username, made.password
    base = live_server.url

    def scenario(browser: Browser) -> None:
        from playwright.sync_api import expect

        violations: list[str] = []
        context, page = new_page(browser, device, violations, csp_only=True)
        try:
            # 1. The first sign-in lands on the password page, whatever was asked for.
            page.goto(f"{base}/units/")
            page.get_by_label("用户名", exact=True).fill(username)
            page.get_by_label("密码", exact=True).fill(first_password)
            page.get_by_role("button", name="登录", exact=True).click()
            expect(page).to_have_url(re.compile(r"/accounts/password/\?next="))
            expect(page.get_by_role("alert")).to_contain_text("须先修改密码")
            page.get_by_label("原密码").fill(first_password)
            page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
            page.get_by_label("确认新密码").fill(NEW_PASSWORD)
            page.get_by_role("button", name="修改密码").click()
            expect(page).to_have_url(f"{base}/units/")

            # 2. Turn on the authenticator app: the secret shown, the app's code typed back.
            page.goto(f"{base}/accounts/2fa/")
            page.get_by_role("button", name="启用动态口令").click()
            # The QR code of the otpauth:// URI for the app to scan: drawn, square, whole on the screen.
            qr = page.get_by_test_id("totp-qr").locator("svg")
            expect(qr).to_be_visible()
            box = qr.bounding_box()
            assert box is not None and box["width"] >= 150 and box["width"] == box["height"], box
            assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[device]["width"], box
            secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
            page.get_by_label("动态口令").fill(totp.code_at(secret))
            page.get_by_role("button", name="确认启用").click()
            expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)

            # 3. Sign out and in again: the password alone is not enough.
            page.goto(f"{base}/accounts/logout/")
            page.get_by_role("button", name="退出").click()
            page.goto(f"{base}/accounts/login/")
            page.get_by_label("用户名", exact=True).fill(username)
            page.get_by_label("密码", exact=True).fill(NEW_PASSWORD)
            page.get_by_role("button", name="登录", exact=True).click()
            expect(page).to_have_url(f"{base}/accounts/login/code/")
            page.get_by_label("动态口令").fill("000000" if totp.code_at(secret) != "000000" else "111111")
            page.get_by_role("button", name="登录").click()
            expect(page.get_by_role("alert")).to_contain_text("动态口令不正确")
            # The next step's code: the one used to confirm may not be used again (RFC 6238 §5.2).
            page.get_by_label("动态口令").fill(totp.code_at(secret, time.time() + 30))
            page.get_by_role("button", name="登录").click()
            expect(page).not_to_have_url(re.compile(r"/accounts/login"))
            page.goto(f"{base}/units/")
            expect(page).to_have_url(f"{base}/units/")
            assert violations == [], violations
        finally:
            context.close()

    chromium.run(scenario)
