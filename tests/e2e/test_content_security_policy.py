"""The Content-Security-Policy is sent and the pages satisfy it (the browser fixture fails on any violation)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = ["/public", "/login", "/signup", "/search?q=tidings", "/oauth/sign_in", "/nowhere"]


def test_the_browser_check_sees_a_violation_when_there_is_one(chromium):
    page = chromium.new_page()
    try:
        page.set_content(
            "<meta http-equiv='Content-Security-Policy' content=\"script-src 'self'\">"
            "<script>document.title = 'inline'</script>"
        )
        page.wait_for_timeout(200)
    finally:
        page.close()
    assert any("Content Security Policy" in text for text in chromium.violations)
    chromium.violations.clear()  # the deliberate violation is not this test's failure


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_the_policy_and_load_without_violations(chromium, live_tidings, path):
    context = chromium.new_context(base_url=live_tidings.url)
    page = context.new_page()
    try:
        response = page.goto(path)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
