"""The desk's clocks in the browser (test client): the demand page and the due-soon dashboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.web.conftest import page_text
from tidings.legal.actions.intake import do_import_demand
from tidings.legal.models import Demand

CLOCKS = "/desk/clocks"


@pytest.fixture
def kisan(make_account):
    return make_account("kisanvoice")


def take_in(legal, reference: str, received_at: datetime, country: str = "IN") -> Demand:
    return do_import_demand(
        "@kisanvoice",
        authority_name="Ministry of Electronics and Information Technology",
        country=country,
        reference=reference,
        received_at=received_at,
        acting_user=legal,
    ).demand


def test_the_demand_page_shows_its_pack_and_every_clock_in_ist(signed_in, legal, kisan):
    received = datetime(2021, 2, 10, 18, 0, tzinfo=UTC)  # 23:30 IST
    demand = take_in(legal, "MEITY/2021/001", received)
    page = page_text(signed_in(legal).get(reverse("web:desk_demand", args=[demand.id])))
    assert "India: IT Act s.69A, Blocking Rules 2009, IT Rules 2021" in page
    assert "2021-02-12 11:30 IST" in page  # act within 36 hours
    assert "2021-02-11 23:30 IST" in page  # acknowledge within 24 hours
    assert 'data-clock="action" data-state="overdue"' in page
    assert "Rule 3(1)(d): act within 36 hours of actual knowledge" in page
    assert "Tidings service level: every order is acknowledged within 24 hours" in page
    assert "Law" in page and "Policy" in page


def test_the_dashboard_lists_overdue_and_due_soon_clocks_soonest_first(signed_in, legal, kisan):
    now = timezone.now()
    overdue = take_in(legal, "LATE-1", now - timedelta(hours=40))
    soon = take_in(legal, "SOON-2", now - timedelta(hours=19, minutes=30))
    fresh = take_in(legal, "FRESH-3", now - timedelta(minutes=5), country="BR")
    Demand.objects.filter(id=fresh.id).update(acknowledged_at=now)  # 72 h left to act
    page = page_text(signed_in(legal).get(CLOCKS))
    assert "LATE-1" in page and "SOON-2" in page and "FRESH-3" not in page
    assert page.index("LATE-1") < page.index("SOON-2")
    assert reverse("web:desk_demand", args=[overdue.id]) in page
    assert reverse("web:desk_demand", args=[soon.id]) in page
    assert "overdue by 4 h" in page  # LATE-1 should have been acted on 4 hours ago
    assert "due in 16 h" in page  # SOON-2's action clock


def test_the_demand_list_links_to_the_dashboard(signed_in, legal):
    assert CLOCKS in page_text(signed_in(legal).get("/desk/demands"))


def test_an_empty_dashboard_says_nothing_is_due(signed_in, legal):
    assert "Nothing is overdue or due within 24 hours." in page_text(signed_in(legal).get(CLOCKS))


@pytest.mark.parametrize("role", ["user", "moderator", "authority"])
def test_the_dashboard_is_for_desk_staff_only(signed_in, make_account, role):
    response = signed_in(make_account("someone", role=role)).get(CLOCKS)
    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(CLOCKS)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_withholding_on_a_us_order_is_refused_on_the_page_with_the_pack_cited(
    signed_in, legal, kisan
):
    demand = take_in(legal, "DOJ-1", timezone.now(), country="US")
    response = signed_in(legal).post(
        reverse("web:desk_decide", args=[demand.id]),
        {"action": "withhold", "all_matched": "on", "reason": "asked"},
    )
    assert response.status_code == 422
    page = page_text(response)
    assert "United States: court orders only" in page and "not a court order" in page


@pytest.mark.parametrize(
    ("country", "ticked", "confidential"),
    [
        ("IN", False, True),
        ("DE", False, False),
        ("DE", True, True),
    ],
)
def test_the_intake_form_leaves_confidentiality_to_the_pack_unless_ticked(
    signed_in, legal, kisan, country, ticked, confidential
):
    fields = {
        "authority": "The authority",
        "authority_kind": "ministry",
        "country": country,
        "reference": "REF-1",
        "kind": "order",
        "text": "@kisanvoice",
    }
    if ticked:
        fields["confidential"] = "on"
    response = signed_in(legal).post("/desk/demands/new", fields)
    assert response.status_code == 302
    assert Demand.objects.get().confidential is confidential
