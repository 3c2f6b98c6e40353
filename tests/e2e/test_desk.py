"""The legal desk in a real Chromium against a real ``tidings serve``.

A legal reviewer signs in, uploads an order naming two accounts, withholds the
matched items for 6 hours; a visitor from India then gets the withheld notice
(HTTP 451) on the profile, while a visitor from the US still reads the posts.
Screenshots of each step go to ``test-artifacts/``.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import ARTIFACTS, fill_sign_in

pytestmark = pytest.mark.browser

PASSWORD = "desk-pass-phrase-2021"


def _account_with_posts(live_tidings, handle: str, *texts: str) -> None:
    live_tidings.cli(
        "createuser",
        handle,
        "--email",
        f"{handle}@example.com",
        "--password",
        PASSWORD,
    )
    code = (
        "from tidings.social.actions import do_create_post\n"
        "from tidings.social.models import Account\n"
        f"author = Account.objects.get(username={handle!r})\n"
        f"for text in {list(texts)!r}:\n"
        "    do_create_post(text, acting_user=author)\n"
    )
    live_tidings.cli("shell", "-c", code)


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"desk-{name}.png"), full_page=True)


def test_a_legal_reviewer_withholds_two_accounts_in_india_only(chromium, live_tidings, tmp_path):
    browser = chromium
    from playwright.sync_api import expect

    live_tidings.cli(
        "createuser",
        "deskclerk",
        "--email",
        "deskclerk@example.com",
        "--password",
        PASSWORD,
        "--role",
        "legal",
    )
    _account_with_posts(live_tidings, "kisanvoice", "March to Delhi #FarmersProtest")
    _account_with_posts(live_tidings, "fieldnotes", "Tractors at the border #FarmersProtest")
    order = tmp_path / "meity-order.csv"
    order.write_text(
        "S.No,Handle,Remarks\n"
        "1,https://twitter.com/kisanvoice,misinformation\n"
        "2,@fieldnotes,misinformation\n"
    )

    context = browser.new_context(
        base_url=live_tidings.url, viewport={"width": 1400, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    fill_sign_in(page, "deskclerk", PASSWORD)
    page.get_by_role("link", name="Legal desk").click()
    expect(page.get_by_role("heading", name="Legal demands", level=1)).to_be_visible()

    page.get_by_role("link", name="Take in an order").click()
    page.get_by_label("Order file").set_input_files(str(order))
    page.get_by_label("Authority", exact=True).fill(
        "Ministry of Electronics and Information Technology"
    )
    page.get_by_label("Reference").fill("MEITY/2021/257")
    page.get_by_label("Legal basis code").fill("IN-ITA-69A")
    _shot(page, "01-intake")
    page.get_by_role("button", name="Import order").click()
    expect(page.locator("#import-summary")).to_contain_text(
        "2 lines: 2 matched, 0 unknown, 0 invalid, 0 duplicate; 0 blank lines skipped"
    )
    expect(page.locator("#deadline")).to_contain_text("due in 35 h")
    _shot(page, "02-demand")

    page.get_by_label("Or every matched item still pending (2)").check()
    page.get_by_label("Withhold", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Order under s.69A; reviewed: not news media")
    page.get_by_label("Until").fill("6 hours")
    page.get_by_role("button", name="Apply decision").click()
    expect(page.locator("#flash")).to_contain_text("2 items withheld in India until")
    expect(page.locator("#withholdings .withholding-row--active")).to_have_count(2)
    expect(page.locator("#items")).to_contain_text("Withheld")
    _shot(page, "03-withheld")
    page.get_by_role("link", name="All demands").click()
    row = page.locator("#demands tr", has_text="MEITY/2021/257")
    expect(row).to_contain_text("Withheld 2")
    expect(row).to_contain_text("Actioned")
    _shot(page, "04-list")
    context.close()

    india = browser.new_context(
        base_url=live_tidings.url, extra_http_headers={"X-Test-Country": "IN"}
    )
    in_page = india.new_page()
    response = in_page.goto("/@kisanvoice")
    assert response is not None and response.status == 451
    assert re.search(r'rel="blocked-by"', response.headers.get("link", ""))
    expect(
        in_page.get_by_text("@kisanvoice has been withheld in India in response to a legal demand.")
    ).to_be_visible()
    expect(in_page.get_by_text("March to Delhi")).to_have_count(0)
    _shot(in_page, "05-india")
    india.close()

    us = browser.new_context(base_url=live_tidings.url, extra_http_headers={"X-Test-Country": "US"})
    us_page = us.new_page()
    response = us_page.goto("/@kisanvoice")
    assert response is not None and response.status == 200
    expect(us_page.locator("#timeline")).to_contain_text("March to Delhi #FarmersProtest")
    us_page.goto("/@fieldnotes")
    expect(us_page.locator("#timeline")).to_contain_text("Tractors at the border")
    _shot(us_page, "06-us")
    us.close()
