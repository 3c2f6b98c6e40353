"""Writing to and verifying the hash chain.

The hash of an event is SHA-256 over the previous hash and a canonical JSON
serialisation (sorted keys, no whitespace) of every stored field but ``hash``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tidings.audit.models import AuditEvent, ChainHead

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class EventSpec:
    """One event to record: what was done, by whom, to what."""

    action: str
    actor_id: int | None
    subject_type: str = ""
    subject_id: str = ""
    data: dict[str, Any] | None = None


def canonical_bytes(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: str,
    data: dict[str, Any],
    prev_hash: str,
) -> bytes:
    payload = {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "data": data,
        "prev_hash": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(
        canonical_bytes(
            seq=event.seq,
            created_at=event.created_at,
            actor_id=event.actor_id,
            action=event.action,
            subject_type=event.subject_type,
            subject_id=event.subject_id,
            data=event.data,
            prev_hash=event.prev_hash,
        )
    ).hexdigest()


def _normalised(data: dict[str, Any] | None) -> dict[str, Any]:
    """Round-trip through JSON so the hashed form equals what the database gives back."""
    return json.loads(json.dumps(data or {}, sort_keys=True, default=str))


def record_events(specs: Iterable[EventSpec]) -> list[AuditEvent]:
    """Append events to the chain inside the caller's transaction (one lock, one bulk insert)."""
    specs = list(specs)
    if not specs:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are written inside the action's transaction")
    head, _ = ChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
    )
    now = timezone.now()
    events: list[AuditEvent] = []
    prev_hash, seq = head.last_hash, head.last_seq
    for spec in specs:
        seq += 1
        event = AuditEvent(
            seq=seq,
            created_at=now,
            actor_id=spec.actor_id,
            action=spec.action,
            subject_type=spec.subject_type,
            subject_id=str(spec.subject_id),
            data=_normalised(spec.data),
            prev_hash=prev_hash,
        )
        event.hash = event_hash(event)
        prev_hash = event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=500)
    ChainHead.objects.filter(id=1).update(last_seq=seq, last_hash=prev_hash)
    return events


def record_event(
    action: str,
    *,
    actor_id: int | None,
    subject_type: str = "",
    subject_id: object = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; see :func:`record_events`."""
    return record_events([EventSpec(action, actor_id, subject_type, str(subject_id), data)])[0]


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def verify_chain(batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Yield the problems found walking the chain from the start; the first is the first bad event."""
    expected_prev, expected_seq = GENESIS_HASH, 1
    queryset = AuditEvent.objects.order_by("seq")
    last_pk = None
    while True:
        page = queryset if last_pk is None else queryset.filter(seq__gt=last_pk)
        rows = list(page[:batch_size])
        if not rows:
            break
        for event in rows:
            if event.seq != expected_seq:
                yield ChainProblem(expected_seq, f"event #{expected_seq} is missing or reordered")
                return
            if event.prev_hash != expected_prev:
                yield ChainProblem(
                    event.seq, f"event #{event.seq} does not follow the one before it"
                )
                return
            if event_hash(event) != event.hash:
                yield ChainProblem(
                    event.seq, f"event #{event.seq} was altered after it was written"
                )
                return
            expected_prev, expected_seq = event.hash, expected_seq + 1
        last_pk = rows[-1].seq
    head = ChainHead.objects.filter(id=1).first()
    last_seq = expected_seq - 1
    if head is None:
        if last_seq:
            yield ChainProblem(last_seq, "the chain head is missing")
        return
    if head.last_seq != last_seq or head.last_hash != expected_prev:
        yield ChainProblem(
            last_seq + 1 if head.last_seq > last_seq else head.last_seq,
            f"the chain head records {head.last_seq} events but {last_seq} were found",
        )
