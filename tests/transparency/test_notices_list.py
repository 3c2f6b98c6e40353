"""The public list of notices at /transparency/notices and its Atom feed: filters, paging, redaction."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.models import Demand

ATOM = "{http://www.w3.org/2005/Atom}"


def _ids(response) -> list[int]:
    return [int(i) for i in re.findall(r'data-notice="(\d+)"', response.content.decode())]


def _feed_ids(response) -> list[int]:
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    assert root.tag == f"{ATOM}feed"
    links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    return [int(link.rsplit("/", 1)[1]) for link in links]


@pytest.fixture
def orders(import_order, legal):
    """Three orders from two countries and authorities, received in 2026's two halves."""
    meity = import_order(
        "@nobody",
        reference="MEITY/1",
        legal_basis="Section 69A of the Information Technology Act",
        legal_basis_code="IN-ITA-69A",
        received_at=datetime(2026, 2, 1, tzinfo=UTC),
    ).demand
    court = import_order(
        "@nobody",
        authority_name="Delhi High Court",
        reference="CS(OS) 1/2026",
        kind="court_order",
        legal_basis="Defamation",
        legal_basis_code="IN-DEF",
        received_at=datetime(2026, 8, 1, tzinfo=UTC),
    ).demand
    berlin = import_order(
        "@nobody",
        authority_name="Bundesamt für Justiz",
        country="DE",
        reference="BfJ-7",
        legal_basis="NetzDG",
        legal_basis_code="DE-NETZDG",
        received_at=datetime(2026, 9, 15, tzinfo=UTC),
    ).demand
    return meity, court, berlin


def test_the_list_shows_every_notice_newest_first_with_its_public_facts(
    client: Client, orders, make_account, import_order, legal
):
    make_account("dailynews", kind="news")
    decided = import_order("@dailynews", reference="MEITY/2").demand
    do_decide_items(decided, "all_matched", action="withhold", reason="x", acting_user=legal)

    response = client.get("/transparency/notices")

    assert response.status_code == 200
    meity, court, berlin = orders
    assert _ids(response) == [decided.id, berlin.id, court.id, meity.id]
    text = response.content.decode()
    row = text[text.index(f'data-notice="{decided.id}"') :].split("</tr>")[0]
    assert "Ministry of Electronics and Information Technology" in row
    assert "India" in row and "Other legal demand" in row and ">Yes<" in row
    assert "withheld 1" in row
    court_row = text[text.index(f'data-notice="{court.id}"') :].split("</tr>")[0]
    assert "Court order" in court_row and "1 Aug 2026" in court_row
    assert "Germany" in text


def test_unfinished_and_discarded_imports_are_not_listed(client: Client, orders):
    meity, court, berlin = orders
    Demand.objects.filter(id=court.id).update(status="importing")
    Demand.objects.filter(id=berlin.id).update(status="discarded")
    assert _ids(client.get("/transparency/notices")) == [meity.id]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "DE"}, ["berlin"]),
        ({"country": "in"}, ["court", "meity"]),
        ({"basis": "IN-ITA-69A"}, ["meity"]),
        ({"q": "high court"}, ["court"]),
        ({"q": "netzdg"}, ["berlin"]),
        ({"q": "Information Technology Act"}, ["meity"]),
        ({"period": "2026-H2"}, ["berlin", "court"]),
        ({"period": "2026-Q1"}, ["meity"]),
        ({"period": "2026"}, ["berlin", "court", "meity"]),
        ({"from": "2026-08-01", "to": "2026-08-01"}, ["court"]),
        ({"from": "2026-08-02"}, ["berlin"]),
        ({"to": "2026-07-31"}, ["meity"]),
        ({"period": "2026-H2", "to": "2026-08-31"}, ["court"]),
        ({"country": "IN", "period": "2026-H2"}, ["court"]),
        ({"country": "FR"}, []),
    ],
)
def test_the_list_and_the_feed_filter_alike(client: Client, orders, params, expected):
    by_name = dict(zip(("meity", "court", "berlin"), (o.id for o in orders), strict=True))
    wanted = [by_name[name] for name in expected]
    assert _ids(client.get("/transparency/notices", params)) == wanted
    feed = client.get("/transparency/notices.atom", params)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert _feed_ids(feed) == wanted


def test_the_authority_filter_takes_an_authority_id(client: Client, orders):
    meity, court, _ = orders
    response = client.get("/transparency/notices", {"authority": court.authority_id})
    assert _ids(response) == [court.id]
    assert f'<option value="{court.authority_id}" selected>' in response.content.decode()


def test_a_confidential_orders_basis_text_is_not_searchable_until_published(
    client: Client, import_order, legal_admin, settings
):
    from tidings.legal.actions.publication import do_publish_demand

    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 180
    secret = import_order(
        "@nobody",
        reference="SECRET/9",
        legal_basis="Emergency powers, clause 77-zeta",
        legal_basis_code="IN-ITA-69A",
        confidential=True,
    ).demand
    assert _ids(client.get("/transparency/notices", {"q": "77-zeta"})) == []
    assert _ids(client.get("/transparency/notices.atom", {"q": "77-zeta"})) == []
    assert _ids(client.get("/transparency/notices", {"basis": "IN-ITA-69A"})) == [secret.id]

    do_publish_demand(secret, acting_user=legal_admin)

    assert _ids(client.get("/transparency/notices", {"q": "77-zeta"})) == [secret.id]


