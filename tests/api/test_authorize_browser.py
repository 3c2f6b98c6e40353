"""The authorization_code flow, driven in Chromium through the sign-in and consent pages."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from mastodon import Mastodon

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(chromium) -> Iterator[object]:
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def sign_in_and_consent(page, url: str, handle: str) -> None:
    page.goto(url)
    page.get_by_label("Handle or e-mail address").fill(handle)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#authorizationForm")
    assert "will be able to" in page.content()
    page.get_by_role("button", name="Authorize").click()


def test_an_app_gets_a_token_through_the_consent_page(live_tidings, new_user, page):
    person = new_user("browser")
    callback = live_tidings.url + "/app-callback"
    client_id, client_secret = Mastodon.create_app(
        "Browser app",
        api_base_url=live_tidings.url,
        redirect_uris=callback,
        scopes=["read", "write"],
    )
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=live_tidings.url)
    url = app.auth_request_url(
        redirect_uris=callback, scopes=["read", "write"], state="xyz", allow_http=True
    )
    sign_in_and_consent(page, url, person.handle)
    page.wait_for_url(callback + "?*")
    query = parse_qs(urlsplit(page.url).query)
    assert query["state"] == ["xyz"]
    app.log_in(
        code=query["code"][0], redirect_uri=callback, scopes=["read", "write"], allow_http=True
    )
    assert app.me().username == person.handle
    assert app.status_post("posted with a code grant").account.username == person.handle


def test_the_oob_redirect_shows_the_code_to_paste(live_tidings, new_user, page):
    person = new_user("oob")
    client_id, client_secret = Mastodon.create_app(
        "Desktop app", api_base_url=live_tidings.url, scopes=["read"]
    )
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=live_tidings.url)
    page.context.clear_cookies()
    sign_in_and_consent(page, app.auth_request_url(scopes=["read"], allow_http=True), person.handle)
    code = page.locator("#authorization-code").input_value()
    app.log_in(code=code, scopes=["read"], allow_http=True)
    assert app.me().username == person.handle
