"""Signed checkpoints of the chain heads, kept outside the database.

A checkpoint is ``{"seq", "hash", "time", "domain"}`` signed with Ed25519 (key
derived from the audit key), one JSON object per line appended to
``<data dir>/audit/checkpoints.jsonl`` and served at
``/transparency/audit/checkpoints``. Ed25519 rather than an HMAC so that anyone
holding a copy can check a checkpoint with the public key alone.

When one stream holds the whole log (always on SQLite), ``seq`` and ``hash`` are
those of its newest event, as before there were streams: because each event's
hash covers the one before, the checkpoint commits to every event up to it.
When several streams hold events, the checkpoint also lists ``heads``, one
``{"stream", "events", "seq", "hash"}`` per stream (its count of events, and the
``seq`` and hash of its newest); ``hash`` is then the SHA-256 of the canonical JSON
of that list (:func:`heads_digest`) and ``seq`` the highest ``seq`` among them.
The signature covers the same four fields either way, so it is checked as before;
the heads are bound to it by the digest. Such a checkpoint commits to every event
of every stream up to that stream's head: a log that no longer holds one of those
heads with that hash was truncated or rewritten.

A checkpoint is written only for heads that the log links to, unbroken, from the
previous checkpoint (the first one: from the start of each stream), so the file
never signs a history that dropped or replaced a checkpointed event.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
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
class StreamHead:
    """The newest event of one stream: its position (``events``), ``seq`` and hash."""

    stream: int
    events: int
    seq: int
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {"stream": self.stream, "events": self.events, "seq": self.seq, "hash": self.hash}


def heads_digest(heads: Iterable[StreamHead]) -> str:
    """The ``hash`` of a checkpoint of several streams: SHA-256 of its heads' canonical JSON."""
    listed = [head.as_json() for head in sorted(heads, key=lambda head: head.stream)]
    return hashlib.sha256(
        json.dumps(listed, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    time: str
    domain: str
    public_key: str
    signature: str
    #: Empty for a checkpoint of a log held in one stream (``seq`` and ``hash`` name its head).
    heads: tuple[StreamHead, ...] = ()

    def signed_bytes(self) -> bytes:
        return signed_bytes(self.seq, self.hash, self.time, self.domain)

    def signature_is_valid(self) -> bool:
        try:
            public_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key))
            public_key.verify(base64.b64decode(self.signature), self.signed_bytes())
        except (InvalidSignature, ValueError):
            return False
        return True

    @property
    def label(self) -> str:
        if not self.heads:
            return f"checkpoint of event #{self.seq} ({self.time})"
        return f"checkpoint of {len(self.heads)} streams up to event #{self.seq} ({self.time})"

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "seq": self.seq,
            "hash": self.hash,
            "time": self.time,
            "domain": self.domain,
        }
        if self.heads:
            body["heads"] = [head.as_json() for head in self.heads]
        return {
            **body,
            "algorithm": ALGORITHM,
            "public_key": self.public_key,
            "signature": self.signature,
        }


def signed_bytes(seq: int, hash: str, time: str, domain: str) -> bytes:
    """What the signature covers: canonical JSON of seq, hash, time and domain."""
    payload = {"domain": domain, "hash": hash, "seq": seq, "time": time}
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def _parse_head(raw: Any) -> StreamHead:
    head = StreamHead(int(raw["stream"]), int(raw["events"]), int(raw["seq"]), str(raw["hash"]))
    if head.events < 1:
        raise ValueError("a head with no events")
    return head


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
            heads=tuple(_parse_head(head) for head in raw.get("heads") or ()),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
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


def _anchors(previous: Checkpoint | None) -> dict[int, StreamHead]:
    """Per stream, the head the previous checkpoint committed to, found again in the log.

    Raises CheckpointRefused when the log no longer holds one of them.
    """
    if previous is None:
        return {}
    named = previous.heads or (StreamHead(0, 0, previous.seq, previous.hash),)
    anchors: dict[int, StreamHead] = {}
    for head in named:
        event = AuditEvent.objects.filter(seq=head.seq).first()
        if event is None or event.hash != head.hash:
            raise CheckpointRefused(
                f"the log no longer holds event #{head.seq} as checkpointed; "
                "it was truncated or rewritten (or this is another database: move "
                f"{checkpoint_file()} aside only if so)"
            )
        anchors[event.stream] = StreamHead(event.stream, event.position, head.seq, head.hash)
    return anchors


