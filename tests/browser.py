"""Debian's Chromium, driven by Playwright, for the browser tests (marked ``browser``).

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


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
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
            yield browser
        finally:
            browser.close()
