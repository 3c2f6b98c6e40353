"""Filtered posts, bookmarks and pins in a real Chromium against ``tidings serve``: no script inline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import fill_sign_in

pytestmark = pytest.mark.browser

PASSWORD = "reader-pass-2021"  # noqa: S105 - a test account's password


@pytest.fixture
def page(chromium, live_tidings) -> Iterator[object]:
    context = chromium.new_context(
        base_url=live_tidings.url, viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def test_a_filtered_post_opens_with_show_and_a_bookmark_lands_on_the_bookmarks_page(
    page, live_tidings
):
    from playwright.sync_api import expect

    for handle in ("tvfan", "critic"):
        live_tidings.cli("createuser", handle, "--email", f"{handle}@example.com",
             "--password", PASSWORD)  # fmt: skip
    code = (
        "from tidings.social.actions import do_create_post\n"
        "from tidings.social.actions.filters import do_create_filter\n"
        "from tidings.social.models import Account\n"
        "critic = Account.objects.get(username='critic')\n"
        "do_create_post('The cliffhanger broke my heart', acting_user=critic)\n"
        "do_create_post('Weather is mild', acting_user=critic)\n"
        "do_create_filter('Spoilers', context=['public'], keywords=[('cliffhanger', True)],"
        " acting_user=Account.objects.get(username='tvfan'))\n"
    )
    live_tidings.cli("shell", "-c", code)
    fill_sign_in(page, "tvfan", PASSWORD)
    page.goto("/public")
    # The live server is shared with other modules: the keyword is this test's own.
    spoiler = page.get_by_text("The cliffhanger broke my heart")
    expect(page.get_by_text("Filtered: Spoilers")).to_be_visible()
    expect(spoiler).to_be_hidden()
    page.get_by_text("Show", exact=True).click()
    expect(spoiler).to_be_visible()
    weather = page.locator("article", has_text="Weather is mild")
    weather.get_by_role("button", name="Bookmark").click()
    expect(weather.get_by_role("button", name="Bookmark")).to_have_attribute("aria-pressed", "true")
    page.goto("/bookmarks")
    expect(page.get_by_text("Weather is mild")).to_be_visible()
    expect(page.get_by_text("The cliffhanger broke my heart")).to_have_count(0)
