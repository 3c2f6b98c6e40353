"""A log written before the chain was keyed survives the upgrade and still verifies."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import call_command
from django.db import connection

GENESIS = "0" * 64


def _old_hash(row: dict) -> str:
    """The hash exactly as the unkeyed chain computed it."""
    payload = {**row, "created_at": "2021-02-01T09:30:15.123456+00:00"}
    payload.pop("hash", None)
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_an_unkeyed_log_still_verifies_after_the_upgrade_and_the_chain_goes_on_keyed(
    make_account, capsys
):
    call_command("migrate", "audit", "0001", verbosity=0)
    try:
        prev = GENESIS
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute("DELETE FROM audit_chainhead")
            for seq in (1, 2):
                row = {
                    "seq": seq,
                    "actor_id": 7,
                    "action": "account.create",
                    "subject_type": "account",
                    "subject_id": str(seq),
                    "data": {"username": f"old{seq}"},
                    "prev_hash": prev,
                }
                prev = _old_hash(row)
                cursor.execute(
                    "INSERT INTO audit_auditevent (seq, created_at, actor_id, action, "
                    "subject_type, subject_id, data, prev_hash, hash) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        seq,
                        "2021-02-01 09:30:15.123456+00:00",
                        7,
                        "account.create",
                        "account",
                        str(seq),
                        json.dumps(row["data"]),
                        row["prev_hash"],
                        prev,
                    ],
                )
            cursor.execute(
                "INSERT INTO audit_chainhead (id, last_seq, last_hash) VALUES (1, 2, %s)", [prev]
            )
    finally:
        call_command("migrate", "audit", verbosity=0)

    make_account("new_after_the_upgrade")
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "3 events verified" in out
    assert "2 events predate the audit key" in out
