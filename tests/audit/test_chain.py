from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tidings.audit.guard import audit_maintenance
from tidings.audit.models import AuditEvent
from tidings.audit.verify import verify_chain


@pytest.fixture
def some_events(alice, bob, make_post):
    make_post(alice, "first")
    make_post(bob, "second")
    return list(AuditEvent.objects.order_by("seq"))


def test_actions_write_a_chained_event_each(some_events):
    actions = [e.action for e in some_events]
    assert actions == ["account.create", "account.create", "post.create", "post.create"]
    for before, after in zip(some_events, some_events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert list(verify_chain()) == []


def test_verify_command_reports_an_intact_chain(some_events, capsys):
    call_command("audit", "verify")
    assert "4 events verified" in capsys.readouterr().out


def test_editing_a_row_is_detected_at_that_row(some_events):
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'post.delete' WHERE seq = 3")
    with pytest.raises(CommandError, match="event #3 was altered"):
        call_command("audit", "verify")


def test_removing_a_middle_row_is_detected(some_events):
    with audit_maintenance():
        AuditEvent.objects.filter(seq=2).delete()
    problems = list(verify_chain())
    assert problems[0].seq == 2
    assert "missing" in problems[0].reason


def test_removing_the_newest_row_is_detected(some_events):
    with audit_maintenance():
        AuditEvent.objects.filter(seq=4).delete()
    assert "chain head records 4 events but 3" in list(verify_chain())[0].reason


def test_reordering_rows_is_detected(some_events):
    first, second = AuditEvent.objects.get(seq=1), AuditEvent.objects.get(seq=2)
    with audit_maintenance():
        AuditEvent.objects.filter(seq=1).update(seq=-1)
        AuditEvent.objects.filter(seq=2).update(seq=1)
        AuditEvent.objects.filter(seq=-1).update(seq=2)
    assert first.hash != second.hash
    assert list(verify_chain())[0].seq == 1
