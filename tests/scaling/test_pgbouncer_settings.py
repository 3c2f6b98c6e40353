"""Behind PgBouncer in transaction mode, server-side cursors can be turned off from the environment."""

from __future__ import annotations

from pathlib import Path

from tests.scaling.fresh_process import printed_by_fresh_process

PRINT_SETTING = (
    "from django.conf import settings; "
    "print(settings.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'])"
)


def server_side_cursors_disabled(tmp_path: Path, **env: str) -> str:
    """What a freshly started process's settings say, with ``env`` set (nothing connects)."""
    (printed,) = printed_by_fresh_process(
        PRINT_SETTING,
        tmp_path,
        {"TIDINGS_DATABASE_URL": "postgres://tidings@pgbouncer.invalid:6432/tidings", **env},
        unset=["TIDINGS_DATABASE_DISABLE_SERVER_SIDE_CURSORS"],
    )
    return printed


def test_server_side_cursors_stay_on_unless_asked(tmp_path):
    assert server_side_cursors_disabled(tmp_path) == "False"


def test_the_environment_turns_server_side_cursors_off_for_pgbouncer(tmp_path):
    disabled = server_side_cursors_disabled(
        tmp_path, TIDINGS_DATABASE_DISABLE_SERVER_SIDE_CURSORS="1"
    )
    assert disabled == "True"
