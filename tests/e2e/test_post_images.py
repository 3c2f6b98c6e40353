"""A user posts two photos with alt text from the composer; a follower sees them at home.

Driven in a real Chromium against a real ``tidings serve``; the page's
Content-Security-Policy is watched (no violation allowed) by the ``chromium`` fixture.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser import ARTIFACTS, fill_sign_in
from tests.lib.test_images import jpeg_with_gps_rotated, png_bytes

pytestmark = pytest.mark.browser

PASSWORD = "long-walk-to-the-capital"


@pytest.fixture
def browser_context(chromium, live_tidings) -> Iterator[object]:
    context = chromium.new_context(
        base_url=live_tidings.url, viewport={"width": 1200, "height": 900}
    )
    try:
        yield context
    finally:
        context.close()


def _sign_in(context, handle: str, password: str) -> object:
    from playwright.sync_api import expect

    page = context.new_page()
    page.set_default_timeout(15_000)
    fill_sign_in(page, handle, password)
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    return page


def test_two_photos_with_alt_text_reach_a_followers_home_timeline(chromium, live_tidings, tmp_path):
    from playwright.sync_api import expect

    for handle in ("photographer", "neighbour"):
        live_tidings.cli(
            "createuser",
            handle,
            "--email",
            f"{handle}@example.com",
            "--password",
            PASSWORD,
        )
    live_tidings.cli(
        "shell",
        "-c",
        "from tidings.social.actions import do_follow\n"
        "from tidings.social.models import Account\n"
        "get = Account.objects.get\n"
        "do_follow(get(username='photographer'), acting_user=get(username='neighbour'))\n",
    )
    first, second = tmp_path / "tractors.jpg", tmp_path / "crowd.png"
    first.write_bytes(jpeg_with_gps_rotated())
    second.write_bytes(png_bytes(120, 80, "olive"))

    author_context = chromium.new_context(base_url=live_tidings.url)
    try:
        page = _sign_in(author_context, "photographer", PASSWORD)
        page.get_by_label("What's happening?").fill("Two photos from the march")
        page.get_by_text("Add images").click()
        page.get_by_label("Image 1", exact=True).set_input_files(str(first))
        reminder = page.locator(".media-slot__reminder").first
        expect(reminder).to_be_visible()  # chosen, not yet described
        page.get_by_label("Description of image 1 (alt text)").fill("Tractors on the highway")
        expect(reminder).to_be_hidden()
        expect(page.locator(".media-slot__preview").first).to_be_visible()
        page.get_by_label("Image 2", exact=True).set_input_files(str(second))
        page.get_by_label("Description of image 2 (alt text)").fill("A crowd with flags")
        page.screenshot(path=str(ARTIFACTS / "post-images-01-compose.png"), full_page=True)
        page.get_by_role("button", name="Post", exact=True).click()
        expect(page.get_by_role("status").filter(has_text="Posted")).to_be_attached()
        expect(page.get_by_role("img", name="Tractors on the highway")).to_be_visible()
    finally:
        author_context.close()

    reader_context = chromium.new_context(base_url=live_tidings.url)
    try:
        page = _sign_in(reader_context, "neighbour", PASSWORD)
        tractors = page.get_by_role("img", name="Tractors on the highway")
        crowd = page.get_by_role("img", name="A crowd with flags")
        expect(tractors).to_be_visible()
        expect(crowd).to_be_visible()
        for image in (tractors, crowd):
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        page.screenshot(path=str(ARTIFACTS / "post-images-02-home.png"), full_page=True)
        tractors.click()
        expect(page).to_have_url(re.compile(r"/media/\d+/original\.jpg$"))
    finally:
        reader_context.close()
