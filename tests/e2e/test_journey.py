"""A newcomer's first visit, driven in a real Chromium against a real ``tidings serve``.

Sign up, follow someone made from the command line, post with a hashtag, see
both posts at home, open the tag, search, and read a notification. Screenshots
of each step go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser import ARTIFACTS

pytestmark = pytest.mark.browser


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


def _post_as(live_tidings, handle: str, text: str) -> None:
    """Post as ``handle`` from the command line (``tidings shell``), through the real action."""
    code = (
        "from tidings.social.actions import do_create_post\n"
        "from tidings.social.models import Account\n"
        f"do_create_post({text!r}, acting_user=Account.objects.get(username={handle!r}))\n"
    )
    live_tidings.cli("shell", "-c", code)


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def test_a_newcomer_signs_up_follows_posts_searches_and_is_notified(page, live_tidings):
    from playwright.sync_api import expect

    live_tidings.cli(
        "createuser",
        "reporter",
        "--email",
        "reporter@example.com",
        "--password",
        "reporter-pass-2021",
        "--display-name",
        "Field Reporter",
    )
    _post_as(live_tidings, "reporter", "Live from the border crossing #FieldNotes")

    page.goto("/signup")
    page.get_by_label("Handle").fill("newcomer")
    page.get_by_label("E-mail address").fill("newcomer@example.com")
    page.get_by_label("Password").fill("a-long-pass-phrase")
    _shot(page, "01-signup")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    expect(page.get_by_text("Welcome to Tidings, @newcomer!")).to_be_visible()

    page.goto("/@reporter")
    expect(page.get_by_role("heading", name="Field Reporter")).to_be_visible()
    page.get_by_role("button", name="Follow @reporter").click()
    expect(page.get_by_role("button", name="Unfollow @reporter")).to_be_visible()
    _shot(page, "02-followed")

    page.goto("/")
    page.get_by_label("What's happening?").fill("My first post on #Tidings, hello all")
    page.get_by_role("button", name="Post", exact=True).click()
    new_post = page.locator("#new-posts article")
    expect(new_post).to_contain_text("My first post on #Tidings, hello all")
    expect(page.get_by_label("What's happening?")).to_have_value("")
    _shot(page, "03-posted")

    page.reload()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("My first post on #Tidings, hello all")
    expect(timeline).to_contain_text("Live from the border crossing")
    _shot(page, "04-home")

    their_post = timeline.locator("article", has_text="Live from the border crossing")
    their_post.get_by_role("button", name=re.compile(r"^Favourite")).click()
    expect(their_post.get_by_role("button", name=re.compile(r"^Favourite"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(their_post.get_by_role("button", name=re.compile(r"^Favourite"))).to_contain_text("1")

    page.get_by_label("What's happening?").fill("z" * 501)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "A post is at most 500 characters; this one has 501."
    )

    timeline.get_by_role("link", name="#Tidings").first.click()
    expect(page).to_have_url(re.compile(r"/tags/tidings$"))
    expect(page.get_by_role("heading", name="#tidings", level=1)).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("My first post on")
    _shot(page, "05-hashtag")

    page.get_by_role("searchbox", name="Search").fill("border")
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=border"))
    expect(page.locator("#timeline")).to_contain_text("Live from the border crossing")
    page_search = page.get_by_role("searchbox", name="Search people, #hashtags and posts")
    page_search.fill("reporter")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.locator(".account-list")).to_contain_text("Field Reporter")
    _shot(page, "06-search")

    _post_as(live_tidings, "reporter", "Welcome aboard @newcomer, glad to have you")
    page.goto("/")
    expect(page.locator("#unread-count")).to_contain_text("1")
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    notifications = page.locator(".notifications")
    expect(notifications).to_contain_text("mentioned you")
    expect(notifications).to_contain_text("Welcome aboard")
    _shot(page, "07-notifications")
    expect(page.locator("#unread-count")).to_contain_text("1")  # reading marks nothing read
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator("#unread-count")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
