"""A post withheld in India, followed from its 451 page to the transparency report, in a real
Chromium against a real ``tidings serve``.

A visitor in India opens a post a ministry's order had withheld there, reads the
451 page, follows its link to the order's public notice and from there reaches the
report of the half-year the order came in, with its charts; a visitor in the
United States sees the post, its banner and the same notice link. Screenshots of
each step go to ``test-artifacts/``.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.browser import ARTIFACTS

pytestmark = pytest.mark.browser

AUTHORITY = "TJ Ministry of Electronics"
LEGAL_BASIS = "Section 69A of the Information Technology Act, 2000 (IN-ITA-69A)"
TEXT = "Queues at the water tankers again this morning #TJWaterWatch"


def _withhold_a_post_in_india(live_tidings) -> tuple[int, int, datetime]:
    """@tj_ravi posts; the ministry's public order names the post and the desk withholds it.

    Returns the post's id, the order's id and when the order was received.
    """
    for handle, role in (("tj_lex", "legal"), ("tj_ravi", "user")):
        live_tidings.cli(
            "createuser",
            handle,
            "--email",
            f"{handle}@example.com",
            "--password",
            "tj-pass-phrase-2026",
            "--role",
            role,
        )
    code = f"""
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.intake import do_import_demand
from tidings.social.actions import do_create_post
from tidings.social.models import Account

desk = Account.objects.get(username="tj_lex")
post = do_create_post({TEXT!r}, acting_user=Account.objects.get(username="tj_ravi"))
demand = do_import_demand(
    "{live_tidings.url}/@tj_ravi/%d" % post.id, authority_name={AUTHORITY!r}, country="IN",
    reference="TJ/2026/7", legal_basis="Section 69A of the Information Technology Act, 2000",
    legal_basis_code="IN-ITA-69A", confidential=False, acting_user=desk,
).demand
do_decide_items(demand, "all_matched", action="withhold", reason="Order under s.69A", acting_user=desk)
print(post.id, demand.id, demand.received_at.isoformat())
"""
    # The last line: the shell may first say what it imported.
    post_id, demand_id, received_at = live_tidings.cli("shell", "-c", code).splitlines()[-1].split()
    return int(post_id), int(demand_id), datetime.fromisoformat(received_at)


def _visitor(chromium, live_tidings, country: str):
    context = chromium.new_context(
        base_url=live_tidings.url,
        viewport={"width": 1300, "height": 1000},
        extra_http_headers={"X-Test-Country": country},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"transparency-journey-{name}.png"), full_page=True)


def test_a_withheld_post_leads_from_its_451_page_to_the_notice_and_the_report(
    chromium, live_tidings
):
    from playwright.sync_api import expect

    post_id, demand_id, received_at = _withhold_a_post_in_india(live_tidings)
    post_path = f"/@tj_ravi/{post_id}"
    notice_path = f"/transparency/notices/{demand_id}"
    period = f"{received_at.year}-H{1 if received_at.month <= 6 else 2}"
    explanation = f"Demand from {AUTHORITY} (India) under {LEGAL_BASIS}."

    # 1. In India the post answers 451: who asked, under which law, and where to read more.
    india, page = _visitor(chromium, live_tidings, "IN")
    try:
        response = page.goto(post_path)
        assert response is not None and response.status == 451
        assert response.headers["link"] == f'<{notice_path}>; rel="blocked-by"'
        expect(
            page.get_by_role("heading", name="Unavailable for legal reasons", level=1)
        ).to_be_visible()
        expect(page.locator(".error-page__message")).to_have_text(
            "This post from @tj_ravi has been withheld in India in response to a legal demand."
        )
        main = page.locator("main")
        expect(main).to_contain_text(explanation)
        expect(main).not_to_contain_text(TEXT)
        link = page.get_by_role("link", name="Read the public notice")
        expect(link).to_be_visible()
        withheld_href = link.get_attribute("href")
        assert withheld_href == notice_path
        _shot(page, "01-withheld-in-india")

        # 2. The public notice: who asked, what we did, how many lines.
        link.click()
        expect(page).to_have_url(f"{live_tidings.url}{notice_path}")
        expect(
            page.get_by_role("heading", name=f"Legal demand from {AUTHORITY}", level=1)
        ).to_be_visible()
        expect(page.locator("#action-taken")).to_have_text("Yes")
        facts = page.locator(".notice__facts")
        expect(facts).to_contain_text("India (IN)")
        expect(facts).to_contain_text(LEGAL_BASIS)
        expect(facts).to_contain_text("TJ/2026/7")
        expect(page.locator('#outcomes li[data-outcome="withheld"]')).to_have_text(
            "Withheld in India: 1"
        )
        expect(page.locator("main")).not_to_contain_text("Order under s.69A")
        _shot(page, "02-notice")

        # ... and from there the report of the half-year the order came in, with its charts.
        page.get_by_role("link", name=f"Transparency report for {period}").click()
        expect(
            page.get_by_role("heading", name=f"Transparency report: {period}", level=1)
        ).to_be_visible()
        assert f"period={period}" in page.url
        expect(page.locator('#countries tr[data-country="IN"] th')).to_have_text("India (IN)")
        ours = page.locator("#authorities tbody tr", has_text=AUTHORITY)
        expect(ours).to_have_count(1)
        expect(ours.locator("th")).to_have_text(f"{AUTHORITY} (IN)")
        expect(ours.locator("td").first).to_have_text("1")
        expect(page.locator(f'#outcomes tr[data-demand="{demand_id}"] td')).to_have_text(
            ["1", "0", "0", "0"]
        )
        page.wait_for_load_state("networkidle")
        images = page.eval_on_selector_all(
            "img.report-chart__image",
            "imgs => imgs.map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])",
        )
        assert len(images) == 3
        for src, complete, width in images:
            assert complete and width > 0, f"{src} did not load"
            assert f"period={period}" in src
        _shot(page, "03-report")
    finally:
        india.close()

    # 3. In the United States the post is untouched but for the banner, with the same notice.
    us, page = _visitor(chromium, live_tidings, "US")
    try:
        response = page.goto(post_path)
        assert response is not None and response.status == 200
        expect(page.locator("main")).to_contain_text(TEXT)
        banner = page.locator(".post__withheld")
        expect(banner).to_have_count(1)
        expect(banner).to_contain_text("Withheld in India in response to a legal demand.")
        expect(banner).to_contain_text(explanation)
        expect(banner).not_to_contain_text("Appeal this decision")
        link = banner.get_by_role("link", name="Read the public notice")
        expect(link).to_be_visible()
        assert link.get_attribute("href") == withheld_href
        _shot(page, "04-banner-in-the-us")
    finally:
        us.close()