def test_a_confidential_orders_basis_text_is_searchable_once_its_delay_ran_out(
    client: Client, import_order, settings
):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 30
    old = import_order(
        "@nobody",
        legal_basis="clause 77-zeta",
        confidential=True,
        received_at=timezone.now() - timedelta(days=31),
    ).demand
    import_order("@nobody", legal_basis="clause 77-zeta", confidential=True)
    assert _ids(client.get("/transparency/notices", {"q": "77-zeta"})) == [old.id]


def test_paging_by_id_cursor_walks_every_notice_once_and_keeps_the_filters(
    client: Client, import_order
):
    made = [import_order("@nobody", reference=f"R{n}").demand.id for n in range(7)]
    import_order("@nobody", country="DE", authority_name="BfJ")  # filtered out
    seen: list[int] = []
    url = "/transparency/notices?country=IN&limit=3"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += _ids(response)
        pages += 1
        older = re.search(r'<a rel="next" href="([^"]+)"', response.content.decode())
        url = older.group(1).replace("&amp;", "&") if older else ""
        if url:
            assert "country=IN" in url and "limit=3" in url
    assert seen == sorted(made, reverse=True)
    assert pages == 3


def test_the_list_links_its_feed_and_the_audit_page(client: Client, db):
    text = client.get("/transparency/notices", {"country": "IN"}).content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="New legal demands (Atom)" '
        'href="/transparency/notices.atom?country=IN">'
    ) in text
    assert 'href="/transparency/audit"' in text
    for label in ("Country (code)", "Authority", "Legal basis code", "Period", "Received from"):
        assert f">{label}</label>" in text
    assert "csrfmiddlewaretoken" not in text


def test_feed_entries_carry_only_public_facts(
    client: Client, import_order, make_account, legal, settings
):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 180
    make_account("priya", display_name="Priya Farmer")
    secret = import_order(
        "@priya",
        reference="SECRET/REF/42",
        legal_basis="the secret wording",
        legal_basis_code="IN-ITA-69A",
        confidential=True,
    ).demand
    do_decide_items(
        secret, "all_matched", action="withhold", reason="reason-zq81", acting_user=legal
    )
    feed = client.get("/transparency/notices.atom")
    body = feed.content.decode()
    root = ET.fromstring(feed.content)  # noqa: S314 (our own feed)
    (entry,) = root.findall(f"{ATOM}entry")
    assert "Ministry of Electronics" in entry.find(f"{ATOM}title").text
    assert "Action taken: Yes" in entry.find(f"{ATOM}summary").text
    for secret_text in ("SECRET/REF/42", "the secret wording", "priya", "Priya", "reason-zq81"):
        assert secret_text not in body


def test_the_list_costs_the_same_queries_for_one_row_or_many(
    client: Client, import_order, django_assert_max_num_queries
):
    import_order("@nobody\n@ghost")
    with django_assert_max_num_queries(12) as one:
        client.get("/transparency/notices")
    for n in range(6):
        import_order(f"@nobody\n@ghost{n}", reference=f"R{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/transparency/notices")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"country": "ZZ"}, "is not a country code"),
        ({"country": "India"}, "two-letter"),
        ({"authority": "meity"}, "authority must be"),
        ({"authority": "9" * 30}, "authority must be"),
        ({"basis": "<script>"}, "legal basis code"),
        ({"from": "2026-13-01"}, "'from' is not a date of the calendar"),
        ({"to": "yesterday"}, "YYYY-MM-DD"),
        ({"from": "2026-09-01", "to": "2026-08-01"}, "'from' (2026-09-01) is after 'to'"),
        ({"from": "0001-01-01"}, "year of 'from' must be between 2000 and"),
        ({"period": "2026-H3"}, "must be a year, a half-year or a quarter"),
        ({"period": "9999-Q4"}, "year of 'period' must be between 2000 and"),
        ({"period": "2026-H1", "from": "2026-08-01"}, "have no day in common"),
        ({"max_id": "-5"}, "max_id must be"),
        ({"limit": "0"}, "limit must be"),
        ({"limit": "1000"}, "limit must be"),
        ({"q": "farm\x00ers"}, "contains a NUL character"),
        ({"country": "I\x00"}, "contains a NUL character"),
        ({"q": "farm\x1bers"}, "control characters"),
        ({"q": "x" * 300}, "at most 200"),
        ({"q": "x" * 1_000_000}, "too long"),
        ({"basis": "IN" * 500_000}, "too long"),
    ],
)
def test_a_bad_filter_is_a_400_that_says_what_is_wrong(client: Client, db, params, message):
    for url in ("/transparency/notices", "/transparency/notices.atom"):
        response = client.get(url, params)
        assert response.status_code == 400
        text = unescape(response.content.decode())
        assert message in text
        assert len(text) < 20_000  # the value is not echoed back
