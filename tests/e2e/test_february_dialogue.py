"""The February dialogue, end to end, in a real Chromium against a real ``tidings serve``.

An emergency order arrives through the ministry's portal; the desk acknowledges
it (a PDF letter), withholds the post in India and sees the 48-hour lapse; the
ministry sends a non-compliance notice, which the desk answers; a status update
goes back, and the ministry sees only its own demand; the author appeals from
the notice and the appeal is granted, which restores the post in India.
Screenshots of each step go to ``test-artifacts/``.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

from tests.browser import ARTIFACTS, fill_sign_in

pytestmark = pytest.mark.browser

PASSWORD = "february-pass-phrase-2021"
MINISTRY = "Ministry of Electronics and Information Technology"


def _user(live_tidings, handle: str, *extra: str) -> None:
    live_tidings.cli(
        "createuser",
        handle,
        "--email",
        f"{handle}@example.com",
        "--password",
        PASSWORD,
        *extra,
    )


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"february-{name}.png"), full_page=True)


def _sign_in(browser, live_tidings, handle: str, **options):
    context = browser.new_context(
        base_url=live_tidings.url, viewport={"width": 1400, "height": 1000}, **options
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    fill_sign_in(page, handle, PASSWORD)
    return context, page


def test_the_february_dialogue_from_portal_order_to_granted_appeal(chromium, live_tidings):
    from playwright.sync_api import expect

    _user(live_tidings, "feb_lead", "--role", "legal_admin")
    _user(live_tidings, "feb_kisan")
    post_id = live_tidings.cli(
        "shell",
        "-c",
        "from tidings.social.actions import do_create_post\n"
        "from tidings.social.models import Account\n"
        "author = Account.objects.get(username='feb_kisan')\n"
        "print(do_create_post('March to Delhi #FarmersProtest', acting_user=author).id)\n",
    ).split()[-1]  # after what the shell says of its imports
    for handle, authority, country in (
        ("feb_meity", MINISTRY, "IN"),
        ("feb_pta", "Pakistan Telecommunication Authority", "PK"),
    ):
        live_tidings.cli(
            "authority",
            "add-member",
            handle,
            "--authority",
            authority,
            "--country",
            country,
            "--email",
            f"{handle}@example.gov",
            "--password",
            PASSWORD,
        )
    post_url = f"{live_tidings.url}/@feb_kisan/{post_id}"

    # Another authority's order, which the ministry must never see.
    pta, pta_page = _sign_in(chromium, live_tidings, "feb_pta")
    pta_page.get_by_role("link", name="Portal").click()
    pta_page.get_by_role("link", name="Submit an order").click()
    pta_page.get_by_label("Or paste the order's lines").fill("@feb_kisan")
    pta_page.get_by_label("Your reference").fill("PTA/2021/9")
    pta_page.get_by_role("button", name="Submit order").click()
    expect(pta_page.get_by_role("heading", name="Order PTA/2021/9", level=1)).to_be_visible()
    pta_demand_path = urlsplit(pta_page.url).path
    pta.close()

    # 1. The emergency order arrives through the ministry's portal.
    ministry, portal = _sign_in(chromium, live_tidings, "feb_meity")
    portal.get_by_role("link", name="Portal").click()
    portal.get_by_role("link", name="Submit an order").click()
    portal.get_by_label("Or paste the order's lines").fill(post_url)
    portal.get_by_label("Your reference").fill("No. 16(4)/2021-CLES (emergency)")
    portal.get_by_label("Kind of order").select_option("emergency_order")
    portal.get_by_label("Legal basis code").fill("IN-ITA-69A")
    _shot(portal, "01-portal-order")
    portal.get_by_role("button", name="Submit order").click()
    expect(portal.locator("#portal-facts")).to_contain_text("Emergency order")
    demand_id = re.search(r"/portal/demands/(\d+)", portal.url)[1]

    # 2. The desk acknowledges it with a PDF letter, withholds in India, sees the lapse.
    desk, page = _sign_in(chromium, live_tidings, "feb_lead")
    page.goto(f"/desk/demands/{demand_id}")
    expect(page.locator("#rule-pack")).to_contain_text("India")
    lapse = page.locator('tr.demand-clock[data-clock="lapse"]')
    expect(lapse).to_contain_text("Rule 9")
    expect(lapse).to_contain_text(re.compile(r"due in 4[78] h"))
    page.get_by_role("button", name="Acknowledge receipt").click()
    acknowledgement = page.locator('#thread .thread__message[data-kind="acknowledgement"]')
    expect(acknowledgement).to_have_count(1)
    pdf_link = acknowledgement.locator("a[download]")
    expect(pdf_link).to_contain_text(".pdf")
    pdf = page.request.get(pdf_link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
    letter = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "No. 16(4)/2021-CLES" in letter
    expect(page.locator('tr.demand-clock[data-clock="acknowledge"]')).to_contain_text("met at")

    page.get_by_label(re.compile(r"Or every matched item still pending")).check()
    page.get_by_label("Withhold", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Emergency order under s.69A")
    page.get_by_role("button", name="Apply decision").click()
    expect(page.locator("#flash")).to_contain_text("withheld in India")
    expect(page.locator('tr.demand-clock[data-clock="lapse"]')).to_contain_text("due in")
    page.get_by_role("button", name="Release notices").click()
    _shot(page, "02-desk-withheld")

    india = chromium.new_context(
        base_url=live_tidings.url, extra_http_headers={"X-Test-Country": "IN"}
    )
    visitor = india.new_page()
    response = visitor.goto(f"/@feb_kisan/{post_id}")
    assert response is not None and response.status == 451

    # 3. A non-compliance notice arrives through the portal and the desk answers it.
    portal.reload()
    portal.get_by_label("Kind").select_option("noncompliance_notice")
    portal.get_by_role("textbox", name="Message").fill(
        "The order has not been complied with in full."
    )
    portal.get_by_role("button", name="Send").click()
    expect(portal.locator("#portal-facts")).to_contain_text("Non-compliance notice")

    page.reload()
    expect(
        page.locator('#thread .thread__message[data-kind="noncompliance_notice"]')
    ).to_contain_text("not been complied with")
    expect(page.locator('tr.demand-clock[data-clock="noncompliance"]')).to_contain_text("due in")
    page.get_by_label("Our response").fill("The post named in the order is withheld in India.")
    page.get_by_role("button", name="Answer the non-compliance notice").click()
    expect(page.locator('tr.demand-clock[data-clock="noncompliance"]')).to_contain_text("met at")

    # 4. A status update goes back; the ministry sees it, and only its own demand.
    page.get_by_role("button", name="Send status update").click()
    expect(page.locator('#thread .thread__message[data-kind="status_update"]')).to_have_count(1)
    _shot(page, "03-desk-thread")
    portal.reload()
    thread = portal.locator("#portal-thread")
    expect(thread).to_contain_text("Acknowledgement of receipt")
    expect(thread).to_contain_text("Response to a non-compliance notice")
    expect(thread).to_contain_text("Status update")
    expect(portal.locator("#portal-items")).to_contain_text("Withheld")
    expect(portal.locator("#portal-items")).not_to_contain_text("Emergency order under s.69A")
    _shot(portal, "04-portal-status")
    portal.get_by_role("link", name="Your orders").click()
    expect(portal.locator("main")).not_to_contain_text("PTA/2021/9")
    assert portal.goto(pta_demand_path).status == 404
    ministry.close()

    # 5. The author appeals from the notice; the desk grants it; India sees the post again.
    author, own = _sign_in(chromium, live_tidings, "feb_kisan")
    own.goto("/notifications")
    appeal_href = own.locator('a[href*="/appeals/new"]').first.get_attribute("href")
    split = urlsplit(appeal_href)
    own.goto(f"{split.path}?{split.query}")
    own.get_by_label("Why should this decision be reversed?").fill(
        "This is peaceful reporting of a public protest."
    )
    own.get_by_role("button", name="File appeal").click()
    expect(own.locator("main")).to_contain_text("This is peaceful reporting")
    _shot(own, "05-appeal-filed")

    page.goto("/desk/appeals")
    page.locator("main a", has_text=re.compile(r"^A-\d+$")).first.click()
    page.get_by_label("Reason (sent to the appellant)").fill("Reporting, not incitement.")
    page.get_by_role("button", name="Grant and lift the withholding").click()
    expect(page.locator("main")).to_contain_text("Granted")
    _shot(page, "06-appeal-granted")
    desk.close()

    response = visitor.goto(f"/@feb_kisan/{post_id}")
    assert response is not None and response.status == 200
    expect(visitor.locator("main")).to_contain_text("March to Delhi")
    india.close()
    own.goto("/appeals")
    expect(own.locator("main")).to_contain_text("Granted")
    author.close()
