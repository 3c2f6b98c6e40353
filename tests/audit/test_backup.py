"""``tidings backup`` and ``tidings restore``: the README's commands, run as written."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tidings.audit.models import AuditEvent, ChainHead
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.models import Demand, DemandItem, Withholding
from tidings.social.models import Account, Post


def _snapshot() -> dict[str, list]:
    return {
        "accounts": list(Account.objects.order_by("id").values("id", "username", "email")),
        "posts": list(Post.objects.order_by("id").values("id", "author_id", "text", "created_at")),
        "demands": list(Demand.objects.order_by("id").values()),
        "items": list(DemandItem.objects.order_by("id").values()),
        "withholdings": list(Withholding.objects.order_by("id").values()),
        "events": list(AuditEvent.objects.order_by("seq").values()),
        "head": list(ChainHead.objects.values()),
    }


@pytest.fixture
def a_working_server(import_order, legal, alice, bob, make_post, run_on_commit):
    for author in (alice, bob):
        make_post(author, f"hello from {author.username} ✓ #tidings")
    with run_on_commit():
        demand = import_order("@alice\n@bob\n@nobody\n").demand
        do_decide_items(
            demand, "all_matched", action="withhold", reason="order 12/2021", acting_user=legal
        )
    return _snapshot()


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_keeps_everything_and_the_chain(
    a_working_server, tmp_path, checkpoint_file, capsys
):
    backup = tmp_path / "tidings-backup.json.gz"
    call_command("backup", str(backup))
    call_command("flush", interactive=False, verbosity=0)  # a new, empty database
    assert Account.objects.count() == 0

    call_command("migrate", verbosity=0)
    call_command("restore", str(backup))
    call_command("audit", "verify", "--checkpoints", str(checkpoint_file))

    out = capsys.readouterr().out
    assert f"{len(a_working_server['events'])} events verified" in out
    assert "extends all 2 checkpoints" in out  # the import and the decision
    assert _snapshot() == a_working_server
    assert any(w["countries"] == ["IN"] for w in a_working_server["withholdings"])
    assert any(e["created_at"].microsecond for e in a_working_server["posts"])


@pytest.mark.django_db(transaction=True)
def test_a_restored_server_carries_on_the_same_chain(a_working_server, tmp_path, make_post, alice):
    backup = tmp_path / "b.json.gz"
    call_command("backup", str(backup))
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(backup))
    make_post(Account.objects.get(id=alice.id), "after the restore")
    call_command("audit", "verify")
    head = ChainHead.objects.get(id=1)
    assert head.last_seq == len(a_working_server["events"]) + 1


def test_restore_refuses_a_database_that_is_not_empty(a_working_server, tmp_path):
    backup = tmp_path / "b.json.gz"
    call_command("backup", str(backup))
    with pytest.raises(CommandError, match="Restore needs an empty database"):
        call_command("restore", str(backup))
    assert _snapshot() == a_working_server


def test_restore_of_a_missing_or_damaged_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "nothing.json.gz"))
    damaged = tmp_path / "damaged.json.gz"
    damaged.write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="Could not restore"):
        call_command("restore", str(damaged))


def test_backup_does_not_overwrite_a_file_unless_told(a_working_server, tmp_path):
    backup = tmp_path / "b.json.gz"
    backup.write_text("keep me")
    with pytest.raises(CommandError, match="exists; pass --force"):
        call_command("backup", str(backup))
    assert backup.read_text() == "keep me"
    call_command("backup", str(backup), "--force")
    assert backup.read_bytes()[:2] == b"\x1f\x8b"  # gzip
