"""Debian's Chromium, driven by Playwright, for the browser tests (marked ``browser``).

Every page opened through the ``chromium`` fixture is watched: a Content
Security Policy violation reported on its console fails the test that caused it.

Where ``/usr/bin/chromium`` is missing the tests fail under CI (they are never
skipped there) and skip loudly elsewhere. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def fill_sign_in(page: object, handle: str, password: str) -> None:
    """Sign in through the web form (``page`` has the live server as its base URL)."""
    page.goto("/login")  # type: ignore[attr-defined]
    page.get_by_label("Handle").fill(handle)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]


class CheckedBrowser:
    """A Playwright ``Browser`` whose contexts record CSP violations in ``violations``."""

    def __init__(self, browser: object) -> None:
        self._browser = browser
        self.violations: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self._browser, name)

    def _watch(self, message: object) -> None:
        text = message.text  # type: ignore[attr-defined]
        if "Content Security Policy" in text:
            where = message.location or {}  # type: ignore[attr-defined]
            self.violations.append(
                f"{where.get('url', '?')}:{where.get('lineNumber', '?')}: {text}"
            )

    def new_context(self, **options: object) -> object:
        context = self._browser.new_context(**options)  # type: ignore[attr-defined]
        context.on("console", self._watch)
        return context

    def new_page(self, **options: object) -> object:
        page = self._browser.new_page(**options)  # type: ignore[attr-defined]
        page.on("console", self._watch)
        return page


@pytest.fixture(autouse=True)
def _no_csp_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a browser test whose pages broke the Content Security Policy."""
    if "chromium" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("chromium")
    browser.violations.clear()
    yield
    assert not browser.violations, "Content Security Policy violations:\n" + "\n".join(
        browser.violations
    )


@pytest.fixture(scope="module")
def chromium() -> Iterator[CheckedBrowser]:
    """A headless Chromium browser (Playwright ``Browser``) for one test module."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: this browser test cannot run"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run it; install Debian's chromium).")
        pytest.skip("!!! " + message + "; SKIPPED. Install Debian's chromium to run it. !!!")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield CheckedBrowser(browser)
        finally:
            browser.close()
