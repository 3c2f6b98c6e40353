"""Concurrency tests on SQLite need a file database: the in-memory test database is shared
between threads through SQLite's shared cache, whose table locks fail at once ("database
table is locked") instead of waiting, which no real deployment does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections


@pytest.fixture
def concurrent_database(transactional_db, tmp_path: Path) -> Iterator[None]:
    """The test database as real concurrent writers see it.

    PostgreSQL: the test database itself (committed rows, one connection per
    thread). SQLite: a migrated file database in ``tmp_path`` with the
    production settings (WAL, busy timeout, ``BEGIN IMMEDIATE``), used by this
    thread and every thread started in the test; the in-memory one comes back after.
    """
    if connection.vendor != "sqlite":
        yield
        return
    default = connections["default"]
    saved_name, saved_connection = default.settings_dict["NAME"], default.connection
    default.connection = None
    default.settings_dict["NAME"] = str(tmp_path / "concurrent.sqlite3")
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        connections.close_all()
        default.settings_dict["NAME"] = saved_name
        default.connection = saved_connection
