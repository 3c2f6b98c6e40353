"""After a withholding's end passes, the counts say expired, not withheld (no job needed)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.models import Withholding
from tidings.legal.queries import demand_counts


def withhold_all(import_order, legal, until):
    demand = import_order("@alice\n@bob\n").demand
    do_decide_items(
        demand, "all_matched", action="withhold", reason="order", until=until, acting_user=legal
    )
    return demand


def test_a_withholding_in_force_counts_as_withheld(import_order, legal, make_account):
    make_account("alice"), make_account("bob")
    demand = withhold_all(import_order, legal, timezone.now() + timedelta(hours=6))
    assert demand_counts(demand).review == {"withheld": 2}


def test_an_ended_withholding_counts_as_expired(import_order, legal, make_account):
    make_account("alice"), make_account("bob")
    demand = withhold_all(import_order, legal, timezone.now() + timedelta(hours=6))
    first = Withholding.objects.order_by("id").first()
    # The clock moves past one end: the same as six hours passing.
    Withholding.objects.filter(id=first.id).update(ends_at=timezone.now() - timedelta(minutes=1))
    counts = demand_counts(demand)
    assert (counts.matched("withheld"), counts.matched("expired")) == (1, 1)
    assert counts.by_key["expired"] == 1
