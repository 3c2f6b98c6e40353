"""A post with two photos, seen live, then withheld in India while its readers watch.

An author posts two photos with alt text from the composer; two followers, one
reading from India and one from the United States, see it arrive on their open
home pages through the "Show 1 new post" bar. The legal desk takes in an order
naming the post and withholds it in India: the reader in India sees it vanish
without reloading, and its image answers 451 there; the reader in the United
States still sees the post and both images, under the "Withheld in India" banner,
and the image served there carries no EXIF or GPS. Driven in a real Chromium
against a real ``tidings serve``; screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.browser import ARTIFACTS, fill_sign_in
from tests.lib.test_images import GPS_IFD, jpeg_with_gps_rotated, png_bytes
from tests.live_server import COUNTRY_HEADER

pytestmark = pytest.mark.browser

PASSWORD = "withheld-live-pass-2021"
TEXT = "Two photos from the toll plaza"
TRACTORS, CROWD = "Tractors on the highway", "A crowd with flags"


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"withheld-live-{name}.png"), full_page=True)


def _sign_in(chromium, live_tidings, handle: str, country: str = ""):
    """A signed-in browser on the home page, reading from ``country`` when one is given.

    The country header is added to each request on its way out, as the trusted proxy adds
    it: as the context's extra header, Chromium would send it as the page's own and make
    the stream on the streaming port ask for a CORS preflight, which it refuses.
    """
    from playwright.sync_api import expect

    context = chromium.new_context(
        base_url=live_tidings.url, viewport={"width": 1200, "height": 1000}
    )
    if country:
        context.route(
            "**/*",
            lambda route: route.continue_(
                headers={**route.request.headers, COUNTRY_HEADER: country}
            ),
        )
    page = context.new_page()
    page.set_default_timeout(20_000)
    fill_sign_in(page, handle, PASSWORD)
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    return context, page


def _fetch(page, url: str):
    """``url`` fetched by the page's own script, as the browser sends it; status, headers, body."""
    return page.evaluate(
        """async url => {
            const answer = await fetch(url, {credentials: "same-origin"});
            const body = new Uint8Array(await answer.arrayBuffer());
            return {
                status: answer.status,
                type: answer.headers.get("content-type"),
                link: answer.headers.get("link") || "",
                body: Array.from(body),
            };
        }""",
        url,
    )


def _show_new_post(page) -> None:
    """Click the live bar once it offers exactly one new post; the timeline then shows it."""
    from playwright.sync_api import expect

    bar = page.locator(".live-bar")
    expect(bar).to_be_visible()
    expect(bar.get_by_role("button")).to_have_text(re.compile(r"Show 1 new post\b"))
    expect(page.get_by_text(TEXT)).to_have_count(0)
    bar.get_by_role("button").click()
    expect(bar).to_be_hidden()
    expect(page.locator("#timeline").get_by_text(TEXT)).to_be_visible()


def _expect_both_images(page, post_id: int) -> None:
    from playwright.sync_api import expect

    card = page.locator(f"#post-{post_id}")
    for alt in (TRACTORS, CROWD):
        image = card.get_by_role("img", name=alt)
        expect(image).to_be_visible()
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )


