"""A demand's public notice at /transparency/notices/<id>: the facts, the outcomes, and the
targets under the redaction policy (public figures named, private people counted, confidential
orders held back until their delay runs out or a legal admin publishes them)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.publication import do_publish_demand
from tidings.legal.actions.withholding import do_lift_withholdings
from tidings.legal.models import Demand, Withholding

#: Words only staff may read; none of them may reach a public notice.
STAFF_ONLY = ("reason-withhold-q7", "reason-decline-q7", "reason-lift-q7", "reviewerq7")


@pytest.fixture
def reviewer(make_account):
    return make_account("reviewerq7", role="legal")


@pytest.fixture
def decided(import_order, make_account, make_post, reviewer):
    """An open order naming an outlet, a politician's post, two private people, a stranger
    and a repeated line; some withheld, one declined, one reinstated."""
    make_account("dailynews", display_name="The Daily News", kind="news")
    politician = make_account("mpsingh", display_name="R. Singh MP", kind="politician")
    make_account("priya", display_name="Priya Farmer")
    make_account("ravi", display_name="Ravi Grower")
    speech = make_post(politician, "At the border today")
    demand = import_order(
        f"@dailynews\nhttp://localhost:8000/@mpsingh/{speech.id}\n@priya\n@ravi\n@ghost\n@priya",
        reference="MEITY/2021/1178",
        legal_basis="Section 69A of the Information Technology Act, 2000",
        legal_basis_code="IN-ITA-69A",
        acting_user=reviewer,
    ).demand
    items = {i.raw: i.id for i in demand.items.filter(match_status="matched")}
    do_decide_items(
        demand,
        [items["@priya"], items["@ravi"], items["@dailynews"]],
        action="withhold",
        reason="reason-withhold-q7",
        acting_user=reviewer,
    )
    do_decide_items(
        demand,
        [i for raw, i in items.items() if raw.startswith("http")],
        action="decline",
        reason="reason-decline-q7",
        acting_user=reviewer,
    )
    lifted = Withholding.objects.filter(demand_item_id=items["@ravi"])
    do_lift_withholdings(list(lifted), reason="reason-lift-q7", acting_user=reviewer)
    return demand


def _page(client: Client, demand: Demand) -> str:
    response = client.get(f"/transparency/notices/{demand.id}")
    assert response.status_code == 200
    return response.content.decode()


def _outcome(text: str, key: str) -> str:
    return re.search(rf'data-outcome="{key}">([^<]*)</li>', text).group(1)


def test_the_notice_states_who_asked_where_when_under_what_law_and_what_was_done(
    client: Client, decided
):
    text = _page(client, decided)
    assert "Ministry of Electronics and Information Technology" in text
    assert "India (IN)" in text
    assert "Other legal demand" in text
    assert "MEITY/2021/1178" in text
    assert "Section 69A of the Information Technology Act, 2000 (IN-ITA-69A)" in text
    assert '<dd id="action-taken">Partial</dd>' in text
    assert "Not yet decided" not in text  # the first decision's date is shown
    assert _outcome(text, "withheld") == "Withheld in India: 2"
    assert _outcome(text, "lifted") == "Reinstated: 1"
    assert _outcome(text, "declined") == "Declined (no action): 1"
    assert _outcome(text, "pending") == "Still in review: 0"
    assert _outcome(text, "not_actionable") == "Not actionable: 1"
    assert _outcome(text, "duplicate") == "Duplicate lines: 1"


def test_public_figures_are_named_with_their_outcome_and_private_people_only_counted(
    client: Client, decided
):
    text = _page(client, decided)
    named = re.search(r'<table class="desk-table" id="named-targets">(.*?)</table>', text, re.S)
    rows = {
        handle: [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for handle, row in re.findall(
            r'<tr data-handle="([^"]+)"[^>]*>(.*?)</tr>', named.group(1), re.S
        )
    }
    assert rows == {
        "dailynews": [
            "@dailynews",
            "The Daily News",
            "News outlet",
            "Withheld in India until further notice.",
        ],
        "mpsingh": ["@mpsingh, a post", "R. Singh MP", "Politician", "Declined"],
    }
    assert '<a href="http://localhost:8000/@dailynews">@dailynews</a>' in named.group(1)
    counted = re.search(r'<ul id="counted-targets">(.*?)</ul>', text, re.S).group(1)
    assert 'data-outcome="withheld">1 account: Withheld</li>' in counted
    assert 'data-outcome="lifted">1 account: Reinstated</li>' in counted
    for private in ("priya", "Priya", "ravi", "Ravi"):
        assert private not in text


def test_no_reviewer_or_reason_ever_appears(client: Client, decided, import_order, reviewer):
    secret = import_order("@dailynews", confidential=True, acting_user=reviewer).demand
    do_decide_items(
        secret, "all_matched", action="withhold", reason="reason-withhold-q7", acting_user=reviewer
    )
    for demand in (decided, secret):
        text = _page(client, demand)
        for word in STAFF_ONLY:
            assert word not in text
        assert "matched by" not in text.lower()


def test_an_expired_withholding_counts_as_expired_and_the_action_stays_yes(
    client: Client, import_order, make_account, legal
):
    make_account("dailynews", kind="news")
    demand = import_order("@dailynews").demand
    soon = timezone.now() + timedelta(hours=1)
    do_decide_items(
        demand, "all_matched", action="withhold", reason="r", until=soon, acting_user=legal
    )
    Withholding.objects.filter(demand_item__demand=demand).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    text = _page(client, demand)
    assert _outcome(text, "expired") == "Expired (the withholding ended): 1"
    assert _outcome(text, "withheld") == "Withheld in India: 0"
    assert '<dd id="action-taken">Yes</dd>' in text
    assert "that time has passed" in text


def test_a_court_order_is_called_one_and_an_undecided_order_is_pending(
    client: Client, import_order, make_account
):
    make_account("dailynews", kind="news")
    demand = import_order("@dailynews", kind="court_order").demand
    text = _page(client, demand)
    assert "<dt>Kind</dt><dd>Court order</dd>" in text
    assert '<dd id="action-taken">Pending</dd>' in text
    assert "Not yet decided" in text


@pytest.fixture
def confidential(import_order, make_account, legal, settings):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 180
    make_account("dailynews", display_name="The Daily News", kind="news")
    make_account("priya")
    demand = import_order(
        "@dailynews\n@priya",
        reference="SECRET/REF/42",
        legal_basis="the secret wording of clause 9",
        legal_basis_code="IN-ITA-69A",
        confidential=True,
    ).demand
    do_decide_items(demand, "all_matched", action="withhold", reason="r", acting_user=legal)
    return demand


def _details_hidden(text: str) -> None:
    for secret in ("SECRET/REF/42", "the secret wording", "dailynews", "Daily News", "priya"):
        assert secret not in text
    assert 'id="named-targets"' not in text and 'id="counted-targets"' not in text


def test_a_confidential_order_says_it_was_received_what_was_done_and_when_it_is_published(
    client: Client, confidential
):
    text = _page(client, confidential)
    _details_hidden(text)
    assert "A confidential order was received." in text
    due = confidential.received_at + timedelta(days=180)
    assert f'they will be published on <time datetime="{due.isoformat()}">' in text
    assert "IN-ITA-69A" in text  # the statute's code, never the order's wording
    assert _outcome(text, "withheld") == "Withheld in India: 2"
    assert '<dd id="action-taken">Yes</dd>' in text


def test_a_confidential_order_that_is_never_published_by_the_clock_says_who_may_publish_it(
    client: Client, confidential, settings
):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = None
    text = _page(client, confidential)
    _details_hidden(text)
    assert "a legal administrator may publish them." in text


def test_a_confidential_orders_details_appear_once_its_delay_ran_out(client: Client, confidential):
    Demand.objects.filter(id=confidential.id).update(
        received_at=timezone.now() - timedelta(days=181)
    )
    text = _page(client, confidential)
    assert "SECRET/REF/42" in text
    assert "the secret wording of clause 9 (IN-ITA-69A)" in text
    assert "@dailynews" in text and "priya" not in text
    assert "A confidential order was received" not in text


def test_a_confidential_orders_details_appear_once_a_legal_admin_publishes_them(
    client: Client, confidential, legal_admin
):
    do_publish_demand(confidential, acting_user=legal_admin)
    text = _page(client, confidential)
    assert "SECRET/REF/42" in text and "@dailynews" in text
    assert "1 account: Withheld" in text and "priya" not in text


@pytest.mark.parametrize("status", ["importing", "discarded"])
def test_an_unfinished_or_discarded_import_has_no_notice(client: Client, import_order, status):
    demand = import_order("@nobody").demand
    Demand.objects.filter(id=demand.id).update(status=status)
    response = client.get(f"/transparency/notices/{demand.id}")
    assert response.status_code == 404
    assert "There is no such notice." in response.content.decode()


@pytest.mark.parametrize("demand_id", ["12345", "0", "-1", "9" * 30, "1e5", "x" * 100_000, "١٢"])
def test_an_unknown_notice_is_a_404(client: Client, db, demand_id):
    assert client.get(f"/transparency/notices/{demand_id}").status_code == 404


def test_a_nul_byte_in_the_notice_address_is_a_400(client: Client, db):
    assert client.get("/transparency/notices/12%00").status_code == 400


def test_the_notice_links_to_the_report_of_the_half_year_it_was_received_in(
    client: Client, decided
):
    received = decided.received_at
    half = f"{received.year}-H{1 if received.month <= 6 else 2}"
    link = re.search(r'<a href="([^"]+)" id="report-link">([^<]+)</a>', _page(client, decided))
    assert link.group(2) == f"Transparency report for {half}"
    report = client.get(link.group(1).replace("&amp;", "&"))
    assert report.status_code == 200
    assert "Ministry of Electronics and Information Technology" in report.content.decode()


def test_every_page_links_to_the_transparency_report_notices_and_audit_log(client: Client, db):
    text = client.get("/public").content.decode()
    footer = text[text.index('<footer class="site-footer">') :]
    for path, words in (
        ("/transparency", "Transparency report"),
        ("/transparency/notices", "Legal demands received"),
        ("/transparency/audit", "Audit log checkpoints"),
    ):
        assert f'<a href="{path}">{words}</a>' in footer
        assert client.get(path).status_code == 200