def _extend(anchor: StreamHead | None, head: ChainHead) -> StreamHead:
    """The stream's head as a checkpoint names it; raises unless the stream links, unbroken,
    from ``anchor`` (or its start) to ``head``.

    Links only (four columns per event, no HMAC), so that it costs little after a large
    decision: whether each event is authentic is what ``verify`` checks with the key;
    the checkpoint asserts that the log grew from the last one.
    """
    stream = head.id
    start = anchor or StreamHead(stream, 0, 0, GENESIS_HASH)
    if head.last_seq < start.events:
        raise CheckpointRefused(
            f"stream {stream} holds {head.last_seq} events, fewer than the {start.events} "
            "checkpointed"
        )
    position, expected_hash, newest_seq = start.events, start.hash, start.seq
    links = AuditEvent.objects.filter(stream=stream, seq__gt=start.seq).order_by("seq")
    if position < head.last_seq:
        for seq, stream_seq, prev_hash, event_hash in links.values_list(
            "seq", "stream_seq", "prev_hash", "hash"
        ).iterator(5000):
            position += 1
            if (seq if stream_seq is None else stream_seq) != position:
                where = (
                    f"#{newest_seq + 1}"  # the only number it can have had
                    if seq - newest_seq <= 2
                    else f"{position} of stream {stream} (after #{newest_seq})"
                )
                raise CheckpointRefused(f"event {where} does not follow the one before it")
            if prev_hash != expected_hash:
                raise CheckpointRefused(f"event #{seq} does not follow the one before it")
            expected_hash, newest_seq = event_hash, seq
            if position == head.last_seq:
                break
    if position != head.last_seq or expected_hash != head.last_hash:
        raise CheckpointRefused(f"the head of stream {stream} does not match its events")
    return StreamHead(stream, position, newest_seq, expected_hash)


def write_checkpoint(now: datetime | None = None) -> Checkpoint | None:
    """Sign the current heads and append them to the checkpoint file (None if nothing new).

    Safe to call from any process at any time (a scheduler calls it periodically;
    legal actions after they commit). Raises CheckpointRefused when the heads do
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
            rows = [head for head in ChainHead.objects.order_by("id") if head.last_seq > 0]
            if not rows:
                return None
            anchors = _anchors(previous)
            lost = sorted(set(anchors) - {head.id for head in rows})
            if lost:
                raise CheckpointRefused(f"stream {lost[0]} has no head but was checkpointed")
            heads = tuple(_extend(anchors.get(head.id), head) for head in rows)
        if heads == tuple(anchors[stream] for stream in sorted(anchors)):
            return None
        if len(heads) == 1:
            seq, digest, listed = heads[0].seq, heads[0].hash, ()
        else:
            seq, digest, listed = max(head.seq for head in heads), heads_digest(heads), heads
        moment = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        body = signed_bytes(seq, digest, moment, settings.DOMAIN)
        checkpoint = Checkpoint(
            seq=seq,
            hash=digest,
            time=moment,
            domain=settings.DOMAIN,
            public_key=key.public_key_b64,
            signature=base64.b64encode(key.signing_key.sign(body)).decode(),
            heads=listed,
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
        label = checkpoint.label
        if not checkpoint.signature_is_valid():
            yield ChainProblem(checkpoint.seq, f"the signature of the {label} is not valid")
            continue
        if key is not None and checkpoint.public_key != key.public_key_b64:
            yield ChainProblem(
                checkpoint.seq, f"the {label} was not signed with this server's audit key"
            )
            continue
        if checkpoint.heads and heads_digest(checkpoint.heads) != checkpoint.hash:
            yield ChainProblem(
                checkpoint.seq, f"the heads listed in the {label} are not the ones it signed"
            )
            continue
        for head in checkpoint.heads or (StreamHead(0, 0, checkpoint.seq, checkpoint.hash),):
            problem = _head_problem(head, label, in_stream=bool(checkpoint.heads))
            if problem is not None:
                yield problem


def _head_problem(head: StreamHead, label: str, *, in_stream: bool) -> ChainProblem | None:
    event = AuditEvent.objects.filter(seq=head.seq).first()
    if event is None:
        return ChainProblem(
            head.seq, f"event #{head.seq} of the {label} is no longer in the log (truncated)"
        )
    moved = in_stream and (event.stream, event.position) != (head.stream, head.events)
    if event.hash != head.hash or moved:
        return ChainProblem(
            head.seq, f"event #{head.seq} no longer has the hash of the {label} (rewritten)"
        )
    return None
