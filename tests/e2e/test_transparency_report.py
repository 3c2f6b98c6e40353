"""The transparency report in a real Chromium: its charts load as images, its tables show the figures,
and neither the page nor a chart opened on its own breaks its Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import ARTIFACTS

pytestmark = pytest.mark.browser

PERIOD = "2024-H1"

#: Two orders from India and one from Germany in early 2024, through the desk's actions.
SCENARIO = """
from datetime import UTC, datetime, timedelta
from tidings.demo.legal import clock_at
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.intake import do_import_demand
from tidings.social.actions import do_create_account

def at(*args):
    return datetime(*args, tzinfo=UTC)

with clock_at(at(2024, 1, 2)):
    desk = do_create_account(
        "tr_lex", acting_user=None, validate=False, email="tr_lex@example.com",
        password="tr-lex-pass-2024", role="legal",
    )
    for handle in ("tr_amar", "tr_bela", "tr_chand"):
        do_create_account(
            handle, acting_user=None, validate=False, email=f"{handle}@example.com",
            password="tr-pass-2024",
        )

def order(text, when, authority, country, **fields):
    with clock_at(when):
        return do_import_demand(
            text, authority_name=authority, country=country, reference=f"TR/{when:%m%d}",
            received_at=when, confidential=False, acting_user=desk, **fields,
        ).demand

first = order("@tr_amar\\n@tr_bela\\n@tr_nobody", at(2024, 2, 1, 9), "TR Ministry", "IN")
with clock_at(at(2024, 2, 1, 12)):
    do_decide_items(first, "all_matched", action="withhold", reason="order", acting_user=desk)
second = order("@tr_chand", at(2024, 3, 5, 9), "TR Ministry", "IN")
with clock_at(at(2024, 3, 5, 10)):
    do_decide_items(second, "all_matched", action="decline", reason="news", acting_user=desk)
court = order("@tr_amar", at(2024, 4, 10, 8), "TR Court", "DE", authority_kind="court")
with clock_at(at(2024, 4, 11, 8)):
    do_decide_items(
        court, "all_matched", action="withhold", reason="court order", acting_user=desk,
        until=at(2024, 4, 20),
    )
"""


@pytest.fixture
def page(chromium, live_tidings) -> Iterator[object]:
    context = chromium.new_context(
        base_url=live_tidings.url, viewport={"width": 1300, "height": 1000}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def _cells(page, table: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"#{table} tbody tr",
        "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim().replace(/\\s+/g, ' ')))",
    )


def test_the_report_shows_its_charts_and_figures_without_breaking_the_policy(page, live_tidings):
    from playwright.sync_api import expect

    live_tidings.cli("shell", "-c", SCENARIO)

    response = page.goto(f"/transparency?period={PERIOD}")
    assert response.status == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    expect(
        page.get_by_role("heading", name=f"Transparency report: {PERIOD}", level=1)
    ).to_be_visible()
    page.wait_for_load_state("networkidle")

    images = page.eval_on_selector_all(
        "img.report-chart__image",
        "imgs => imgs.map(i => [i.getAttribute('src'), i.complete, i.naturalWidth, i.alt])",
    )
    assert len(images) == 3
    for src, complete, width, alt in images:
        assert complete and width > 0, f"{src} did not load"
        assert alt.startswith("Bar chart of")
    page.screenshot(path=str(ARTIFACTS / "transparency-report.png"), full_page=True)

    overall = dict(_cells(page, "overall"))
    assert overall["Demands received"] == "3"
    assert overall["Court orders"] == "1"
    assert overall["Accounts specified"] == "4"
    assert overall["Lines not actionable"] == "1"
    assert overall["Accounts withheld"] == "2"
    assert overall["Demands with content withheld (%)"] == "66.7"
    assert overall["Items declined"] == "1"
    assert overall["Reinstated: expired"] == "1"
    assert overall["Median hours to first decision"] == "3.0"
    countries = {row[0]: row[1] for row in _cells(page, "countries")}
    assert countries == {"India (IN)": "2", "Germany (DE)": "1"}
    authorities = {row[0]: row[1] for row in _cells(page, "authorities")}
    assert authorities == {"TR Ministry (IN)": "2", "TR Court (DE)": "1"}
    assert [row[1:] for row in _cells(page, "outcomes")] == [
        ["0", "0", "1", "0"],
        ["0", "1", "0", "0"],
        ["2", "0", "0", "0"],
    ]

    # A chart opened on its own is drawn under its own policy, with no violation either.
    chart = page.goto(f"/transparency/charts/outcomes.svg?period={PERIOD}")
    assert chart.headers["content-type"] == "image/svg+xml"
    assert "default-src 'none'" in chart.headers["content-security-policy"]
    expect(page.locator("svg.pygal-chart")).to_be_visible()
