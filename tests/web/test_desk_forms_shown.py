"""The desk shows a form only where its action would act: each form is absent when the action
would refuse (the demand's or item's state, or a legal admin's role) and present when it can."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.web.conftest import page_text
from tidings.legal.actions.appeals import do_file_appeal, do_grant_appeal
from tidings.legal.actions.decisions import do_confirm_demand, do_decide_items, do_release_notices
from tidings.legal.actions.dialogue import (
    do_acknowledge_demand,
    do_receive_noncompliance_notice,
    do_withdraw_demand,
)
from tidings.legal.actions.publication import do_publish_demand
from tidings.legal.models import Demand, DemandItem, DemandKind, DemandStatus, Withholding

DECIDE_FORM = 'id="decide-form"'
LIFT_FORM = 'id="lift-form"'


def _page(client: Client, demand: Demand) -> str:
    response = client.get(f"/desk/demands/{demand.id}")
    assert response.status_code == 200
    return page_text(response)


def _action(demand: Demand, name: str) -> str:
    return f'action="/desk/demands/{demand.id}/{name}"'


def _item(demand: Demand, line: int) -> DemandItem:
    return DemandItem.objects.get(demand=demand, line_number=line)


def _checkbox(item: DemandItem) -> str:
    return f'name="item" value="{item.id}"'


@pytest.fixture
def order(import_order, desk_targets) -> Demand:
    return import_order("@kisanvoice\n@reporter_r").demand


@pytest.fixture
def desk(signed_in, legal) -> Client:
    return signed_in(legal)


@pytest.fixture
def lead(legal_admin) -> Client:
    """A second browser, signed in as a legal admin beside ``desk``."""
    client = Client()
    client.force_login(legal_admin)
    return client


# -- deciding items ------------------------------------------------------------------------------


def test_the_decision_form_is_shown_on_a_demand_with_pending_items(desk, order):
    page = _page(desk, order)
    assert DECIDE_FORM in page
    assert 'name="all_matched"' in page
    assert _checkbox(_item(order, 1)) in page and _checkbox(_item(order, 2)) in page


@pytest.mark.parametrize("status", [DemandStatus.IMPORTING, DemandStatus.DISCARDED])
def test_no_decision_form_while_an_import_is_unfinished_or_discarded(desk, order, status):
    Demand.objects.filter(id=order.id).update(status=status)
    page = _page(desk, order)
    assert DECIDE_FORM not in page
    assert 'name="item"' not in page


def test_no_decision_form_on_a_withdrawn_demand(desk, order, legal):
    do_withdraw_demand(order, acting_user=legal)
    page = _page(desk, order)
    assert DECIDE_FORM not in page
    assert 'name="item"' not in page


def test_no_decision_form_on_a_closed_demand_whose_items_are_all_declined(desk, order, legal):
    do_decide_items(order, "all_matched", action="decline", reason="news", acting_user=legal)
    order.refresh_from_db()
    assert order.status == DemandStatus.CLOSED
    page = _page(desk, order)
    assert DECIDE_FORM not in page
    assert 'name="item"' not in page


def test_declined_and_withheld_items_have_no_decision_checkbox(desk, order, legal):
    first, second = _item(order, 1), _item(order, 2)
    do_decide_items(order, [first.id], action="decline", reason="news", acting_user=legal)
    page = _page(desk, order)
    assert _checkbox(first) not in page and _checkbox(second) in page
    assert 'name="all_matched"' in page

    do_decide_items(order, [second.id], action="withhold", reason="x", acting_user=legal)
    page = _page(desk, order)
    assert DECIDE_FORM not in page  # declined and withheld: no decision can move either
    assert _checkbox(first) not in page and _checkbox(second) not in page


def test_an_escalated_item_is_tickable_only_by_a_legal_admin(desk, lead, order, legal):
    first = _item(order, 1)
    do_decide_items(order, [first.id], action="escalate", reason="unsure", acting_user=legal)
    assert _checkbox(first) not in _page(desk, order)
    assert _checkbox(first) in _page(lead, order)


def test_a_lifted_item_can_be_withheld_again(desk, order, legal):
    do_decide_items(order, "all_matched", action="withhold", reason="x", acting_user=legal)
    page = _page(desk, order)
    assert DECIDE_FORM not in page
    desk.post(
        f"/desk/demands/{order.id}/lift",
        {"all_active": "on", "reason_choice": "other", "reason_text": "court order"},
    )
    assert not Withholding.objects.filter(lifted_at=None).exists()
    page = _page(desk, order)
    assert DECIDE_FORM in page
    assert 'value="withhold"' in page


def test_a_lapsed_emergency_order_offers_no_withholding(desk, import_order, desk_targets):
    received = timezone.now() - timedelta(days=3)
    demand = import_order(
        "@kisanvoice", kind=DemandKind.EMERGENCY_ORDER, received_at=received
    ).demand
    page = _page(desk, demand)
    assert DECIDE_FORM in page  # it can still be declined or escalated
    assert 'value="withhold"' not in page and 'value="decline"' in page
    assert 'name="countries"' not in page
    refused = desk.post(
        f"/desk/demands/{demand.id}/decide",
        {"all_matched": "on", "action": "withhold", "reason": "x", "countries": "IN"},
    )
    assert refused.status_code == 422 and "lapsed" in page_text(refused)


def test_a_refused_decision_is_refused_by_the_same_rule(desk, order, legal):
    do_withdraw_demand(order, acting_user=legal)
    refused = desk.post(
        f"/desk/demands/{order.id}/decide",
        {"all_matched": "on", "action": "decline", "reason": "x"},
    )
    assert refused.status_code == 422
    assert "withdrew this order" in page_text(refused)
    assert DECIDE_FORM not in page_text(refused)


# -- lifting --------------------------------------------------------------------------------------


def test_the_lift_form_is_shown_only_while_a_withholding_is_in_force(desk, order, legal):
    do_decide_items(order, "all_matched", action="withhold", reason="x", acting_user=legal)
    assert LIFT_FORM in _page(desk, order)
    desk.post(
        f"/desk/demands/{order.id}/lift",
        {"all_active": "on", "reason_choice": "other", "reason_text": "court order"},
    )
    page = _page(desk, order)
    assert LIFT_FORM not in page
    assert 'name="withholding"' not in page


# -- a legal admin's buttons ----------------------------------------------------------------------


@pytest.fixture
def emergency(import_order, desk_targets) -> Demand:
    return import_order("@kisanvoice", kind=DemandKind.EMERGENCY_ORDER).demand


def test_confirm_is_offered_to_a_legal_admin_on_an_unconfirmed_emergency_order(
    desk, lead, emergency
):
    assert _action(emergency, "confirm") in _page(lead, emergency)
    assert _action(emergency, "confirm") not in _page(desk, emergency)


def test_no_confirm_for_an_order_that_is_not_an_emergency(lead, order):
    assert _action(order, "confirm") not in _page(lead, order)


def test_no_confirm_once_confirmed(lead, emergency, legal_admin):
    do_confirm_demand(emergency, acting_user=legal_admin)
    assert _action(emergency, "confirm") not in _page(lead, emergency)


def test_no_confirm_once_the_emergency_order_lapsed(lead, import_order, desk_targets):
    received = timezone.now() - timedelta(days=3)
    demand = import_order(
        "@kisanvoice", kind=DemandKind.EMERGENCY_ORDER, received_at=received
    ).demand
    assert _action(demand, "confirm") not in _page(lead, demand)
    assert lead.post(f"/desk/demands/{demand.id}/confirm").status_code == 422


@pytest.fixture
def secret(import_order, desk_targets, settings) -> Demand:
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 180
    return import_order("@kisanvoice", reference="SECRET/1", confidential=True).demand


def test_release_is_offered_to_a_legal_admin_on_a_confidential_order(desk, lead, secret):
    assert _action(secret, "release") in _page(lead, secret)
    assert _action(secret, "release") not in _page(desk, secret)


def test_no_release_when_the_order_is_not_confidential(lead, order):
    assert _action(order, "release") not in _page(lead, order)


def test_no_release_once_the_notices_were_released(lead, secret, legal_admin):
    do_release_notices(secret, acting_user=legal_admin)
    assert _action(secret, "release") not in _page(lead, secret)


def test_publish_is_offered_to_a_legal_admin_on_a_confidential_order(desk, lead, secret):
    assert _action(secret, "publish") in _page(lead, secret)
    assert _action(secret, "publish") not in _page(desk, secret)


def test_no_publish_when_the_order_is_not_confidential(lead, order):
    assert _action(order, "publish") not in _page(lead, order)
    assert lead.post(f"/desk/demands/{order.id}/publish").status_code == 422


def test_no_publish_once_published(lead, secret, legal_admin):
    do_publish_demand(secret, acting_user=legal_admin)
    assert _action(secret, "publish") not in _page(lead, secret)


def test_a_legal_user_sees_none_of_the_admin_buttons(desk, secret):
    page = _page(desk, secret)
    assert 'class="desk-admin"' not in page


# -- letters to the authority ---------------------------------------------------------------------


def test_acknowledge_is_offered_until_the_order_is_acknowledged(desk, order, legal):
    assert _action(order, "acknowledge") in _page(desk, order)
    do_acknowledge_demand(order, acting_user=legal)
    assert _action(order, "acknowledge") not in _page(desk, order)
    assert desk.post(f"/desk/demands/{order.id}/acknowledge").status_code == 422


@pytest.mark.parametrize("status", [DemandStatus.IMPORTING, DemandStatus.DISCARDED])
def test_no_letters_while_an_import_is_unfinished_or_discarded(desk, order, status):
    Demand.objects.filter(id=order.id).update(status=status)
    page = _page(desk, order)
    assert _action(order, "acknowledge") not in page
    assert _action(order, "status_update") not in page
    assert desk.post(f"/desk/demands/{order.id}/status_update").status_code == 422


def test_no_letters_on_a_withdrawn_order(desk, order, legal):
    do_withdraw_demand(order, acting_user=legal)
    page = _page(desk, order)
    assert _action(order, "acknowledge") not in page
    assert _action(order, "status_update") not in page
    assert _action(order, "correspondence") in page  # what it sends is still recorded


def test_the_noncompliance_answer_is_offered_only_while_a_notice_is_open(desk, order, legal):
    assert _action(order, "noncompliance_response") not in _page(desk, order)
    do_receive_noncompliance_notice(order, body="You have not complied.", acting_user=legal)
    assert _action(order, "noncompliance_response") in _page(desk, order)


# -- appeals --------------------------------------------------------------------------------------


@pytest.fixture
def appeal(order, legal, run_on_commit, desk_targets):
    with run_on_commit():
        do_decide_items(order, "all_matched", action="withhold", reason="x", acting_user=legal)
    withholding = Withholding.objects.get(account=desk_targets["farmer"])
    return do_file_appeal(
        withholding, text="I report the news.", acting_user=desk_targets["farmer"]
    )


def _appeal_page(client: Client, appeal) -> str:
    response = client.get(f"/desk/appeals/{appeal.id}")
    assert response.status_code == 200
    return page_text(response)


def test_a_filed_appeal_can_be_acknowledged_and_decided(desk, appeal):
    page = _appeal_page(desk, appeal)
    assert 'id="acknowledge-form"' in page and 'id="decision-form"' in page


def test_an_acknowledged_appeal_offers_no_acknowledge_button(desk, appeal):
    desk.post(f"/desk/appeals/{appeal.id}/acknowledge")
    page = _appeal_page(desk, appeal)
    assert 'id="acknowledge-form"' not in page and 'id="decision-form"' in page
    assert desk.post(f"/desk/appeals/{appeal.id}/acknowledge").status_code == 422


def test_a_decided_appeal_offers_no_form(desk, appeal, legal_admin):
    do_grant_appeal(appeal, reason="News reporting.", acting_user=legal_admin)
    page = _appeal_page(desk, appeal)
    assert 'id="acknowledge-form"' not in page and 'id="decision-form"' not in page


def test_staff_are_offered_no_form_on_their_own_appeal(
    signed_in, order, legal, make_account, make_post, run_on_commit, import_order
):
    clerk = make_account("clerk", role="legal")
    post = make_post(clerk, "My own words")
    demand = import_order(f"https://localhost:8000/@clerk/{post.id}", reference="X/2").demand
    with run_on_commit():
        do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    own = do_file_appeal(Withholding.objects.get(post=post), text="mine", acting_user=clerk)
    page = _appeal_page(signed_in(clerk), own)
    assert 'id="acknowledge-form"' not in page and 'id="decision-form"' not in page
