from __future__ import annotations

import stat
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from tidings.audit.chain import GENESIS_HASH, EventSpec, legacy_hash, record_events
from tidings.audit.guard import audit_maintenance
from tidings.audit.keys import forget_loaded_keys, key_from_secret, load_audit_key
from tidings.audit.models import KEYED_SCHEME, LEGACY_SCHEME, AuditEvent, ChainHead
from tidings.audit.verify import walk_chain


@pytest.fixture
def some_events(alice, bob, make_post):
    make_post(alice, "first")
    make_post(bob, "second")
    return list(AuditEvent.objects.order_by("seq"))


def test_events_are_keyed_with_the_key_in_the_data_dir(some_events, audit_key_file, audit_key):
    assert {e.scheme for e in some_events} == {KEYED_SCHEME}
    assert {e.key_id for e in some_events} == {audit_key.key_id}
    assert stat.S_IMODE(audit_key_file.stat().st_mode) == 0o600
    assert audit_key_file.read_text().strip() not in str(list(AuditEvent.objects.values()))


def test_the_key_from_the_environment_wins_over_the_file(settings, db, audit_key_file):
    audit_key_file.write_text("from-the-file")
    settings.TIDINGS_AUDIT_KEY = "from-the-environment"
    with transaction.atomic():
        event = record_events([EventSpec("account.update_profile", None)])[0]
    assert event.key_id == key_from_secret("from-the-environment").key_id
    assert event.key_id != key_from_secret("from-the-file").key_id


def test_verifying_with_another_key_fails_at_the_first_event(settings, some_events):
    settings.TIDINGS_AUDIT_KEY = "not-the-key-the-log-was-written-with"
    with pytest.raises(CommandError, match="event #1 was not written with this server's audit key"):
        call_command("audit", "verify")


def test_verify_without_the_key_checks_links_and_says_what_it_cannot_prove(some_events, capsys):
    call_command("audit", "verify", "--no-key")
    out = capsys.readouterr().out
    assert "links intact: 4 events" in out
    assert "without the audit key, a rewrite of the whole chain cannot be detected" in out.lower()


def test_verify_with_the_key_file_missing_checks_links_only(some_events, audit_key_file, capsys):
    audit_key_file.unlink()
    forget_loaded_keys()  # as in a new process
    call_command("audit", "verify")
    assert "a rewrite of the whole chain cannot be detected" in capsys.readouterr().out


def test_verify_without_the_key_still_finds_a_broken_link(some_events):
    with audit_maintenance():
        AuditEvent.objects.filter(seq=2).delete()
    with pytest.raises(CommandError, match="event #2 is missing"):
        call_command("audit", "verify", "--no-key")


def test_no_new_key_is_made_when_the_log_was_written_with_a_lost_one(
    some_events, audit_key_file, alice
):
    audit_key_file.unlink()
    forget_loaded_keys()  # as in a new process
    with pytest.raises(ImproperlyConfigured, match="Restore the key file"), transaction.atomic():
        record_events([EventSpec("account.update_profile", alice.id)])
    assert not audit_key_file.exists()


def test_events_from_before_the_key_still_verify_and_are_counted(db, alice, audit_key_file, capsys):
    """A log written before keying (plain SHA-256, microseconds) verifies as it was written."""
    with audit_maintenance():
        AuditEvent.objects.all().delete()
    old = AuditEvent(
        seq=1,
        created_at=datetime(2021, 2, 1, 9, 30, 15, 123456, tzinfo=UTC),
        actor_id=alice.id,
        action="account.create",
        subject_type="account",
        subject_id=str(alice.id),
        data={},
        scheme=LEGACY_SCHEME,
        prev_hash=GENESIS_HASH,
    )
    old.hash = legacy_hash(old)
    old.save()
    ChainHead.objects.update_or_create(id=1, defaults={"last_seq": 1, "last_hash": old.hash})
    with transaction.atomic():
        record_events([EventSpec("account.update_profile", alice.id)])
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "2 events verified" in out
    assert "1 events predate the audit key" in out


def test_an_unkeyed_event_after_keyed_ones_is_refused(some_events):
    """Downgrading the newest event to plain SHA-256 (which needs no key) is caught."""
    newest = some_events[-1]
    newest.scheme, newest.key_id = LEGACY_SCHEME, ""
    newest.hash = legacy_hash(newest)
    with audit_maintenance():
        newest.save()
    ChainHead.objects.filter(id=1).update(last_hash=newest.hash)
    assert walk_chain(key=None).problems[0].reason == (
        "event #4 is unkeyed but follows keyed events"
    )


def test_data_is_stored_as_hashed_so_a_database_round_trip_keeps_the_hash(alice):
    data = {
        "b": 1e20,
        "a": [0.1, 2.5e-05, 2, "x", 3.0],
        "nested": {"z": True, "y": None},
        "id": 117715250450059778,
        "odd": float("nan"),
    }
    with transaction.atomic():
        event = record_events([EventSpec("account.update_profile", alice.id, data=data)])[0]
    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.data == {
        "a": [0.1, 2.5e-05, 2, "x", 3],
        "b": 100000000000000000000,
        "id": 117715250450059778,
        "nested": {"y": None, "z": True},
        "odd": "NaN",
    }
    assert stored.data == event.data
    assert stored.created_at == event.created_at
    assert stored.created_at.microsecond % 1000 == 0
    assert walk_chain(key=load_audit_key()).intact


def test_the_database_keeps_what_was_hashed(some_events, audit_key):
    from tidings.audit.chain import keyed_hash

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_auditevent")
        assert cursor.fetchone()[0] == 4
    for event in AuditEvent.objects.all():
        assert keyed_hash(event, audit_key) == event.hash


def test_a_machine_with_another_audit_key_cannot_chain_onto_the_log(
    some_events, settings, alice, audit_key
):
    """Two app servers on one database with different keys: the second is refused, loudly."""
    settings.TIDINGS_AUDIT_KEY = "the-other-machines-key"
    other = key_from_secret("the-other-machines-key")
    with (
        pytest.raises(ImproperlyConfigured, match=f"chained with the audit key {audit_key.key_id}"),
        transaction.atomic(),
    ):
        record_events([EventSpec("account.update_profile", alice.id)])
    assert AuditEvent.objects.count() == len(some_events)
    assert not AuditEvent.objects.filter(key_id=other.key_id).exists()
    settings.TIDINGS_AUDIT_KEY = ""  # back to the key the chain was written with
    with transaction.atomic():
        record_events([EventSpec("account.update_profile", alice.id)])
    call_command("audit", "verify")
