"""A user writes a poll in the web composer; a follower votes in it and sees the results.

Driven in a real Chromium against a real ``tidings serve`` (shared with other modules: the
handles here are this module's own); the page's Content-Security-Policy is watched.
"""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, fill_sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a-poll-at-the-sit-in"


def _sign_in(context, handle: str) -> object:
    from playwright.sync_api import expect

    page = context.new_page()
    page.set_default_timeout(15_000)
    fill_sign_in(page, handle, PASSWORD)
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    return page


def test_a_poll_written_in_the_composer_is_voted_in_by_a_follower_who_sees_the_results(
    chromium, live_tidings
):
    from playwright.sync_api import expect

    for handle in ("pollster_e2e", "pollvoter_e2e"):
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
        "do_follow(get(username='pollster_e2e'), acting_user=get(username='pollvoter_e2e'))\n",
    )

    author = chromium.new_context(base_url=live_tidings.url)
    try:
        page = _sign_in(author, "pollster_e2e")
        page.get_by_label("What's happening?").fill("Where should the e2e kitchen go?")
        page.get_by_text("Add a poll").click()
        options = page.locator(".compose__poll input[name=poll_options]")
        expect(options).to_have_count(2)  # the script shows two, and adds more on request
        page.get_by_label("Option 1", exact=True).fill("By the stage")
        page.get_by_label("Option 2", exact=True).fill("By the gate")
        add = page.get_by_role("button", name="Add an option")
        add.click()
        page.get_by_label("Option 3", exact=True).fill("Nowhere")
        page.get_by_role("button", name="Remove option 3").click()
        expect(options).to_have_count(2)
        add.click()
        add.click()
        expect(options).to_have_count(4)
        expect(add).to_be_hidden()  # four at most
        page.get_by_label("Option 3", exact=True).fill("By the tents")
        page.get_by_role("button", name="Remove option 4").click()
        expect(add).to_be_visible()
        page.get_by_label("Poll length").select_option(label="1 hour")
        page.get_by_label("One choice").check()
        page.screenshot(path=str(ARTIFACTS / "compose-poll-01-compose.png"), full_page=True)
        page.get_by_role("button", name="Post", exact=True).click()
        expect(page.get_by_role("status").filter(has_text="Posted")).to_be_attached()
        card = page.locator("article").filter(has_text="Where should the e2e kitchen go?").first
        expect(card.get_by_role("radio")).to_have_count(3)
        expect(card.get_by_label("By the tents")).to_be_visible()
        expect(card).to_contain_text("Ends in 59m")
        # The form is fresh again: the poll's options are gone from it.
        expect(page.get_by_label("Option 1", exact=True)).to_have_value("")
    finally:
        author.close()

    voter = chromium.new_context(base_url=live_tidings.url)
    try:
        page = _sign_in(voter, "pollvoter_e2e")
        card = page.locator("article").filter(has_text="Where should the e2e kitchen go?").first
        expect(card.get_by_role("radio")).to_have_count(3)
        card.get_by_label("By the gate").check()
        card.get_by_role("button", name="Vote").click()
        card = page.locator("article").filter(has_text="Where should the e2e kitchen go?").first
        mine = card.locator(".poll__result--mine")
        expect(mine).to_contain_text("100%")
        expect(mine).to_contain_text("By the gate")
        expect(mine).to_contain_text("your vote")
        expect(card).to_contain_text("1 person")
        page.screenshot(path=str(ARTIFACTS / "compose-poll-02-voted.png"), full_page=True)
    finally:
        voter.close()
