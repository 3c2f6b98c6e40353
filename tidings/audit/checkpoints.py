"""Signed checkpoints of the chain head, kept outside the database.

A checkpoint is ``{"seq", "hash", "time", "domain"}`` signed with Ed25519 (key
derived from the audit key), one JSON object per line appended to
``<data dir>/audit/checkpoints.jsonl`` and served at
``/transparency/audit/checkpoints``. Ed25519 rather than an HMAC so that anyone
holding a copy can check a checkpoint with the public key alone. Because each
event's hash covers the one before, a checkpoint commits to every event up to
its ``seq``: a log that no longer holds that event with that hash was truncated
or rewritten.

A checkpoint is written only for a head that the log links to, unbroken, from
the previous checkpoint (the first one: from the first event), so the file
never signs a history that dropped or replaced a checkpointed event.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import transaction

from tidings.audit.chain import GENESIS_HASH
from tidings.audit.keys import AuditKey, audit_key_for_writing
from tidings.audit.models import AuditEvent, ChainHead
from tidings.audit.verify import ChainProblem

ALGORITHM = "ed25519"


class CheckpointRefused(Exception):
    """The head does not extend the last checkpoint: the log was rewritten or truncated."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    time: str
    domain: str
    public_key: str
    signature: str

    def signed_bytes(self) -> bytes:
        return signed_bytes(self.seq, self.hash, self.time, self.domain)

    def signature_is_valid(self) -> bool:
        try:
            public_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key))
            public_key.verify(base64.b64decode(self.signature), self.signed_bytes())
        except (InvalidSignature, ValueError):
            return False
        return True

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "hash": self.hash,
            "time": self.time,
            "domain": self.domain,
            "algorithm": ALGORITHM,
            "public_key": self.public_key,
            "signature": self.signature,
        }


