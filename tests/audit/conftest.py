"""The audit tests run with a known audit key, kept in a per-test key file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidings.audit.keys import AuditKey, load_audit_key


@pytest.fixture(autouse=True)
def audit_key_file(settings, tmp_path) -> Path:
    """A fresh key file for each test (generated at the first event), no key from the env."""
    settings.TIDINGS_AUDIT_KEY = ""
    settings.TIDINGS_AUDIT_KEY_FILE = tmp_path / "audit_key"
    return settings.TIDINGS_AUDIT_KEY_FILE


@pytest.fixture
def audit_key(audit_key_file) -> AuditKey:
    """The key the events of the test were written with (after at least one event)."""
    key = load_audit_key()
    assert key is not None, "no event was written yet"
    return key


@pytest.fixture
def checkpoint_file(settings) -> Path:
    return settings.TIDINGS_AUDIT_CHECKPOINT_FILE


@pytest.fixture(autouse=True)
def events_numbered_from_one(request) -> None:
    """Each test's log numbers its events from 1, as a fresh database does.

    On PostgreSQL ``seq`` comes from a sequence, which the rollback that ends a test
    does not rewind; the tests name events by number, so it starts again here.
    (That ``seq`` may have gaps is checked in test_streams.py.)
    """
    uses = set(request.fixturenames)
    if not uses & {"db", "transactional_db"}:
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in uses else "db")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval('audit_event_seq', "
                "COALESCE((SELECT MAX(seq) FROM audit_auditevent), 0) + 1, false)"
            )
