"""The dialogue's acts racing each other and the desk's decisions: no deadlock, each act once.

Threads with their own connections, released together (see test_lock_order.py);
on PostgreSQL the row locks are real.
"""

from __future__ import annotations

from functools import partial

from tests.legal.test_lock_order import run_together
from tidings.audit.chain import verify_chain
from tidings.audit.models import AuditEvent
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.dialogue import (
    do_acknowledge_demand,
    do_receive_noncompliance_notice,
    do_send_status_update,
    do_withdraw_demand,
)
from tidings.legal.models import Correspondence, Demand, ReviewState, Withholding
from tidings.lib.errors import InvalidInput


def test_two_staff_acknowledging_at_once_send_one_acknowledgement(
    concurrent_database, import_order, make_account, legal
):
    other = make_account("lexc", role="legal")
    make_account("target_a")
    demand = import_order("@target_a").demand
    errors = run_together(
        [partial(do_acknowledge_demand, demand, acting_user=staff) for staff in (legal, other)]
    )
    assert len(errors) == 1 and isinstance(errors[0], InvalidInput)
    assert "already acknowledged" in str(errors[0])
    assert Correspondence.objects.filter(demand=demand, kind="acknowledgement").count() == 1
    assert AuditEvent.objects.filter(action="legal.acknowledge").count() == 1


def test_withdrawal_deciding_and_letters_at_once_never_deadlock(
    concurrent_database, import_order, make_account, legal
):
    for n in range(3):
        handles = [make_account(f"t{n}_{i}").username for i in range(3)]
        demand = import_order("\n".join(f"@{h}" for h in handles), reference=f"R/{n}").demand
        first = demand.items.get(line_number=1)
        do_decide_items(demand, [first.id], action="withhold", reason="order", acting_user=legal)
        pending = [i.id for i in demand.items.exclude(id=first.id)]
        errors = run_together(
            [
                partial(do_withdraw_demand, demand, body="Withdrawn.", acting_user=legal),
                partial(
                    do_decide_items,
                    demand,
                    pending,
                    action="withhold",
                    reason="order",
                    acting_user=legal,
                ),
                partial(do_send_status_update, demand, acting_user=legal),
                partial(do_receive_noncompliance_notice, demand, body="x", acting_user=legal),
            ]
        )
        # Whatever ran after the withdrawal was refused; what ran before it succeeded.
        assert all(isinstance(e, InvalidInput) for e in errors), errors
        assert all("withdrew this order" in str(e) for e in errors), errors
        assert Demand.objects.get(id=demand.id).status == "withdrawn"
        live = Withholding.objects.filter(demand_item__demand=demand, lifted_at=None)
        assert not live.exists()  # whatever was decided first, the withdrawal lifted it all
        assert not demand.items.filter(review_state=ReviewState.WITHHELD).exists()
    assert list(verify_chain()) == []
