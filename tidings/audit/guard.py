"""The database's refusal to change or remove audit events, and its one escape hatch.

Migration 0003 makes the database itself refuse UPDATE and DELETE on
``audit_auditevent`` (and TRUNCATE on PostgreSQL). This stops accidents and
casual rewriting (a stray ``.delete()``, a hand-typed ``UPDATE`` in a SQL
shell); it does not stop someone with full database access, who can drop the
triggers. Against them the keyed chain and the checkpoints published outside
the database are the guarantee.

The hatch, :func:`audit_maintenance`, lifts the refusal for the current
transaction only: on PostgreSQL with ``SET LOCAL tidings.audit_maintenance``,
on SQLite with a row in ``audit_maintenance`` that is inserted and deleted
inside the same transaction (no other connection ever sees it). ``flush``
(used between transactional tests) is its only user in the product.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction

REFUSAL = "audit events cannot be changed or removed"


@contextmanager
def audit_maintenance(using: str = "default") -> Iterator[None]:
    """Within this block (one transaction), the audit event table may be changed."""
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('tidings.audit_maintenance', 'on', true)")
            else:
                cursor.execute("INSERT INTO audit_maintenance (active) VALUES (1)")
        try:
            yield
        finally:
            # Closed again explicitly: inside an outer transaction this block is only a
            # savepoint, and both settings would otherwise outlive it.
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT set_config('tidings.audit_maintenance', 'off', true)")
                else:
                    cursor.execute("DELETE FROM audit_maintenance")
