"""Importing an order and deciding its items, with the audit trail each step leaves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from tests.conftest import viewer
from tidings.audit.chain import verify_chain
from tidings.audit.models import AuditEvent
from tidings.legal.actions.decisions import do_confirm_demand, do_decide_items
from tidings.legal.actions.withholding import do_lift_withholdings
from tidings.legal.models import DemandItem, Withholding
from tidings.lib.errors import InvalidInput, NotPermitted, Withheld
from tidings.visibility import access_account


@pytest.fixture
def targets(make_account, make_post):
    farmer = make_account("KisanVoice")
    reporter = make_account("reporter_r", kind="journalist")
    post = make_post(reporter, "#FarmersProtest live")
    return farmer, reporter, post


def order_text(reporter_post) -> str:
    return "\n".join(
        [
            "@kisanvoice",
            "https://twitter.com/KISANVOICE",
            f"https://localhost:8000/@reporter_r/{reporter_post.id}",
            "@nobody_here",
            "not a target!!",
        ]
    )


def test_import_keeps_every_line_with_its_match(import_order, targets):
    farmer, reporter, post = targets
    result = import_order(order_text(post))
    items = list(DemandItem.objects.filter(demand=result.demand).order_by("line_number"))
    assert [(i.line_number, i.match_status) for i in items] == [
        (1, "matched"),
        (2, "duplicate"),
        (3, "matched"),
        (4, "unknown"),
        (5, "invalid"),
    ]
    assert items[0].account_id == farmer.id
    assert items[2].post_id == post.id
    assert items[1].raw == "https://twitter.com/KISANVOICE"
    assert bytes(result.demand.original_bytes) == order_text(post).encode()


def test_import_sets_the_indian_36_hour_deadline(import_order, targets):
    received = timezone.now()
    demand = import_order("@kisanvoice", received_at=received).demand
    assert demand.due_at == received + timedelta(hours=36)
    assert demand.status == "received"


def test_an_unreadable_order_creates_nothing(import_order):
    with pytest.raises(InvalidInput, match="empty"):
        import_order(b"")
    assert not DemandItem.objects.exists()


def test_a_moderator_cannot_import_orders(import_order, make_account):
    with pytest.raises(NotPermitted):
        import_order("@someone", acting_user=make_account("mod", role="moderator"))


def test_bulk_withholding_all_matched_items_hides_them_in_india_only(import_order, targets, legal):
    farmer, reporter, post = targets
    demand = import_order(order_text(post)).demand
    items = do_decide_items(
        demand, "all_matched", action="withhold", reason="s.69A order", acting_user=legal
    )
    assert [i.review_state for i in items] == ["withheld", "withheld"]
    with pytest.raises(Withheld):
        access_account(viewer(None, "IN"), "kisanvoice")
    assert access_account(viewer(None, "US"), "kisanvoice").id == farmer.id
    demand.refresh_from_db()
    assert demand.status == "actioned"


def test_a_bulk_decision_writes_one_audit_event_per_item(import_order, targets, legal):
    demand = import_order(order_text(targets[2])).demand
    before = AuditEvent.objects.aggregate(newest=Max("seq"))["newest"] or 0
    do_decide_items(demand, "all_matched", action="withhold", reason="order", acting_user=legal)
    actions = list(
        AuditEvent.objects.filter(seq__gt=before).order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["legal.decide"] * 2 + ["legal.withhold"] * 2
    assert list(verify_chain()) == []


def test_decisions_need_a_reason(import_order, targets, legal):
    demand = import_order(order_text(targets[2])).demand
    with pytest.raises(InvalidInput, match="reason"):
        do_decide_items(demand, "all_matched", action="decline", reason="", acting_user=legal)


def test_unmatched_items_cannot_be_withheld(import_order, targets, legal):
    demand = import_order(order_text(targets[2])).demand
    unknown = DemandItem.objects.get(demand=demand, match_status="unknown")
    with pytest.raises(InvalidInput, match="only matched items"):
        do_decide_items(demand, [unknown.id], action="withhold", reason="x", acting_user=legal)


def test_a_decided_item_cannot_be_decided_again(import_order, targets, legal):
    demand = import_order(order_text(targets[2])).demand
    first = DemandItem.objects.get(demand=demand, line_number=1)
    do_decide_items(demand, [first.id], action="decline", reason="journalism", acting_user=legal)
    with pytest.raises(InvalidInput, match="is declined; it cannot become withheld"):
        do_decide_items(demand, [first.id], action="withhold", reason="x", acting_user=legal)


def test_escalated_items_are_decided_only_by_a_legal_admin(
    import_order, targets, legal, legal_admin
):
    demand = import_order(order_text(targets[2])).demand
    item = DemandItem.objects.get(demand=demand, line_number=1)
    do_decide_items(demand, [item.id], action="escalate", reason="politician?", acting_user=legal)
    with pytest.raises(NotPermitted, match="legal admin"):
        do_decide_items(demand, [item.id], action="decline", reason="x", acting_user=legal)
    do_decide_items(demand, [item.id], action="decline", reason="speech", acting_user=legal_admin)
    item.refresh_from_db()
    assert item.review_state == "declined"


def test_withholding_until_a_duration_sets_the_end(import_order, targets, legal):
    demand = import_order(order_text(targets[2])).demand
    until = timezone.now() + timedelta(hours=6)
    do_decide_items(
        demand, "all_matched", action="withhold", reason="x", until=until, acting_user=legal
    )
    assert set(Withholding.objects.values_list("ends_at", flat=True)) == {until}


def test_emergency_withholdings_lapse_after_48_hours_unless_confirmed(
    import_order, targets, legal, legal_admin
):
    received = timezone.now()
    demand = import_order(
        order_text(targets[2]), kind="emergency_order", received_at=received
    ).demand
    do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    assert set(Withholding.objects.values_list("ends_at", flat=True)) == {
        received + timedelta(hours=48)
    }
    with pytest.raises(NotPermitted):
        do_confirm_demand(demand, acting_user=legal)
    do_confirm_demand(demand, acting_user=legal_admin)
    assert set(Withholding.objects.values_list("ends_at", flat=True)) == {None}


def test_lifting_marks_the_items_lifted(import_order, targets, legal):
    demand = import_order(order_text(targets[2])).demand
    do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    do_lift_withholdings(
        list(Withholding.objects.all()), reason="restored by us", acting_user=legal
    )
    assert set(
        DemandItem.objects.filter(match_status="matched").values_list("review_state", flat=True)
    ) == {"lifted"}
    assert access_account(viewer(None, "IN"), "kisanvoice")


def test_malformed_decision_input_gets_clear_errors(import_order, targets, legal):
    demand = import_order(order_text(targets[2])).demand
    with pytest.raises(InvalidInput, match="list of ISO codes"):
        do_decide_items(
            demand, "all_matched", action="withhold", reason="x", countries=[7], acting_user=legal
        )
    with pytest.raises(InvalidInput, match="ids of this demand"):
        do_decide_items(demand, [2**70], action="decline", reason="x", acting_user=legal)


def test_a_receipt_time_without_a_zone_is_taken_as_utc(import_order, targets):
    from datetime import datetime

    demand = import_order("@kisanvoice", received_at=datetime(2021, 2, 1, 9, 0)).demand
    assert demand.received_at.isoformat() == "2021-02-01T09:00:00+00:00"


def test_a_demand_whose_withholdings_are_all_lifted_is_closed(import_order, targets, legal):
    demand = import_order(order_text(targets[2])).demand
    do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    do_lift_withholdings(
        list(Withholding.objects.all()), reason="order withdrawn", acting_user=legal
    )
    demand.refresh_from_db()
    assert demand.status == "closed"


def test_releasing_notices_of_an_open_order_is_refused(import_order, targets, legal_admin):
    from tidings.legal.actions.decisions import do_release_notices

    demand = import_order(order_text(targets[2])).demand
    with pytest.raises(InvalidInput, match="not confidential"):
        do_release_notices(demand, acting_user=legal_admin)
