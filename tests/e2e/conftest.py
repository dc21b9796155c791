"""Browser-test fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

The browser is always ``/usr/bin/chromium`` from Debian's package (``apt-get install chromium``);
Playwright's own browser download is never used. Without it the tests skip on a developer's
machine and fail in CI (CI=true), where a missing browser must not pass as green.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from tests.conftest import IN_CI, PASSWORD, County

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright

T = TypeVar("T")

CHROMIUM = "/usr/bin/chromium"
# Headless in a container as root: no sandbox, no GPU, and nothing that phones home.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 375, "height": 812},
}
# Upper bound for one scenario; Playwright's own per-step timeouts normally fire long before.
SCENARIO_TIMEOUT = 180


class BrowserThread:
    """Playwright's sync API, run in a thread of its own.

    Playwright's sync API drives an asyncio loop through greenlets in whatever thread uses it.
    In the test thread that swaps the context Django's connection handler (an asgiref Local)
    lives in: the test database's connection is no longer the one the test runner set up, and
    its ``serialized_rollback`` snapshot is lost. In a separate thread the ORM, the test database
    and the live server never see the loop: a test prepares its data in its own thread and hands
    the browser part over as a function of the ``Browser``.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._pool.submit(self._start).result(timeout=SCENARIO_TIMEOUT)

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)

    def run(self, scenario: Callable[[Browser], T]) -> T:
        """Run ``scenario(browser)`` in the browser thread; its assertion errors surface here."""
        assert self._browser is not None
        return self._pool.submit(scenario, self._browser).result(timeout=SCENARIO_TIMEOUT)

    def close(self) -> None:
        def stop() -> None:
            if self._browser is not None:
                self._browser.close()
            if self._playwright is not None:
                self._playwright.stop()

        try:
            self._pool.submit(stop).result(timeout=60)
        finally:
            self._pool.shutdown(wait=False)


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI needs the browser tests to run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[BrowserThread]:
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - requirements/dev.txt always has it
        _unavailable("the playwright package is not installed (requirements/dev.txt)")
    browser = BrowserThread()
    yield browser
    browser.close()


@pytest.fixture
def seeded_db(transactional_db: Any) -> None:
    """A transactional database with the rows the data migrations seed (the sectors).

    A transactional test ends with a flush, which also empties tables the migrations filled;
    the next transactional test (pytest-django runs them after all others) starts without
    them. ``serialized_rollback`` cannot be relied on to put them back: a flush by any other
    transactional test re-creates the content types under new ids and the snapshot then fails
    to load. So the seeding migration is simply run again; it is idempotent.
    """
    from django.apps import apps

    import_module("anjian.units.migrations.0002_seed_sectors").seed(apps, None)


@pytest.fixture
def e2e_county(seeded_db: None, county: County) -> County:
    """The shared ``county`` fixture, committed so that the live server's thread can see it.

    ``seeded_db`` (hence ``transactional_db``) is set up first, so ``county``'s ``db`` joins the
    same transactional test case instead of a transaction the server thread could not see.
    """
    return county


def sign_in(page: Any, base: str, username: str) -> None:
    """Sign in through the login form as a user of the test county (every persona has ``PASSWORD``)."""
    import re

    from playwright.sync_api import expect

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def new_page(
    browser: Browser, device: str, problems: list[str], *, csp_only: bool = False
) -> tuple[BrowserContext, Page]:
    """A page in a new browser context sized for ``device`` (Chinese locale, Asia/Shanghai time).

    Every console error and uncaught script error is appended to ``problems`` — with ``csp_only``,
    only Content-Security-Policy violations: the CSP allows no external host and no inline script,
    so a violation is a bug, not noise. The caller closes the context.
    """
    phone = device == "phone"
    context = browser.new_context(
        viewport=VIEWPORTS[device], is_mobile=phone, has_touch=phone, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and (not csp_only or "Content Security Policy" in message.text):
            problems.append(message.text)

    page.on("console", on_console)
    if not csp_only:
        page.on("pageerror", lambda exc: problems.append(str(exc)))
    return context, page