def test_a_post_with_photos_seen_live_vanishes_in_india_when_withheld_and_stays_in_the_us(
    chromium, live_tidings, tmp_path
):
    from playwright.sync_api import expect

    for handle, role in (
        ("wl_author", "user"),
        ("wl_delhi", "user"),
        ("wl_boston", "user"),
        ("wl_counsel", "legal_admin"),
    ):
        live_tidings.cli(
            "createuser",
            handle,
            "--email",
            f"{handle}@example.com",
            "--password",
            PASSWORD,
            "--role",
            role,
        )
    live_tidings.cli(
        "shell",
        "-c",
        "from tidings.social.actions import do_follow\n"
        "from tidings.social.models import Account\n"
        "get = lambda h: Account.objects.get(username=h)\n"
        "for reader in ('wl_delhi', 'wl_boston'):\n"
        "    do_follow(get('wl_author'), acting_user=get(reader))\n",
    )
    tractors, crowd = tmp_path / "tractors.jpg", tmp_path / "crowd.png"
    tractors.write_bytes(jpeg_with_gps_rotated())
    crowd.write_bytes(png_bytes(120, 80, "olive"))

    # Both readers have their home page open, its stream connected, before the author posts.
    india, delhi = _sign_in(chromium, live_tidings, "wl_delhi", "IN")
    us, boston = _sign_in(chromium, live_tidings, "wl_boston", "US")
    for page in (delhi, boston):
        expect(page.locator(".live-bar")).to_be_hidden()
    delhi.wait_for_timeout(1500)  # the streams are open

    # 1. The author posts two photos, each with its alt text, from the composer.
    author, compose = _sign_in(chromium, live_tidings, "wl_author")
    compose.get_by_label("What's happening?").fill(TEXT)
    compose.get_by_text("Add images").click()
    compose.get_by_label("Image 1", exact=True).set_input_files(str(tractors))
    compose.get_by_label("Description of image 1 (alt text)").fill(TRACTORS)
    compose.get_by_label("Image 2", exact=True).set_input_files(str(crowd))
    compose.get_by_label("Description of image 2 (alt text)").fill(CROWD)
    _shot(compose, "01-compose")
    compose.get_by_role("button", name="Post", exact=True).click()
    expect(compose.get_by_role("status").filter(has_text="Posted")).to_be_attached()
    posted = compose.locator("article.post", has_text=TEXT).first
    expect(posted).to_be_visible()
    post_id = int(posted.get_attribute("id").removeprefix("post-"))
    author.close()

    # 2. Both readers see the live bar, click it, and see the two images with their alt text.
    for page, where in ((delhi, "india"), (boston, "us")):
        _show_new_post(page)
        _expect_both_images(page, post_id)
        _shot(page, f"02-live-{where}")
    card = boston.locator(f"#post-{post_id}")
    original = card.get_by_role("link").filter(has=boston.get_by_role("img", name=TRACTORS))
    tractors_url = original.get_attribute("href")
    assert re.fullmatch(r"/media/\d+/original\.jpg", tractors_url), tractors_url
    assert _fetch(delhi, tractors_url)["status"] == 200  # before the order, India sees it too

    # 3. The legal desk takes in an order naming the post and withholds it in India.
    desk, page = _sign_in(chromium, live_tidings, "wl_counsel")
    page.get_by_role("link", name="Legal desk").click()
    page.get_by_role("link", name="Take in an order").click()
    page.get_by_label("Or paste the order's lines").fill(f"{live_tidings.url}/@wl_author/{post_id}")
    page.get_by_label("Authority", exact=True).fill(
        "Ministry of Electronics and Information Technology"
    )
    page.get_by_label("Reference").fill("MEITY/2021/311")
    page.get_by_label("Legal basis code").fill("IN-ITA-69A")
    page.get_by_role("button", name="Import order").click()
    expect(page.locator("#import-summary")).to_contain_text("1 line: 1 matched, 0 unknown")
    page.get_by_label(re.compile(r"Or every matched item still pending")).check()
    page.get_by_label("Withhold", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Order under s.69A")
    page.get_by_role("button", name="Apply decision").click()
    expect(page.locator("#flash")).to_contain_text("withheld in India")
    _shot(page, "03-desk-withheld")
    desk.close()

    # 4. In India the open page loses the post without a reload; its image answers 451.
    expect(delhi.locator(f"#post-{post_id}")).to_have_count(0)
    expect(delhi.get_by_role("img", name=TRACTORS)).to_have_count(0)
    expect(delhi.get_by_text(TEXT)).to_have_count(0)
    _shot(delhi, "04-vanished-in-india")
    for url in (tractors_url, tractors_url.replace("original", "small")):
        answer = _fetch(delhi, url)
        assert answer["status"] == 451, (url, answer["status"])
        assert answer["type"].startswith("text/html")
        assert 'rel="blocked-by"' in answer["link"]
    delhi.reload()
    expect(delhi.get_by_text(TEXT)).to_have_count(0)
    india.close()

    # 5. In the United States the post stays, with the banner and both images.
    expect(boston.locator(f"#post-{post_id}")).to_be_visible()  # no delete came there
    boston.reload()
    card = boston.locator(f"#post-{post_id}")
    expect(card).to_contain_text(TEXT)
    banner = card.locator(".post__withheld")
    expect(banner).to_contain_text("Withheld in India in response to a legal demand.")
    _expect_both_images(boston, post_id)
    _shot(boston, "05-banner-in-the-us")
    served = _fetch(boston, tractors_url)
    assert served["status"] == 200
    assert served["type"] == "image/jpeg"
    body = bytes(served["body"])
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == "JPEG"
        assert image.size == (30, 60)  # the EXIF orientation applied, then dropped
        exif = image.getexif()
        assert not exif
        assert not exif.get_ifd(GPS_IFD)
        assert "exif" not in image.info
    assert b"Exif" not in body
    us.close()
