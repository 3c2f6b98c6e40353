"""Two staff deciding the same appeal at once: exactly one decision wins, the other is refused.

Run on PostgreSQL too (``TIDINGS_DATABASE_URL``): there the appeal's row lock is real.
"""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection

from tests.legal.test_lock_order import run_together
from tidings.audit.chain import verify_chain
from tidings.audit.models import AuditEvent
from tidings.legal.actions.appeals import do_file_appeal, do_grant_appeal, do_reject_appeal
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.models import Appeal, AppealStatus, Withholding
from tidings.lib.errors import InvalidInput

ROUNDS = 8 if connection.vendor == "postgresql" else 3


@pytest.fixture
def open_appeal(concurrent_database, make_account, import_order, legal_admin):
    """Per call: a fresh account withheld in India that has filed an appeal."""
    counter = iter(range(1000))

    def make() -> Appeal:
        owner = make_account(f"owner{next(counter)}")
        demand = import_order(f"@{owner.username}").demand
        do_decide_items(
            demand, "all_matched", action="withhold", reason="order", acting_user=legal_admin
        )
        withholding = Withholding.objects.get(account=owner)
        return do_file_appeal(withholding, text="Please reconsider.", acting_user=owner)

    return make


def test_granting_and_rejecting_at_once_decide_the_appeal_exactly_once(
    open_appeal, legal, legal_admin
):
    for _ in range(ROUNDS):
        appeal = open_appeal()
        errors = run_together(
            [
                partial(do_grant_appeal, appeal, reason="Lawful.", acting_user=legal),
                partial(do_reject_appeal, appeal, reason="Order stands.", acting_user=legal_admin),
            ]
        )
        assert len(errors) == 1 and isinstance(errors[0], InvalidInput), errors
        assert "was already" in str(errors[0])
        appeal.refresh_from_db()
        withholding = Withholding.objects.get(id=appeal.withholding_id)
        if appeal.status == AppealStatus.GRANTED:
            assert withholding.lift_reason == "appeal granted"
        else:
            assert appeal.status == AppealStatus.REJECTED and withholding.lifted_at is None
    decisions = AuditEvent.objects.filter(action__in=["legal.appeal.grant", "legal.appeal.reject"])
    assert decisions.count() == ROUNDS
    assert list(verify_chain()) == []


def test_two_staff_granting_at_once_lift_once(open_appeal, legal, legal_admin):
    appeal = open_appeal()
    errors = run_together(
        [
            partial(do_grant_appeal, appeal, reason="Lawful.", acting_user=staff)
            for staff in (legal, legal_admin)
        ]
    )
    assert [str(e) for e in errors] == [f"Appeal A-{appeal.id} was already granted."]
    assert AuditEvent.objects.filter(action="legal.lift").count() == 1
    assert AuditEvent.objects.filter(action="legal.appeal.grant").count() == 1
