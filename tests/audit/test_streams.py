"""The log is several chains ("streams") so that concurrent writers do not queue on one lock.

Every stream is verified (links, HMACs, its head) and checkpointed, so an edit,
a removal, a reordering, a truncation or a forged head in any one of them is found
and named, as in a log of one chain.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from tidings.audit.chain import EventSpec, record_event, record_events
from tidings.audit.checkpoints import CheckpointRefused, write_checkpoint
from tidings.audit.guard import audit_maintenance
from tidings.audit.keys import load_audit_key
from tidings.audit.models import AuditEvent, ChainHead
from tidings.audit.verify import walk_chain

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def back_to_the_first_stream() -> Iterator[None]:
    """The stream a test made this connection prefer is forgotten after it (other tests
    expect a single writer's events in stream 1)."""
    yield
    if hasattr(connection, "_tidings_audit_stream"):
        del connection._tidings_audit_stream


def _write_in(stream: int, n: int = 1) -> list[AuditEvent]:
    """``n`` events in one transaction, in ``stream`` (free: nobody else writes here)."""
    connection._tidings_audit_stream = stream
    with transaction.atomic():
        return record_events(
            [EventSpec("account.update_profile", None, "account", str(i)) for i in range(n)]
        )


@pytest.fixture
def three_streams(db) -> list[AuditEvent]:
    """Three events in each of streams 1, 2 and 3, written in turns, one per transaction."""
    for _ in range(3):
        for stream in (1, 2, 3):
            _write_in(stream)
    return list(AuditEvent.objects.order_by("seq"))


def _in_stream(events: list[AuditEvent], stream: int) -> list[AuditEvent]:
    return [event for event in events if event.stream == stream]


def _verify(*args: str) -> None:
    call_command("audit", "verify", *args)


def test_each_stream_is_a_chain_of_its_own_and_the_log_verifies(three_streams, capsys):
    for stream in (1, 2, 3):
        chain = _in_stream(three_streams, stream)
        assert [event.stream_seq for event in chain] == [1, 2, 3]
        assert [event.prev_hash for event in chain[1:]] == [event.hash for event in chain[:-1]]
        head = ChainHead.objects.get(id=stream)
        assert (head.last_seq, head.last_hash) == (3, chain[-1].hash)
    walk = walk_chain(load_audit_key())
    assert walk.intact and (walk.events, walk.streams) == (9, 3)
    _verify()
    assert "9 events verified (in 3 streams)" in capsys.readouterr().out


def test_one_transaction_writing_twice_stays_in_one_stream(three_streams):
    connection._tidings_audit_stream = 2
    with transaction.atomic():
        first = record_event("account.update_profile", actor_id=None)
        second = record_event("account.update_profile", actor_id=None)
    assert (first.stream, second.stream) == (2, 2)
    assert (first.stream_seq, second.stream_seq) == (4, 5)
    assert second.prev_hash == first.hash
    assert walk_chain(load_audit_key()).intact


def test_an_edit_in_one_stream_is_found_at_that_event(three_streams):
    target = _in_stream(three_streams, 2)[1]
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET subject_id = 'someone-else' WHERE seq = %s", [target.seq]
        )
    with pytest.raises(CommandError, match=f"event #{target.seq} was altered"):
        _verify()


def test_a_removed_event_in_one_stream_is_found_and_named(three_streams):
    before, target, after = _in_stream(three_streams, 2)
    with audit_maintenance():
        AuditEvent.objects.filter(seq=target.seq).delete()
    [problem] = walk_chain(load_audit_key()).problems
    assert problem.reason == (
        f"event 2 of stream 2 (between #{before.seq} and #{after.seq}) is missing or reordered"
    )
    with pytest.raises(CommandError, match="event 2 of stream 2 .* is missing"):
        _verify("--no-key")


def test_a_truncated_stream_is_found_by_its_head(three_streams):
    newest = _in_stream(three_streams, 3)[-1]
    with audit_maintenance():
        AuditEvent.objects.filter(seq=newest.seq).delete()
    with pytest.raises(
        CommandError, match="the chain head records 3 events but 2 were found in stream 3"
    ):
        _verify()


def test_events_reordered_within_a_stream_are_found(three_streams):
    first, second, _ = _in_stream(three_streams, 1)
    with audit_maintenance():
        AuditEvent.objects.filter(seq=first.seq).update(seq=-1)
        AuditEvent.objects.filter(seq=second.seq).update(seq=first.seq)
        AuditEvent.objects.filter(seq=-1).update(seq=second.seq)
    with pytest.raises(CommandError, match=f"event #{first.seq} is missing or reordered"):
        _verify("--no-key")


def test_an_event_moved_to_another_stream_is_found(three_streams):
    moved = _in_stream(three_streams, 3)[-1]
    with audit_maintenance():
        AuditEvent.objects.filter(seq=moved.seq).update(stream=2, stream_seq=4, prev_hash="x")
    ChainHead.objects.filter(id=3).update(last_seq=2, last_hash=moved.prev_hash)
    ChainHead.objects.filter(id=2).update(last_seq=4, last_hash=moved.hash)
    with pytest.raises(CommandError, match=f"event #{moved.seq} does not follow the one before"):
        _verify("--no-key")


