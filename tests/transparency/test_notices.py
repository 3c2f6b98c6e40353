"""Withheld content answers 451 in its country with a link to the public notice, and the notice page."""

from __future__ import annotations

import pytest
from django.test import Client

from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.intake import do_import_demand

INDIA = {"HTTP_X_TEST_COUNTRY": "IN"}
USA = {"HTTP_X_TEST_COUNTRY": "US"}


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def withheld_order(make_account, make_post):
    legal = make_account("lex", role="legal")
    farmer = make_account("kisanvoice", display_name="Kisan Voice")
    post = make_post(farmer, "#FarmersProtest at the border")
    demand = do_import_demand(
        "@kisanvoice",
        authority_name="Ministry of Electronics and Information Technology",
        country="IN",
        reference="MEITY/2021/257",
        legal_basis_code="IN-ITA-69A",
        confidential=False,
        acting_user=legal,
    ).demand
    do_decide_items(demand, "all_matched", action="withhold", reason="order", acting_user=legal)
    return demand, post


def test_withheld_profile_answers_451_in_india_with_the_notice_link(client: Client, withheld_order):
    demand, _ = withheld_order
    response = client.get("/@kisanvoice", **INDIA)
    assert response.status_code == 451
    assert "@kisanvoice has been withheld in India in response to a legal demand." in (
        response.content.decode()
    )
    assert response["Link"] == f'</transparency/notices/{demand.id}>; rel="blocked-by"'


def test_withheld_post_answers_451_in_india_and_200_in_the_us(client: Client, withheld_order):
    _, post = withheld_order
    assert client.get(f"/@kisanvoice/{post.id}", **INDIA).status_code == 451
    response = client.get(f"/@kisanvoice/{post.id}", **USA)
    assert response.status_code == 200
    assert "#FarmersProtest" in response.content.decode()


def test_public_notice_names_the_authority_basis_and_outcome(client: Client, withheld_order):
    demand, _ = withheld_order
    text = client.get(f"/transparency/notices/{demand.id}").content.decode()
    assert "Ministry of Electronics and Information Technology" in text
    assert "MEITY/2021/257" in text
    assert "IN-ITA-69A" in text
    assert "Withheld in India: 1" in text


def test_confidential_notice_hides_the_reference(client: Client, make_account):
    legal = make_account("lex", role="legal")
    demand = do_import_demand(
        "@nobody",
        authority_name="Ministry",
        country="IN",
        reference="SECRET-1",
        confidential=True,
        acting_user=legal,
    ).demand
    text = client.get(f"/transparency/notices/{demand.id}").content.decode()
    assert "SECRET-1" not in text
    assert "confidential" in text


def test_unknown_notice_is_a_404(client: Client, db):
    assert client.get("/transparency/notices/12345").status_code == 404
    assert client.get("/transparency/notices/not-a-number").status_code == 404
