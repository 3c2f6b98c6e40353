"""A handle on another server is never our namesake until a reviewer accepts the suggestion."""

from __future__ import annotations

import pytest

from tidings.audit.models import AuditEvent
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.suggestions import do_accept_suggestion
from tidings.legal.models import DemandItem
from tidings.lib.errors import InvalidInput, NotPermitted


@pytest.fixture
def alice(make_account):
    return make_account("alice")


def only_item(result) -> DemandItem:
    (item,) = DemandItem.objects.filter(demand=result.demand)
    return item


def test_a_handle_on_another_server_is_stored_unknown_with_the_namesake_suggested(
    import_order, alice
):
    item = only_item(import_order("https://example.social/@alice"))
    assert (item.match_status, item.account_id, item.suggested_account_id) == (
        "unknown",
        None,
        alice.id,
    )
    assert item.match_reason == "an account on example.social, not on this server"


def test_accepting_the_suggestion_matches_the_item_and_records_who_did(import_order, alice, legal):
    item = only_item(import_order("@alice@example.social"))
    do_accept_suggestion(item, acting_user=legal)
    item.refresh_from_db()
    assert (item.match_status, item.account_id) == ("matched", alice.id)
    assert item.match_reason == "accepted suggestion by @lex"
    event = AuditEvent.objects.get(action="legal.item.accept_suggestion")
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        legal.id,
        "demand_item",
        str(item.id),
    )
    assert event.data["account"] == alice.id
    assert event.data["previous_reason"] == "an account on example.social, not on this server"


def test_an_accepted_item_can_then_be_withheld(import_order, alice, legal):
    result = import_order("example.social/users/alice")
    do_accept_suggestion(only_item(result), acting_user=legal)
    (decided,) = do_decide_items(
        result.demand, "all_matched", action="withhold", reason="order", acting_user=legal
    )
    assert decided.review_state == "withheld"


def test_only_desk_staff_may_accept_a_suggestion(import_order, alice, make_account):
    item = only_item(import_order("@alice@example.social"))
    with pytest.raises(NotPermitted):
        do_accept_suggestion(item, acting_user=make_account("mallory"))
    item.refresh_from_db()
    assert (item.match_status, item.account_id) == ("unknown", None)
    assert not AuditEvent.objects.filter(action="legal.item.accept_suggestion").exists()


def test_an_item_without_a_suggestion_cannot_be_accepted(import_order, legal):
    item = only_item(import_order("@nobody@example.social"))
    with pytest.raises(InvalidInput, match="no suggested account"):
        do_accept_suggestion(item, acting_user=legal)


def test_a_suggestion_is_accepted_once(import_order, alice, legal):
    item = only_item(import_order("@alice@example.social"))
    do_accept_suggestion(item, acting_user=legal)
    with pytest.raises(InvalidInput, match="not unknown"):
        do_accept_suggestion(item, acting_user=legal)
    assert AuditEvent.objects.filter(action="legal.item.accept_suggestion").count() == 1
