"""Staff deciding, lifting and confirming at the same moment never deadlock.

Each round runs ``do_decide_items``, ``do_lift_withholdings`` and
``do_confirm_demand`` from three threads released together; every thread has
its own database connection. On PostgreSQL the row locks are real, so this is
the test that catches two actions taking the same locks in different orders;
on SQLite (one writer at a time, a file database) a few rounds check that
writers queue instead of failing with "database is locked".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection, connections

from tidings.audit.chain import verify_chain
from tidings.audit.models import AuditEvent
from tidings.legal.actions.decisions import do_confirm_demand, do_decide_items
from tidings.legal.actions.withholding import do_lift_withholdings
from tidings.legal.models import Demand, ReviewState, Withholding
from tidings.lib.errors import InvalidInput

ON_POSTGRES = connection.vendor == "postgresql"
ROUNDS = 30 if ON_POSTGRES else 5


def run_together(actions: list[Callable[[], object]]) -> list[BaseException]:
    """Run each action in its own thread, all released at once; the exceptions they raised."""
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            action()
        except BaseException as error:  # noqa: BLE001 - every failure is the finding
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "an action never finished"
    return errors


@pytest.fixture
def desk_round(concurrent_database, make_account, import_order, legal_admin):
    """Per round: a fresh order to decide, withholdings to lift and an emergency order to confirm."""
    counter = iter(range(10_000))

    def make() -> tuple[Demand, list[Withholding], Demand]:
        n = next(counter)
        handles = [make_account(f"target{n}_{i}").username for i in range(6)]
        to_decide = import_order("\n".join(f"@{h}" for h in handles[:2])).demand
        to_lift = import_order("\n".join(f"@{h}" for h in handles[2:4])).demand
        do_decide_items(
            to_lift, "all_matched", action="withhold", reason="order", acting_user=legal_admin
        )
        lifted = list(Withholding.objects.filter(demand_item__demand=to_lift))
        to_confirm = import_order(
            "\n".join(f"@{h}" for h in handles[4:]), kind="emergency_order"
        ).demand
        do_decide_items(
            to_confirm, "all_matched", action="withhold", reason="urgent", acting_user=legal_admin
        )
        return to_decide, lifted, to_confirm

    return make


def test_decide_lift_and_confirm_at_once_never_deadlock(
    concurrent_database, desk_round, legal_admin
):
    for _ in range(ROUNDS):
        to_decide, to_lift, to_confirm = desk_round()
        errors = run_together(
            [
                partial(
                    do_decide_items,
                    to_decide,
                    "all_matched",
                    action="withhold",
                    reason="order",
                    acting_user=legal_admin,
                ),
                partial(
                    do_lift_withholdings,
                    to_lift,
                    reason="order withdrawn",
                    acting_user=legal_admin,
                ),
                partial(do_confirm_demand, to_confirm, acting_user=legal_admin),
            ]
        )
        assert errors == []
    assert list(verify_chain()) == []
    assert Withholding.objects.filter(lifted_at__isnull=True).count() == ROUNDS * 4
    assert not Demand.objects.filter(kind="emergency_order", confirmed_at__isnull=True).exists()
    assert not Demand.objects.filter(items__review_state=ReviewState.PENDING).exists()


def test_the_same_lift_and_confirmation_by_two_staff_at_once_happen_once(
    concurrent_database, desk_round, legal_admin, make_account
):
    other_admin = make_account("lexb", role="legal_admin")
    _, to_lift, to_confirm = desk_round()
    errors = run_together(
        [
            partial(do_lift_withholdings, to_lift, reason="order withdrawn", acting_user=staff)
            for staff in (legal_admin, other_admin)
        ]
        + [
            partial(do_confirm_demand, to_confirm, acting_user=s)
            for s in (legal_admin, other_admin)
        ]
    )
    assert sorted(str(e) for e in errors) == [
        "This order is already confirmed.",
        f"Withholding {min(w.id for w in to_lift)} was already lifted.",
    ]
    assert all(isinstance(e, InvalidInput) for e in errors)
    assert AuditEvent.objects.filter(action="legal.lift").count() == len(to_lift)
    assert AuditEvent.objects.filter(action="legal.confirm").count() == 1
    assert list(verify_chain()) == []
