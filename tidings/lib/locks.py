"""The one lock order of Tidings (DESIGN.md invariant 9), and the helpers that take it.

An action that takes several row locks takes them in this order, and never
goes back to an earlier one:

1. **The legal state** (``LegalStateVersion``, the single row ``bump_version``
   rewrites): taken *first* by every legal action that changes withholdings,
   decisions or confirmations, or what the withheld index carries of an order
   (publishing a confidential one) (:func:`lock_legal_state`). Holding it makes
   those actions run one after another, so the locks below cannot cross
   between two of them.
2. **Demands**, then **demand items** (in id order), then **withholdings**
   (in id order): the rows the action reads with ``select_for_update`` or
   updates. Deciding an appeal locks the **appeal** right after the legal
   state, before what lifting its withholding takes.
3. **Account and post rows** whose counters the action moves
   (``followers_count``, ``reposts_count``, …): updated with ``F()``
   expressions, in the order the action names them, and never locked for
   longer than the transaction. Moderation takes, before these, the reporter's
   account row (filing a report) or the **report** row (acting on it), then the
   post it removes (``social/actions/moderation.py``). Filing an appeal of a
   moderation action locks its **notice** row; deciding one locks the
   **moderation appeal** row, then its notice, then the account it lifts a
   suspension or limit from (``social/actions/moderation_appeals.py``).
4. **One audit chain head** (``ChainHead``, one row per stream, locked by
   ``record_events``): *always last*. Every action writes its audit events at
   the end of its transaction, after every other write, so a head is held only
   for the moment of appending and never while waiting for another lock. A
   transaction holds at most one head: it takes a free one (``SKIP LOCKED``),
   and a second ``record_events`` in the same transaction takes the same head
   again (tidings/audit/chain.py).

A check-then-create that no unique constraint can guard (an e-mail address may
be shared by accounts staff create, but not taken twice at sign-up) first takes
a **named lock** on the value (:func:`lock_value`), before any row lock.

Order intake takes no lock of step 1: it only inserts new rows (the authority
with ``get_or_create`` on a unique constraint) and appends to the chain last.

On SQLite every write transaction starts with ``BEGIN IMMEDIATE`` (see
``DATABASES`` in settings), which takes the single database write lock at the
start, so writers queue (up to the busy timeout) instead of deadlocking;
``select_for_update`` is a no-op there.
"""

from __future__ import annotations

import secrets

from django.db import transaction


def lock_legal_state() -> None:
    """Take lock 1 (the legal-state version row); call first in a legal action's transaction."""
    from tidings.legal.models import LegalStateVersion

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_legal_state() is called inside the action's transaction")
    LegalStateVersion.objects.select_for_update().get_or_create(
        id=1, defaults={"version": secrets.randbits(62) + 1}
    )


def lock_value(namespace: str, value: str) -> None:
    """Serialise the transactions that check for ``value`` and then create it; held to commit.

    PostgreSQL: a transaction-level advisory lock on a hash of the pair (two
    values may share a hash; they then merely wait for each other). SQLite:
    nothing to do, ``BEGIN IMMEDIATE`` already runs writers one at a time.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("lock_value() is called inside the action's transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{namespace}:{value}"]
            )
