"""The database itself refuses to change or remove audit events (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from tidings.audit.guard import audit_maintenance
from tidings.audit.models import AuditEvent, ChainHead


@pytest.fixture
def some_events(alice, bob, make_post):
    make_post(alice, "first")
    return list(AuditEvent.objects.order_by("seq"))


def _refused(sql: str) -> None:
    refused = pytest.raises(IntegrityError, match="audit events cannot be changed or removed")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_the_database_refuses_to_update_an_event(some_events):
    _refused("UPDATE audit_auditevent SET action = 'post.delete' WHERE seq = 2")
    assert AuditEvent.objects.get(seq=2).action == "account.create"


def test_the_database_refuses_to_delete_an_event(some_events):
    _refused("DELETE FROM audit_auditevent WHERE seq = 3")
    assert AuditEvent.objects.count() == 3


def test_the_database_refuses_to_delete_every_event(some_events):
    _refused("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 3


def test_the_orm_is_refused_too(some_events):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(subject_id="someone else")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()


def test_the_database_refuses_to_empty_the_log_wholesale(some_events):
    """TRUNCATE on PostgreSQL; SQLite has none, and its unfiltered DELETE is refused above."""
    if connection.vendor == "postgresql":
        _refused("TRUNCATE audit_auditevent")
    else:
        _refused("DELETE FROM audit_auditevent WHERE 1")
    assert AuditEvent.objects.count() == 3


def test_the_chain_head_still_moves(some_events, make_post, alice):
    before = ChainHead.objects.get(id=1).last_seq
    make_post(alice, "again")
    assert ChainHead.objects.get(id=1).last_seq == before + 1


def test_the_maintenance_hatch_lasts_one_transaction(some_events):
    with audit_maintenance():
        AuditEvent.objects.filter(seq=3).delete()
    assert AuditEvent.objects.count() == 2
    _refused("DELETE FROM audit_auditevent WHERE seq = 2")


@pytest.mark.django_db(transaction=True)
def test_flush_may_empty_the_log_and_the_refusal_holds_after_it(some_events, make_account):
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    make_account("after_the_flush")
    _refused("DELETE FROM audit_auditevent")


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_are_flushed_with_their_audit_events(make_account):
    """pytest-django empties the database after this test with `flush`: it must not be refused."""
    make_account("flushed")
    assert AuditEvent.objects.count() == 1
