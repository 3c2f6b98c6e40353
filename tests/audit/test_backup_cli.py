"""The README's backup and restore steps, run as commands against two fresh databases."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.live_server import _postgres_admin


@pytest.fixture
def two_fresh_databases(tmp_path) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Environments for an old server and a new one: own data dirs, own empty databases."""
    url = os.environ.get("TIDINGS_DATABASE_URL", "")
    postgres = url.startswith(("postgres://", "postgresql://"))
    names = [f"tidings_restore_{os.getpid()}_{secrets.token_hex(3)}_{side}" for side in "ab"]
    envs = []
    for name in names:
        data_dir = tmp_path / name
        data_dir.mkdir()
        env = {
            **os.environ,
            "TIDINGS_DATA_DIR": str(data_dir),
            "TIDINGS_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_SETTINGS_MODULE": "tidings.settings",
            "TIDINGS_DATABASE_URL": (
                urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
                if postgres
                else f"sqlite:///{data_dir / 'tidings.sqlite3'}"
            ),
        }
        env.pop("TIDINGS_AUDIT_KEY", None)
        envs.append(env)
    if postgres:
        with _postgres_admin(url) as conn:
            for name in names:
                conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield envs[0], envs[1]
    finally:
        if postgres:
            with _postgres_admin(url) as conn:
                for name in names:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tidings(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tidings.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


SNAPSHOT_WHILE_WRITING = """
import django
django.setup()
from django.db import connections
from tidings.management.commands.backup import _one_snapshot
from tidings.social.models import Account

writer = connections.create_connection("default")
with _one_snapshot():
    seen = Account.objects.get(username="farmer").display_name
    with writer.cursor() as cursor:  # another client writes while the snapshot is open
        cursor.execute("UPDATE social_account SET display_name = 'after' WHERE username = 'farmer'")
    still = Account.objects.get(username="farmer").display_name
writer.close()
print(f"farmer: {seen or 'before'}, {Account.objects.get(username='farmer').display_name}")
assert still == seen, "the snapshot moved"
"""


def _a_write_goes_through_during_the_backup_snapshot(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SNAPSHOT_WHILE_WRITING],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_backup_restored_on_a_new_server_verifies_against_the_old_checkpoints(
    two_fresh_databases, tmp_path
):
    old, new = two_fresh_databases
    old_dir, new_dir = Path(old["TIDINGS_DATA_DIR"]), Path(new["TIDINGS_DATA_DIR"])
    tidings(old, "migrate", "--verbosity", "0")
    tidings(old, "createuser", "lex", "--email", "l@example.com", "--password", "pw-12345678",
            "--role", "legal")  # fmt: skip
    tidings(old, "createuser", "farmer", "--email", "f@example.com", "--password", "pw-12345678")
    order = tmp_path / "order.txt"
    order.write_text("@farmer\n@nobody\n")
    tidings(old, "demands", "import", str(order), "--authority", "MeitY", "--country", "IN",
            "--reference", "12/2021", "--as", "lex")  # fmt: skip
    backup = tmp_path / "tidings-backup.json.gz"
    tidings(old, "backup", str(backup))
    assert _a_write_goes_through_during_the_backup_snapshot(old) == "farmer: before, after"

    # What the README says to carry over besides the backup: the audit key.
    shutil.copy2(old_dir / "audit_key", new_dir / "audit_key")
    tidings(new, "migrate", "--verbosity", "0")
    assert "Restored 2 accounts" in tidings(new, "restore", str(backup))
    out = tidings(new, "audit", "verify", "--checkpoints", str(old_dir / "audit/checkpoints.jsonl"))
    assert "Audit chain intact: 4 events verified." in out  # 2 accounts, authority, order
    assert "extends all 1 checkpoints" in out