def test_a_forged_head_is_found(three_streams):
    ChainHead.objects.filter(id=2).update(last_hash=three_streams[0].hash)
    with pytest.raises(
        CommandError, match="the chain head of stream 2 does not name its newest event"
    ):
        _verify()


def test_a_head_removed_from_a_stream_with_events_is_found(three_streams):
    ChainHead.objects.filter(id=3).delete()
    with pytest.raises(CommandError, match="the chain head of stream 3 is missing"):
        _verify()


def test_a_checkpoint_of_several_streams_names_every_head(three_streams, checkpoint_file):
    checkpoint = write_checkpoint()
    assert checkpoint is not None
    listed = json.loads(checkpoint_file.read_text().splitlines()[-1])
    assert [(h["stream"], h["events"], h["seq"]) for h in listed["heads"]] == [
        (stream, 3, _in_stream(three_streams, stream)[-1].seq) for stream in (1, 2, 3)
    ]
    assert listed["seq"] == three_streams[-1].seq
    assert checkpoint.signature_is_valid()
    assert write_checkpoint() is None  # nothing new
    _write_in(2)
    assert write_checkpoint() is not None
    _verify("--checkpoints", str(checkpoint_file))


def test_checkpoints_catch_a_stream_truncated_with_its_head_rewound(
    three_streams, checkpoint_file, capsys
):
    write_checkpoint()
    survivor, lost = _in_stream(three_streams, 2)[1:]
    with audit_maintenance():
        AuditEvent.objects.filter(seq=lost.seq).delete()
    ChainHead.objects.filter(id=2).update(last_seq=2, last_hash=survivor.hash)
    _verify()  # each stream alone looks whole
    assert "8 events verified" in capsys.readouterr().out
    with pytest.raises(CommandError, match=f"event #{lost.seq} of the checkpoint of 3 streams"):
        _verify("--checkpoints", str(checkpoint_file))
    with pytest.raises(CheckpointRefused, match=f"no longer holds event #{lost.seq}"):
        write_checkpoint()


def test_a_checkpoint_whose_heads_were_edited_is_refused(three_streams, checkpoint_file):
    write_checkpoint()
    line = json.loads(checkpoint_file.read_text())
    line["heads"][1]["events"] = 2
    checkpoint_file.write_text(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match="heads listed in the checkpoint .* not the ones it"):
        _verify("--checkpoints", str(checkpoint_file))


def test_a_checkpoint_of_one_chain_is_extended_by_one_of_several_streams(
    db, checkpoint_file, capsys
):
    _write_in(1, 2)
    single = write_checkpoint()
    assert single is not None and single.heads == ()  # the form from before streams
    _write_in(2)
    _write_in(1)
    several = write_checkpoint()
    assert several is not None and [h.stream for h in several.heads] == [1, 2]
    _verify("--checkpoints", str(checkpoint_file))
    assert "extends all 2 checkpoints" in capsys.readouterr().out


def test_a_rolled_back_write_leaves_no_break_in_the_log(db):
    _write_in(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event("account.update_profile", actor_id=None)
        raise RuntimeError("the action failed after its event was recorded")
    after = _write_in(1)[0]
    assert after.stream_seq == 2  # positions in a stream have no gaps, whatever ``seq`` has
    assert walk_chain(load_audit_key()).intact


def test_new_events_number_after_the_newest_even_when_the_counter_is_behind(db):
    newest = _write_in(1, 3)[-1]
    if ON_POSTGRES:  # as after loading rows by hand, or a restore
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('audit_event_seq', 1)")
    after = _write_in(2, 2)
    assert [event.seq for event in after] == [newest.seq + 1, newest.seq + 2]
    assert walk_chain(load_audit_key()).intact


@pytest.mark.usefixtures("concurrent_database")
def test_concurrent_writers_use_different_streams_and_the_log_verifies(capsys):
    """On PostgreSQL the writers hold their transactions open together: one lock would
    make them wait for each other, and the barrier would break. SQLite has one writer
    at a time, so there they write one after another."""
    writers, rounds = 4, 5
    together = threading.Barrier(writers)
    streams: dict[int, set[int]] = {}
    errors: list[BaseException] = []

    def write(number: int) -> None:
        try:
            for i in range(rounds):
                with transaction.atomic():
                    event = record_event(
                        "account.update_profile", actor_id=None, data={"w": number, "i": i}
                    )
                    if ON_POSTGRES:
                        together.wait(timeout=20)
                streams.setdefault(number, set()).add(event.stream)
        except BaseException as error:  # noqa: BLE001 - every failure is the finding
            errors.append(error)
        finally:
            connections.close_all()

    _write_in(1)  # the log has begun: its heads exist
    connections.close_all()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert AuditEvent.objects.count() == writers * rounds + 1
    if ON_POSTGRES:
        used = [stream for each in streams.values() for stream in each]
        assert sorted(used) == sorted(set(used)) and len(used) == writers  # one each, kept
    _verify()
    assert f"{writers * rounds + 1} events verified" in capsys.readouterr().out
    assert write_checkpoint() is not None
