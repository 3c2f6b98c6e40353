"""Live timelines in a real Chromium: a new post reaches another user's open home page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser import ARTIFACTS, fill_sign_in

pytestmark = pytest.mark.browser

PASSWORD = "live-pass-phrase-2021"


@pytest.fixture
def page(chromium, live_tidings) -> Iterator[object]:
    context = chromium.new_context(
        base_url=live_tidings.url, viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        yield page
    finally:
        context.close()


def _shell(live_tidings, code: str) -> None:
    live_tidings.cli("shell", "-c", code)


def test_a_new_post_appears_on_a_followers_home_through_the_show_new_posts_bar(page, live_tidings):
    from playwright.sync_api import expect

    for handle in ("livewriter", "livereader"):
        live_tidings.cli(
            "createuser",
            handle,
            "--email",
            f"{handle}@example.com",
            "--password",
            PASSWORD,
        )
    _shell(
        live_tidings,
        "from tidings.social.actions import do_follow\n"
        "from tidings.social.models import Account\n"
        "get = lambda h: Account.objects.get(username=h)\n"
        "do_follow(get('livewriter'), acting_user=get('livereader'))\n",
    )
    fill_sign_in(page, "livereader", PASSWORD)
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    bar = page.locator(".live-bar")
    expect(bar).to_be_hidden()
    page.wait_for_timeout(1500)  # the stream is open

    _shell(
        live_tidings,
        "from tidings.social.actions import do_create_post\n"
        "from tidings.social.models import Account\n"
        "do_create_post('Tractors reach the toll plaza', "
        "acting_user=Account.objects.get(username='livewriter'))\n",
    )
    expect(bar).to_be_visible()
    expect(bar.get_by_role("button")).to_have_text(re.compile(r"Show 1 new post\b"))
    expect(page.get_by_text("Tractors reach the toll plaza")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "live-01-bar.png"), full_page=True)
    bar.get_by_role("button").click()
    expect(page.get_by_text("Tractors reach the toll plaza")).to_be_visible()
    expect(bar).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "live-02-inserted.png"), full_page=True)
