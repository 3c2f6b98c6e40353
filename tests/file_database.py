"""Concurrency tests on SQLite need a file database: the in-memory test database is shared
between threads through SQLite's shared cache, whose table locks fail at once ("database
table is locked") instead of waiting, which no real deployment does.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections


@contextmanager
def _default_database_at(path: Path) -> Iterator[None]:
    """This thread and every thread started meanwhile use the SQLite file ``path``."""
    default = connections["default"]
    saved_name, saved_connection = default.settings_dict["NAME"], default.connection
    default.connection = None
    default.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connections.close_all()
        default.settings_dict["NAME"] = saved_name
        default.connection = saved_connection


@pytest.fixture(scope="session")
def _migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once per session, copied for each test (migrating a file takes seconds)."""
    path = tmp_path_factory.mktemp("concurrent-db") / "migrated.sqlite3"
    return path


@pytest.fixture
def concurrent_database(
    transactional_db, tmp_path: Path, _migrated_sqlite_file: Path
) -> Iterator[None]:
    """The test database as real concurrent writers see it.

    PostgreSQL: the test database itself (committed rows, one connection per
    thread). SQLite: a migrated file database in ``tmp_path`` with the
    production settings (WAL, busy timeout, ``BEGIN IMMEDIATE``), used by this
    thread and every thread started in the test; the in-memory one comes back after.
    """
    if connection.vendor != "sqlite":
        yield
        return
    if not _migrated_sqlite_file.exists():
        with _default_database_at(_migrated_sqlite_file):
            call_command("migrate", verbosity=0)
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = tmp_path / "concurrent.sqlite3"
    shutil.copyfile(_migrated_sqlite_file, path)
    with _default_database_at(path):
        yield
