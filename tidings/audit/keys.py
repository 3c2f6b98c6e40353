"""The audit key: the secret that keys the chain's HMAC and signs its checkpoints.

It never lives in the database: it comes from ``TIDINGS_AUDIT_KEY`` or from a
file in the data dir (``audit_key``, mode 0600), generated the first time an
event is written. Someone who can write to the database but does not hold this
key cannot recompute the chain after changing it. The checkpoint signing key
(Ed25519) is derived from it, so there is one secret to back up.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_SIGNING_LABEL = b"tidings audit checkpoint signing key v1"
_KEY_ID_LABEL = b"tidings audit key id v1"


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    key_id: str
    signing_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.signing_key.public_key()

    @property
    def public_key_b64(self) -> str:
        raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def mac(self, message: bytes) -> str:
        keyed = _keyed_hmac(self.secret).copy()  # cheaper than keying a new HMAC each time
        keyed.update(message)
        return keyed.hexdigest()


@functools.lru_cache(maxsize=8)
def _keyed_hmac(secret: bytes) -> hmac.HMAC:
    return hmac.new(secret, digestmod=hashlib.sha256)


def key_from_secret(secret: str) -> AuditKey:
    raw = secret.encode()
    seed = hmac.new(raw, _SIGNING_LABEL, hashlib.sha256).digest()
    key_id = hmac.new(raw, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]
    return AuditKey(raw, key_id, Ed25519PrivateKey.from_private_bytes(seed))


_loaded: dict[tuple[str, str], AuditKey] = {}


def _key_file() -> Path:
    return Path(settings.TIDINGS_AUDIT_KEY_FILE)


def load_audit_key() -> AuditKey | None:
    """The configured key, else the one in the key file; None when there is neither."""
    configured = settings.TIDINGS_AUDIT_KEY
    path = _key_file()
    cache_key = (configured, str(path))
    if cache_key in _loaded:
        return _loaded[cache_key]
    if configured:
        secret = configured
    elif path.exists():
        secret = path.read_text().strip()
    else:
        return None
    if not secret:
        raise ImproperlyConfigured(f"The audit key file {path} is empty.")
    key = _loaded[cache_key] = key_from_secret(secret)
    return key


def audit_key_for_writing() -> AuditKey:
    """The key to chain new events with, generated into the key file the first time.

    Refuses to generate a new key when keyed events already exist: the old key was
    lost (or not restored), and chaining on with a new one would hide that.
    """
    key = load_audit_key()
    if key is not None:
        return key
    from tidings.audit.models import KEYED_SCHEMES, AuditEvent

    path = _key_file()
    if AuditEvent.objects.filter(scheme__in=KEYED_SCHEMES).exists():
        raise ImproperlyConfigured(
            f"The audit log was written with an audit key, but there is none at {path} "
            "and TIDINGS_AUDIT_KEY is unset. Restore the key file from its backup."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside, then linked into place: a concurrent reader never sees it half-written.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit_key.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        os.chmod(temporary, 0o600)
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    key = load_audit_key()
    assert key is not None
    return key


def forget_loaded_keys() -> None:
    """Drop the per-process cache (for tests that swap the key)."""
    _loaded.clear()
