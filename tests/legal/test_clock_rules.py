"""What the rule packs change at intake and at decision: confidentiality, the US refusal, deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tidings.legal import queries
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.intake import do_import_demand
from tidings.legal.clock_queries import clocks_of_demand
from tidings.legal.models import DemandItem, ReviewState, Withholding
from tidings.lib.errors import InvalidInput


@pytest.fixture
def kisan(make_account):
    return make_account("kisanvoice")


def take_in(legal, country: str, **fields):
    fields.setdefault("reference", f"{country}/2021/001")
    return do_import_demand(
        "@kisanvoice",
        authority_name="The authority",
        country=country,
        acting_user=legal,
        **fields,
    ).demand


@pytest.mark.parametrize(("country", "confidential"), [("IN", True), ("DE", False), ("US", False)])
def test_an_order_is_confidential_when_its_pack_says_so_unless_intake_says_otherwise(
    legal, kisan, country, confidential
):
    assert take_in(legal, country).confidential is confidential
    assert take_in(legal, country, reference="2", confidential=False).confidential is False
    assert take_in(legal, country, reference="3", confidential=True).confidential is True


def test_a_us_order_that_is_not_a_court_order_cannot_be_withheld_only_declined(legal, kisan):
    demand = take_in(legal, "US")
    with pytest.raises(InvalidInput, match="court order") as refused:
        do_decide_items(demand, "all_matched", action="withhold", reason="asked", acting_user=legal)
    assert "United States" in refused.value.message
    assert not Withholding.objects.exists()
    assert DemandItem.objects.get(demand=demand).review_state == ReviewState.PENDING
    do_decide_items(demand, "all_matched", action="decline", reason="US policy", acting_user=legal)
    assert DemandItem.objects.get(demand=demand).review_state == ReviewState.DECLINED


def test_a_us_court_order_can_be_withheld_in_the_us(legal, kisan):
    demand = take_in(legal, "US", kind="court_order")
    do_decide_items(demand, "all_matched", action="withhold", reason="court", acting_user=legal)
    assert Withholding.objects.get().countries == ["US"]


def test_the_demand_due_at_is_its_action_clock_and_the_deadline_closes_when_acted_on(legal, kisan):
    demand = take_in(legal, "IN", received_at=timezone.now() - timedelta(hours=30))
    board = clocks_of_demand(demand)
    action = next(r for r in board.rows if r.clock.key == "action")
    assert demand.due_at == action.clock.due_at
    deadline = queries.demand_deadline(demand, timezone.now())
    assert deadline.open and deadline.text == "due in 5 h" and not deadline.overdue
    do_decide_items(demand, "all_matched", action="decline", reason="no", acting_user=legal)
    demand.refresh_from_db()
    assert not queries.demand_deadline(demand, timezone.now()).open


def test_an_overdue_indian_order_shows_overdue_on_the_list(legal, kisan):
    take_in(legal, "IN", received_at=timezone.now() - timedelta(hours=38, minutes=1))
    (row,) = queries.list_demands(acting_user=legal).rows
    assert row.deadline.overdue and row.deadline.text == "overdue by 2 h"


def test_a_changed_action_setting_applies_to_new_orders_not_to_those_taken_in(
    legal, kisan, settings
):
    received = timezone.now() - timedelta(hours=1)
    before = take_in(legal, "IN", received_at=received)
    settings.TIDINGS_IN_ACTION_HOURS = 24
    after = take_in(legal, "IN", reference="2", received_at=received)
    assert before.due_at == received + timedelta(hours=36)
    assert after.due_at == received + timedelta(hours=24)
    action = next(r for r in clocks_of_demand(before).rows if r.clock.key == "action")
    assert action.clock.due_at == before.due_at