def signed_bytes(seq: int, hash: str, time: str, domain: str) -> bytes:
    """What the signature covers: canonical JSON of seq, hash, time and domain."""
    payload = {"domain": domain, "hash": hash, "seq": seq, "time": time}
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def parse_checkpoint(line: str) -> Checkpoint:
    """One line of a checkpoint file; ValueError when it is not a checkpoint."""
    try:
        raw = json.loads(line)
        checkpoint = Checkpoint(
            seq=int(raw["seq"]),
            hash=str(raw["hash"]),
            time=str(raw["time"]),
            domain=str(raw["domain"]),
            public_key=str(raw["public_key"]),
            signature=str(raw["signature"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"not a checkpoint ({error})") from None
    if raw.get("algorithm", ALGORITHM) != ALGORITHM:
        raise ValueError(f"unknown signature algorithm {raw.get('algorithm')!r}")
    return checkpoint


def checkpoint_file() -> Path:
    return Path(settings.TIDINGS_AUDIT_CHECKPOINT_FILE)


def _last_line(handle: Any) -> str:
    """The last non-empty line of a file opened for binary reading."""
    handle.seek(0, os.SEEK_END)
    end = handle.tell()
    chunk, data = 4096, b""
    position = end
    while position > 0:
        step = min(chunk, position)
        position -= step
        handle.seek(position)
        data = handle.read(step) + data
        lines = data.rstrip(b"\n").split(b"\n")
        if len(lines) > 1 or position == 0:
            return lines[-1].decode()
    return ""


def read_checkpoints_newest_first(path: Path | None = None, limit: int = 100) -> list[Checkpoint]:
    """Up to ``limit`` checkpoints from the end of the file, newest first."""
    path = path or checkpoint_file()
    if not path.exists():
        return []
    found: list[Checkpoint] = []
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        position, tail = handle.tell(), b""
        while position > 0 and len(found) < limit:
            step = min(65536, position)
            position -= step
            handle.seek(position)
            tail = handle.read(step) + tail
            lines = tail.split(b"\n")
            tail = lines[0] if position > 0 else b""
            complete = lines[1:] if position > 0 else lines
            for line in reversed(complete):
                if line.strip() and len(found) < limit:
                    found.append(parse_checkpoint(line.decode()))
    return found


def _check_extension(previous: Checkpoint | None, head: ChainHead) -> None:
    """Raise unless the log links, unbroken, from ``previous`` (or its start) to ``head``.

    Links only (three columns per event, no HMAC), so that it costs little after a
    large decision: whether each event is authentic is what ``verify`` checks with
    the key; the checkpoint asserts that the log grew from the last one.
    """
    if previous is None:
        previous_seq, previous_hash = 0, GENESIS_HASH
    else:
        previous_seq, previous_hash = previous.seq, previous.hash
        anchor = AuditEvent.objects.filter(seq=previous_seq).values_list("hash", flat=True)
        if anchor.first() != previous_hash:
            raise CheckpointRefused(
                f"the log no longer holds event #{previous_seq} as checkpointed; "
                "it was truncated or rewritten (or this is another database: move "
                f"{checkpoint_file()} aside only if so)"
            )
    expected_hash, expected_seq = previous_hash, previous_seq + 1
    links = AuditEvent.objects.filter(seq__gt=previous_seq, seq__lte=head.last_seq)
    for seq, prev_hash, event_hash in (
        links.order_by("seq").values_list("seq", "prev_hash", "hash").iterator(5000)
    ):
        if seq != expected_seq or prev_hash != expected_hash:
            raise CheckpointRefused(f"event #{expected_seq} does not follow the one before it")
        expected_hash, expected_seq = event_hash, expected_seq + 1
    if expected_seq != head.last_seq + 1 or expected_hash != head.last_hash:
        raise CheckpointRefused("the chain head does not match the events")


def write_checkpoint(now: datetime | None = None) -> Checkpoint | None:
    """Sign the current head and append it to the checkpoint file (None if nothing new).

    Safe to call from any process at any time (a scheduler calls it periodically;
    legal actions after they commit). Raises CheckpointRefused when the head does
    not extend the last checkpoint.
    """
    key = audit_key_for_writing()
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        last = _last_line(handle)
        previous = parse_checkpoint(last) if last else None
        with transaction.atomic():
            head = ChainHead.objects.filter(id=1).first()
            if head is None or head.last_seq == 0:
                return None
            if previous is not None and (previous.seq, previous.hash) == (
                head.last_seq,
                head.last_hash,
            ):
                return None
            _check_extension(previous, head)
        moment = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        body = signed_bytes(head.last_seq, head.last_hash, moment, settings.DOMAIN)
        checkpoint = Checkpoint(
            seq=head.last_seq,
            hash=head.last_hash,
            time=moment,
            domain=settings.DOMAIN,
            public_key=key.public_key_b64,
            signature=base64.b64encode(key.signing_key.sign(body)).decode(),
        )
        handle.seek(0, os.SEEK_END)
        handle.write(json.dumps(checkpoint.as_json(), separators=(",", ":")).encode() + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


def check_checkpoints(lines: Iterable[str], key: AuditKey | None) -> Iterator[ChainProblem]:
    """Problems proving that the log does not extend every checkpoint in ``lines``."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            checkpoint = parse_checkpoint(line)
        except ValueError as error:
            yield ChainProblem(0, f"line {number} of the checkpoint file is {error}")
            continue
        label = f"checkpoint of event #{checkpoint.seq} ({checkpoint.time})"
        if not checkpoint.signature_is_valid():
            yield ChainProblem(checkpoint.seq, f"the signature of the {label} is not valid")
            continue
        if key is not None and checkpoint.public_key != key.public_key_b64:
            yield ChainProblem(
                checkpoint.seq, f"the {label} was not signed with this server's audit key"
            )
            continue
        event = AuditEvent.objects.filter(seq=checkpoint.seq).only("hash").first()
        if event is None:
            yield ChainProblem(
                checkpoint.seq,
                f"event #{checkpoint.seq} of the {label} is no longer in the log (truncated)",
            )
        elif event.hash != checkpoint.hash:
            yield ChainProblem(
                checkpoint.seq,
                f"event #{checkpoint.seq} no longer has the hash of the {label} (rewritten)",
            )
