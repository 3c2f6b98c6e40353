"""Behind PgBouncer in transaction mode, server-side cursors can be turned off from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tidings

ROOT = Path(tidings.__file__).resolve().parent.parent
PRINT_SETTING = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'])"
)


def server_side_cursors_disabled(tmp_path: Path, **env: str) -> str:
    """What a freshly started process's settings say, with ``env`` set (nothing connects)."""
    inherited = {
        k: v for k, v in os.environ.items() if k != "TIDINGS_DATABASE_DISABLE_SERVER_SIDE_CURSORS"
    }
    done = subprocess.run(
        [sys.executable, "-c", PRINT_SETTING],
        env={
            **inherited,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "tidings.settings",
            "TIDINGS_DATA_DIR": str(tmp_path),
            "TIDINGS_DATABASE_URL": "postgres://tidings@pgbouncer.invalid:6432/tidings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_server_side_cursors_stay_on_unless_asked(tmp_path):
    assert server_side_cursors_disabled(tmp_path) == "False"


def test_the_environment_turns_server_side_cursors_off_for_pgbouncer(tmp_path):
    disabled = server_side_cursors_disabled(
        tmp_path, TIDINGS_DATABASE_DISABLE_SERVER_SIDE_CURSORS="1"
    )
    assert disabled == "True"
