"""Someone with write access to the database, but not the audit key, rewrites the record.

Each attack bypasses the database's own refusal (the maintenance hatch stands in
for dropping the triggers) and is then caught by
``tidings audit verify --checkpoints FILE``.
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tidings.audit.chain import GENESIS_HASH, keyed_hash, legacy_hash
from tidings.audit.checkpoints import write_checkpoint
from tidings.audit.guard import audit_maintenance
from tidings.audit.keys import key_from_secret
from tidings.audit.models import LEGACY_SCHEME, AuditEvent, ChainHead


@pytest.fixture
def the_record(import_order, alice, bob, carol, make_post, run_on_commit):
    """A log with a legal act (checkpointed after commit), then more events and a checkpoint."""
    for author in (alice, bob, carol):
        make_post(author, f"a post by {author.username}")
    with run_on_commit():
        import_order("@alice\n@bob\n@carol\n")
    make_post(alice, "after the order")
    make_post(bob, "and another")
    assert write_checkpoint() is not None
    return list(AuditEvent.objects.order_by("seq"))


def _verify(checkpoint_file) -> None:
    call_command("audit", "verify", "--checkpoints", str(checkpoint_file))


def _set_head(event: AuditEvent | None) -> None:
    if event is None:
        ChainHead.objects.filter(id=1).update(last_seq=0, last_hash=GENESIS_HASH)
    else:
        ChainHead.objects.filter(id=1).update(last_seq=event.seq, last_hash=event.hash)


def _rehash_from(seq: int, hasher) -> None:
    """Recompute every hash from ``seq`` on so that the links hold again, and fix the head."""
    events = list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq"))
    previous = AuditEvent.objects.filter(seq=seq - 1).first()
    prev_hash = previous.hash if previous else GENESIS_HASH
    with audit_maintenance():
        for event in events:
            event.prev_hash = prev_hash
            event.hash = prev_hash = hasher(event)
            event.save(update_fields=["prev_hash", "hash", "scheme", "key_id", "data", "action"])
    _set_head(events[-1])


def test_the_untouched_record_verifies_against_its_checkpoints(the_record, checkpoint_file, capsys):
    _verify(checkpoint_file)
    out = capsys.readouterr().out
    assert f"{len(the_record)} events verified" in out
    assert "extends all 2 checkpoints" in out


def test_a_edited_middle_event_is_found(the_record, checkpoint_file):
    middle = the_record[len(the_record) // 2]
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET subject_id = 'someone-else' WHERE seq = %s", [middle.seq]
        )
    with pytest.raises(CommandError, match=f"event #{middle.seq} was altered"):
        _verify(checkpoint_file)


def test_b_deleted_middle_event_is_found(the_record, checkpoint_file):
    middle = the_record[len(the_record) // 2]
    with audit_maintenance():
        AuditEvent.objects.filter(seq=middle.seq).delete()
    with pytest.raises(CommandError, match=f"event #{middle.seq} is missing"):
        _verify(checkpoint_file)


def test_c_newest_events_deleted_and_head_reset_are_found_by_the_checkpoints(
    the_record, checkpoint_file, capsys
):
    survivors = the_record[:-3]
    with audit_maintenance():
        AuditEvent.objects.filter(seq__gt=survivors[-1].seq).delete()
    _set_head(survivors[-1])
    call_command("audit", "verify")  # the chain alone looks whole
    assert f"{len(survivors)} events verified" in capsys.readouterr().out
    with pytest.raises(CommandError, match=f"event #{the_record[-1].seq} .* no longer in the log"):
        _verify(checkpoint_file)


def test_d_edit_rehashed_forward_with_a_guessed_key_is_found(the_record, checkpoint_file):
    target = next(e for e in the_record if e.action == "legal.import")  # change its reference
    guessed = key_from_secret("a guess at the audit key")

    def forge(event: AuditEvent) -> str:
        if event.seq == target.seq:
            event.data = {**event.data, "reference": "nothing to see"}
        return keyed_hash(event, guessed)

    _rehash_from(target.seq, forge)
    call_command("audit", "verify", "--no-key")  # the links hold: without the key, it passes
    with pytest.raises(CommandError, match=f"event #{target.seq} was altered"):
        _verify(checkpoint_file)


def test_d_whole_chain_rehashed_without_a_key_is_found_by_the_checkpoints(
    the_record, checkpoint_file, capsys
):
    """Downgrading every event to plain SHA-256 needs no key and keeps every link whole."""
    target = the_record[3]

    def forge(event: AuditEvent) -> str:
        event.scheme, event.key_id = LEGACY_SCHEME, ""
        if event.seq == target.seq:
            event.action = "post.delete"
        return legacy_hash(event)

    _rehash_from(1, forge)
    call_command("audit", "verify")  # a chain with no keyed event is self-consistent...
    assert "predate the audit key" in capsys.readouterr().out  # ...and says it is unprotected
    with pytest.raises(CommandError, match="no longer has the hash of the checkpoint"):
        _verify(checkpoint_file)


def test_e_log_emptied_after_a_checkpoint_and_written_afresh_is_found(
    the_record, checkpoint_file, make_post, alice, capsys
):
    with audit_maintenance():
        AuditEvent.objects.all().delete()
    _set_head(None)
    for n in range(len(the_record) + 2):  # a fresh, valid chain, longer than the old one
        make_post(alice, f"fresh start {n}")
    call_command("audit", "verify")
    assert f"{len(the_record) + 2} events verified" in capsys.readouterr().out
    # SQLite numbers the fresh log from 1 again; PostgreSQL's sequence never reuses a number.
    with pytest.raises(
        CommandError, match="no longer has the hash of the checkpoint|no longer in the log"
    ):
        _verify(checkpoint_file)


def test_a_forged_checkpoint_line_is_found(the_record, checkpoint_file):
    lines = checkpoint_file.read_text().splitlines()
    forged = lines[-1].replace('"seq":', '"seq":1', 1)
    checkpoint_file.write_text("\n".join([*lines, forged]) + "\n")
    with pytest.raises(CommandError, match="signature .* is not valid"):
        _verify(checkpoint_file)


def test_checkpoints_signed_by_another_key_are_not_taken_as_ours(
    the_record, checkpoint_file, settings, tmp_path
):
    copy = tmp_path / "ours.jsonl"
    copy.write_text(checkpoint_file.read_text())
    settings.TIDINGS_AUDIT_KEY = "another server's key"
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--checkpoints", str(copy))
    call_command("audit", "verify", "--no-key", "--checkpoints", str(copy))


def test_a_missing_checkpoint_file_is_a_clear_error(the_record, tmp_path):
    with pytest.raises(CommandError, match="No checkpoint file at"):
        _verify(tmp_path / "nowhere.jsonl")
