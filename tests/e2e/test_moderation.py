"""Reporting and moderating in a real Chromium against a real ``tidings serve``.

A reader reports a post from its card's Report link; a moderator finds it in the
queue, assigns it, sees the post as evidence, warns the author and resolves it;
the author reads the moderation notice.
"""

from __future__ import annotations

import secrets

import pytest

from tests.browser import ARTIFACTS, fill_sign_in

pytestmark = pytest.mark.browser

PASSWORD = "moderation-pass-phrase"


def _account(live_tidings, handle: str, role: str = "user") -> None:
    live_tidings.cli("createuser", handle, "--email", f"{handle}@example.com",
        "--password", PASSWORD, "--role", role,
    )  # fmt: skip


def _sign_in(browser, live_tidings, handle: str):
    context = browser.new_context(
        base_url=live_tidings.url, viewport={"width": 1300, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    fill_sign_in(page, handle, PASSWORD)
    return context, page


def test_a_reader_reports_a_post_and_a_moderator_warns_its_author(chromium, live_tidings):
    from playwright.sync_api import expect

    tag = secrets.token_hex(3)
    author, reader, moderator = f"seller{tag}", f"reader{tag}", f"mod{tag}"
    _account(live_tidings, author)
    _account(live_tidings, reader)
    _account(live_tidings, moderator, "moderator")
    live_tidings.cli("shell", "-c",
        "from tidings.social.actions import do_create_post\n"
        "from tidings.social.models import Account\n"
        f"do_create_post('Cheap watches {tag}', acting_user=Account.objects.get(username={author!r}))\n",
    )  # fmt: skip

    context, page = _sign_in(chromium, live_tidings, reader)
    page.goto(f"/@{author}")
    page.locator("article", has_text=f"Cheap watches {tag}").get_by_role(
        "link", name="Report"
    ).click()
    expect(page.locator("#reported-post")).to_contain_text(f"Cheap watches {tag}")
    page.get_by_label("Spam").check()
    page.get_by_label("Anything the moderators should know (optional)").fill("Advertising")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("#report-sent")).to_be_visible()
    expect(page.locator("#flash")).to_contain_text("is with the moderators")
    page.screenshot(path=str(ARTIFACTS / "moderation-01-sent.png"), full_page=True)
    context.close()

    context, page = _sign_in(chromium, live_tidings, moderator)
    page.get_by_role("link", name="Reports").click()
    page.locator("#reports tr", has_text=f"@{author}").get_by_role("link").click()
    expect(page.locator("#evidence")).to_contain_text(f"Cheap watches {tag}")
    expect(page.locator("#report-comment")).to_contain_text("Advertising")
    page.get_by_role("button", name="Assign to me").click()
    expect(page.locator("#flash")).to_contain_text("Assigned to you.")
    page.get_by_label(f"Note to @{author} (sent with the notice)").fill("No advertising, please.")
    page.screenshot(path=str(ARTIFACTS / "moderation-02-report.png"), full_page=True)
    page.get_by_role("button", name="Warn and resolve").click()
    expect(page.locator("#flash")).to_contain_text("The account was warned.")
    expect(page.locator(".state--resolved")).to_be_visible()
    context.close()

    context, page = _sign_in(chromium, live_tidings, author)
    page.goto("/notifications")
    expect(page.get_by_text("No advertising, please.", exact=False)).to_be_visible(timeout=30_000)
    context.close()
