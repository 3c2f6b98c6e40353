"""Signed checkpoints of the chain head, published outside the database."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import CommandError, call_command

from tidings.audit.checkpoints import (
    CheckpointRefused,
    read_checkpoints_newest_first,
    signed_bytes,
    write_checkpoint,
)
from tidings.audit.guard import audit_maintenance
from tidings.audit.models import AuditEvent, ChainHead


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def decided_order(import_order, alice, bob, run_on_commit):
    """An order taken in (a legal action, so a checkpoint follows its commit)."""
    with run_on_commit():
        return import_order("@alice\n@bob\n").demand


def test_a_legal_action_writes_a_checkpoint_of_the_head_after_commit(
    decided_order, checkpoint_file
):
    head = ChainHead.objects.get(id=1)
    [checkpoint] = _lines(checkpoint_file)
    assert (checkpoint["seq"], checkpoint["hash"]) == (head.last_seq, head.last_hash)
    assert checkpoint["algorithm"] == "ed25519"


def test_anyone_can_check_a_checkpoint_with_the_public_key_alone(decided_order, checkpoint_file):
    [checkpoint] = _lines(checkpoint_file)
    public_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(checkpoint["public_key"]))
    body = signed_bytes(
        checkpoint["seq"], checkpoint["hash"], checkpoint["time"], checkpoint["domain"]
    )
    public_key.verify(base64.b64decode(checkpoint["signature"]), body)  # raises if forged


def test_other_actions_write_no_checkpoint(alice, make_post, checkpoint_file):
    make_post(alice, "not a legal act")
    assert not checkpoint_file.exists()


def test_a_checkpoint_is_written_only_when_the_head_moved(
    decided_order, checkpoint_file, alice, make_post, capsys
):
    assert write_checkpoint() is None
    make_post(alice, "something new")
    call_command("audit", "checkpoint")
    assert "Checkpoint of event #" in capsys.readouterr().out
    call_command("audit", "checkpoint")
    assert "Nothing new since the last checkpoint" in capsys.readouterr().out
    seqs = [c["seq"] for c in _lines(checkpoint_file)]
    assert seqs == sorted(seqs) and len(seqs) == 2
    assert seqs[-1] == ChainHead.objects.get(id=1).last_seq


def test_no_checkpoint_signs_a_log_that_no_longer_holds_the_last_one(
    decided_order, checkpoint_file, alice, make_post
):
    newest = ChainHead.objects.get(id=1).last_seq
    with audit_maintenance():
        AuditEvent.objects.filter(seq=newest).delete()
    make_post(alice, "written over the gap")
    before = checkpoint_file.read_text()
    with pytest.raises(CheckpointRefused, match=f"no longer holds event #{newest}"):
        write_checkpoint()
    with pytest.raises(CommandError, match="No checkpoint written"):
        call_command("audit", "checkpoint")
    assert checkpoint_file.read_text() == before


def test_the_public_endpoint_serves_checkpoints_newest_first_with_the_public_key(
    client, decided_order, alice, make_post, audit_key
):
    make_post(alice, "more")
    write_checkpoint()
    body = client.get("/transparency/audit/checkpoints").json()
    assert body["algorithm"] == "ed25519"
    assert body["public_key"] == audit_key.public_key_b64
    seqs = [c["seq"] for c in body["checkpoints"]]
    assert len(seqs) == 2 and seqs[0] > seqs[1]
    assert [c.seq for c in read_checkpoints_newest_first(limit=1)] == seqs[:1]
    one = client.get("/transparency/audit/checkpoints?limit=1").json()
    assert [c["seq"] for c in one["checkpoints"]] == seqs[:1]


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "1001", "9" * 5000, "١"])
def test_the_public_endpoint_answers_a_bad_limit_with_a_json_400(client, db, limit):
    response = client.get("/transparency/audit/checkpoints", {"limit": limit})
    assert response.status_code == 400
    assert "limit must be" in response.json()["error"]


def test_the_public_endpoint_is_empty_before_any_checkpoint(client, db):
    body = client.get("/transparency/audit/checkpoints").json()
    assert body["checkpoints"] == []


def test_reading_newest_first_crosses_read_chunks_without_losing_a_line(checkpoint_file):
    checkpoint_file.parent.mkdir(parents=True)
    line = {"hash": "a" * 64, "time": "t", "domain": "d", "public_key": "k" * 44}
    with checkpoint_file.open("w") as out:
        for seq in range(1, 3001):
            out.write(json.dumps({**line, "seq": seq, "signature": "s" * seq}) + "\n")
    found = read_checkpoints_newest_first(checkpoint_file, limit=1000)
    assert [c.seq for c in found] == list(range(3000, 2000, -1))
    assert [c.seq for c in read_checkpoints_newest_first(checkpoint_file, limit=5000)] == list(
        range(3000, 0, -1)
    )


def test_no_checkpoint_signs_a_log_with_a_gap_since_the_last_one(
    decided_order, checkpoint_file, alice, make_post
):
    make_post(alice, "one")
    make_post(alice, "two")
    gap = ChainHead.objects.get(id=1).last_seq - 1
    with audit_maintenance():
        AuditEvent.objects.filter(seq=gap).delete()
    with pytest.raises(CheckpointRefused, match=f"event #{gap} does not follow"):
        write_checkpoint()
    assert len(checkpoint_file.read_text().splitlines()) == 1


def test_the_first_checkpoint_needs_a_log_linked_from_its_first_event(
    alice, bob, make_post, checkpoint_file
):
    make_post(alice, "one")
    with audit_maintenance():
        AuditEvent.objects.filter(seq=2).delete()
    with pytest.raises(CheckpointRefused, match="event #2 does not follow"):
        write_checkpoint()
    assert not checkpoint_file.exists() or checkpoint_file.read_text() == ""


def test_the_workers_checkpoint_the_log_on_their_schedule(
    alice, make_post, checkpoint_file, run_periodic_tasks
):
    make_post(alice, "not a legal act, so no checkpoint yet")
    assert not checkpoint_file.exists()
    run_periodic_tasks()
    [checkpoint] = _lines(checkpoint_file)
    assert checkpoint["seq"] == ChainHead.objects.get(id=1).last_seq
