"""The API's ``withheld`` extension and its 451 answer point at the public notice of the withholding."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tidings.legal.actions.decisions import do_decide_items

INDIA = {"HTTP_X_TEST_COUNTRY": "IN"}
USA = {"HTTP_X_TEST_COUNTRY": "US"}


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def kisan(make_account):
    return make_account("kisanvoice")


@pytest.fixture
def withhold(import_order, legal):
    """Import an order naming ``line`` and withhold what it matched in India."""

    def run(line: str, reference: str):
        demand = import_order(line, reference=reference).demand
        do_decide_items(demand, "all_matched", action="withhold", reason="order", acting_user=legal)
        return demand

    return run


def notice(settings, demand) -> str:
    return f"http://{settings.DOMAIN}/transparency/notices/{demand.id}"


def test_viewers_outside_the_country_get_the_notice_url_of_a_post_and_an_account(
    settings, kisan, make_post, withhold, api_client, make_account
):
    post = make_post(kisan, "Tractor rally at the border")
    demand = withhold(f"https://localhost:8000/@kisanvoice/{post.id}", "MEITY/1")
    reader = api_client(make_account("reader"))
    status = reader.get(f"/api/v1/statuses/{post.id}", **USA).json()
    assert status["withheld"] == {
        "country_codes": ["IN"],
        "scope": "status",
        "notice_url": notice(settings, demand),
    }
    assert "withheld" not in reader.get(f"/api/v1/accounts/{kisan.id}", **USA).json()
    assert Client().get(status["withheld"]["notice_url"]).status_code == 200


def test_the_author_in_the_country_gets_the_notice_url_of_their_own_account(
    settings, kisan, make_post, withhold, api_client
):
    post = make_post(kisan, "Tractor rally at the border")
    demand = withhold("@kisanvoice", "MEITY/2")
    own = api_client(kisan)
    account = own.get(f"/api/v1/accounts/{kisan.id}", **INDIA).json()
    assert account["withheld"]["notice_url"] == notice(settings, demand)
    status = own.get(f"/api/v1/statuses/{post.id}", **INDIA).json()
    assert status["withheld"] == {
        "country_codes": ["IN"],
        "scope": "account",
        "notice_url": notice(settings, demand),
    }


def test_a_post_withheld_itself_and_through_its_author_points_at_the_accounts_notice(
    settings, kisan, make_post, withhold, api_client, make_account
):
    post = make_post(kisan, "Tractor rally at the border")
    withhold(f"https://localhost:8000/@kisanvoice/{post.id}", "MEITY/3")  # the older withholding
    by_account = withhold("@kisanvoice", "MEITY/4")
    reader = api_client(make_account("reader"))
    status = reader.get(f"/api/v1/statuses/{post.id}", **USA).json()
    assert status["withheld"]["scope"] == "account"
    assert status["withheld"]["notice_url"] == notice(settings, by_account)
    refused = reader.get(f"/api/v1/statuses/{post.id}", **INDIA)
    assert refused.status_code == 451
    assert refused.json()["notice_url"] == status["withheld"]["notice_url"]
    assert refused["Link"] == f'</transparency/notices/{by_account.id}>; rel="blocked-by"'


def test_the_451_answer_carries_the_notice_url_in_its_body(
    settings, kisan, make_post, withhold, api_client, make_account
):
    post = make_post(kisan, "Tractor rally at the border")
    demand = withhold(f"https://localhost:8000/@kisanvoice/{post.id}", "MEITY/5")
    response = api_client(make_account("reader")).get(f"/api/v1/statuses/{post.id}", **INDIA)
    assert response.status_code == 451
    assert response.json() == {
        "error": "This post from @kisanvoice has been withheld in India in response to a legal "
        "demand.",
        "notice_url": notice(settings, demand),
    }


@pytest.mark.django_db
def test_the_openapi_document_describes_the_notice_url():
    description = Client().get("/api/openapi.json").json()["info"]["description"]
    assert '"notice_url"' in description
    assert "public notice" in description


def test_a_timeline_of_withheld_posts_costs_the_same_queries_however_many_are_withheld(
    kisan, make_post, withhold, api_client, make_account
):
    reader = api_client(make_account("reader"))

    def public_timeline_queries(withheld: int) -> int:
        reader.get("/api/v1/timelines/public", **USA)  # the first after a decision reloads
        with CaptureQueriesContext(connection) as queries:
            statuses = reader.get("/api/v1/timelines/public", **USA).json()
        assert sum(1 for s in statuses if s.get("withheld", {}).get("notice_url")) == withheld
        return len(queries)

    def withhold_posts(count: int, reference: str) -> None:
        posts = [make_post(kisan, f"Dispatch {reference} {n}") for n in range(count)]
        withhold("\n".join(f"https://localhost:8000/@kisanvoice/{p.id}" for p in posts), reference)

    withhold_posts(2, "MEITY/6")
    few = public_timeline_queries(2)
    withhold_posts(10, "MEITY/7")
    assert public_timeline_queries(12) == few
