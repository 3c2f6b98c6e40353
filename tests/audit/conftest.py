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
