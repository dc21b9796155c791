"""Swagger UI in Chromium under our CSP: it loads from this origin only and can call the API.

It signs in through the real login form first (labels 用户名/密码, button 登录), so the
"Try it out" call also proves session auth with Swagger UI's CSRF header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import PASSWORD, County
from tests.e2e.conftest import BrowserThread

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Transactional like tests/e2e: the live server's thread must see the committed county.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_works_under_the_csp(chromium: BrowserThread, live_server: Any, e2e_county: County) -> None:
    username = e2e_county.users["township"].username
    base = live_server.url

    def scenario(browser: Browser) -> tuple[str, list[str], list[str]]:
        context = browser.new_context(locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        problems: list[str] = []
        outside: list[str] = []
        # A CSP violation is reported on the console as an error.
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))
        # The browser asks for /favicon.ico on its own; any other failed load is the page's.
        page.on(
            "response",
            lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
        )
        try:
            page.goto(f"{base}/accounts/login/?next=/api/docs")
            page.get_by_label("用户名", exact=True).fill(username)
            page.get_by_label("密码", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url("**/api/docs")

            block = page.locator("#operations-生产经营单位-anjian_units_api_units_list")
            block.locator(".opblock-summary").click()
            page.get_by_role("button", name="Try it out").click()
            page.get_by_role("button", name="Execute").click()
            status = block.locator(".live-responses-table tbody .response-col_status").first
            return status.inner_text().strip(), problems, outside
        finally:
            context.close()

    status, problems, outside = chromium.run(scenario)
    assert status == "200"
    assert outside == []
    assert [p for p in problems if "404 (Not Found)" not in p] == [], problems
