"""Writing to the hash chains, and the hash of one event.

The log is ``TIDINGS_AUDIT_STREAMS`` chains ("streams", default 8; see
tidings/audit/models.py). A writer appends to one stream, holding only that
stream's head row until its transaction commits: on PostgreSQL it takes the
stream its connection used last if that head is free, else any free one
(``FOR UPDATE SKIP LOCKED``), and waits only when every head is taken; so up to
that many transactions append at once. A transaction that writes events twice
uses the same stream both times, so it never holds two heads (see
tidings/lib/locks.py). SQLite has one writer at a time: it always finds stream 1 free.

An event's hash is HMAC-SHA256, keyed with the audit key (tidings/audit/keys.py),
over a canonical JSON serialisation (sorted keys, no whitespace) of every
stored field but ``hash``: ``prev_hash``, ``seq``, ``stream`` and ``stream_seq``
included. The canonical form survives any faithful copy of the database:
``created_at`` is kept to the millisecond (what Django's JSON serializer writes)
and ``data`` is stored exactly as it is hashed, in a form every database gives
back unchanged (:func:`canonical_data`).

Events written before streams (``scheme == "hmac-sha256"``, no ``stream`` or
``stream_seq`` in the hash) and before the chain was keyed (``scheme == "sha256"``,
plain SHA-256) keep the form they were hashed in, so they still verify.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, Value, When
from django.utils import timezone

from tidings.audit.events import AuditAction, check_action
from tidings.audit.keys import AuditKey, audit_key_for_writing
from tidings.audit.models import (
    FIRST_STREAM,
    KEYED_SCHEME,
    LEGACY_SCHEME,
    AuditEvent,
    ChainHead,
)

if TYPE_CHECKING:
    from tidings.audit.verify import ChainProblem

GENESIS_HASH = "0" * 64
logger = logging.getLogger(__name__)
#: Ids of the keys this process has found the chain written with (see ``_check_chain_key``).
_chain_keys_checked: set[str] = set()


@dataclass(frozen=True)
class EventSpec:
    """One event to record: what was done, by whom, to what."""

    action: str
    actor_id: int | None
    subject_type: str = ""
    subject_id: str = ""
    data: dict[str, Any] | None = None


def canonical_bytes(event: AuditEvent) -> bytes:
    """The bytes an event's hash covers, in the form of its ``scheme``."""
    payload: dict[str, Any] = {
        "seq": event.seq,
        "actor_id": event.actor_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    created_at = event.created_at.astimezone(UTC)
    if event.scheme == LEGACY_SCHEME:
        payload["created_at"] = created_at.isoformat(timespec="microseconds")
    else:
        payload["created_at"] = created_at.isoformat(timespec="milliseconds")
        payload["scheme"] = event.scheme
        payload["key_id"] = event.key_id
    if event.scheme == KEYED_SCHEME:
        payload["stream"] = event.stream
        payload["stream_seq"] = event.stream_seq
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def legacy_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_bytes(event)).hexdigest()


def keyed_hash(event: AuditEvent, key: AuditKey) -> str:
    return key.mac(canonical_bytes(event))


def _canonical_float(literal: str) -> int | float:
    number = float(literal)
    return int(number) if number.is_integer() else number


def canonical_data(data: dict[str, Any] | None) -> dict[str, Any]:
    """``data`` as stored and hashed: plain JSON types that every round trip gives back.

    Whole floats become integers (PostgreSQL's jsonb would give 1e20 back as an
    integer); other floats survive any JSON round trip exactly. NaN and infinities,
    which are not JSON, become strings.
    """
    text = json.dumps(data or {}, sort_keys=True, default=str)
    return json.loads(text, parse_float=_canonical_float, parse_constant=str)


def _to_the_millisecond(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def stream_count() -> int:
    """How many streams writers spread over (``TIDINGS_AUDIT_STREAMS``, at least 1)."""
    return max(1, settings.TIDINGS_AUDIT_STREAMS)


def record_events(specs: Iterable[EventSpec]) -> list[AuditEvent]:
    """Append events to one stream inside the caller's transaction (one lock, one bulk insert).

    Refuses (ValueError) an action not declared in :class:`AuditAction`. When any
    event is an act of the legal desk, a checkpoint of the heads is written after commit.
    """
    specs = list(specs)
    if not specs:
        return []
    actions = [check_action(spec.action) for spec in specs]
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit events are written inside the action's transaction")
    key = audit_key_for_writing()
    head = _lock_a_head(connection)
    _check_chain_key(key)
    seqs = _next_seqs(connection, len(specs))
    now = _to_the_millisecond(timezone.now())
    events: list[AuditEvent] = []
    prev_hash, position = head.last_hash, head.last_seq
    for spec, action, seq in zip(specs, actions, seqs, strict=True):
        position += 1
        event = AuditEvent(
            seq=seq,
            stream=head.id,
            stream_seq=position,
            created_at=now,
            actor_id=spec.actor_id,
            action=action.value,
            subject_type=spec.subject_type,
            subject_id=str(spec.subject_id),
            data=canonical_data(spec.data),
            scheme=KEYED_SCHEME,
            key_id=key.key_id,
            prev_hash=prev_hash,
        )
        event.hash = keyed_hash(event, key)
        prev_hash = event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=500)
    ChainHead.objects.filter(id=head.id).update(last_seq=position, last_hash=prev_hash)
    if any(action.is_legal for action in actions):
        transaction.on_commit(_checkpoint_after_legal_action)
    return events


def _lock_a_head(connection: BaseDatabaseWrapper) -> ChainHead:
    """Lock and return the head of the stream to append to (see the module docstring).

    The stream this connection used last comes first, so a transaction that already
    holds a head takes the same one again (its own lock is never skipped), and each
    busy connection keeps to its own stream.
    """
    count = stream_count()
    preferred = getattr(connection, "_tidings_audit_stream", FIRST_STREAM)
    if not 1 <= preferred <= count:
        preferred = FIRST_STREAM
    heads = ChainHead.objects.filter(id__lte=count).order_by(
        Case(When(id=preferred, then=Value(0)), default=Value(1)), "id"
    )
    head = heads.select_for_update(skip_locked=True).first()
    if head is None and heads.count() < count:  # a new log, or more streams configured
        ChainHead.objects.bulk_create(
            [ChainHead(id=n, last_seq=0, last_hash=GENESIS_HASH) for n in range(1, count + 1)],
            ignore_conflicts=True,
        )
        head = heads.select_for_update(skip_locked=True).first()
    if head is None:  # every head is busy: wait for this connection's own
        head = ChainHead.objects.select_for_update().get(id=preferred)
    connection._tidings_audit_stream = head.id  # type: ignore[attr-defined]
    return head


def _next_seqs(connection: BaseDatabaseWrapper, count: int) -> list[int]:
    """``count`` new values of ``seq``, increasing, above every ``seq`` in the log.

    PostgreSQL: from the sequence ``audit_event_seq`` (no lock held); when it is behind
    the log (rows loaded by ``restore`` or by hand), it is moved past the newest first.
    SQLite: the newest ``seq`` plus one, under the database's single write lock.
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM audit_auditevent")
            newest = cursor.fetchone()[0]
            return list(range(newest + 1, newest + 1 + count))
        statement = (
            "SELECT nextval('audit_event_seq'), (SELECT MAX(seq) FROM audit_auditevent) "
            "FROM generate_series(1, %s)"
        )
        cursor.execute(statement, [count])
        rows = cursor.fetchall()
        newest = rows[0][1] or 0
        if rows[0][0] <= newest:
            cursor.execute(
                "SELECT setval('audit_event_seq', GREATEST(%s, last_value)) FROM audit_event_seq",
                [newest],
            )
            cursor.execute(statement, [count])
            rows = cursor.fetchall()
        return sorted(row[0] for row in rows)


def _check_chain_key(key: AuditKey) -> None:
    """Refuse to chain on with a key other than the one the newest event was written with.

    Machines sharing one database each read their own key (``TIDINGS_AUDIT_KEY`` or the
    key file in their data directory); one with a different key would append events
    that no verifier can check. Checked once per process and key.
    """
    if key.key_id in _chain_keys_checked:
        return
    newest = AuditEvent.objects.order_by("-seq").values_list("key_id", flat=True).first()
    if newest and newest != key.key_id:
        raise ImproperlyConfigured(
            f"The audit log is chained with the audit key {newest}, but this machine's key is "
            f"{key.key_id}: every machine sharing the database needs the same TIDINGS_AUDIT_KEY."
        )
    _chain_keys_checked.add(key.key_id)


def _checkpoint_after_legal_action() -> None:
    from tidings.audit.checkpoints import write_checkpoint

    try:
        write_checkpoint()
    except Exception:
        # The act has committed; a failed checkpoint must not turn it into an error page.
        logger.exception("could not write an audit checkpoint after a legal action")


def record_event(
    action: AuditAction | str,
    *,
    actor_id: int | None,
    subject_type: str = "",
    subject_id: object = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; see :func:`record_events`."""
    return record_events([EventSpec(action, actor_id, subject_type, str(subject_id), data)])[0]


def verify_chain(batch_size: int = 5000, *, key: AuditKey | None = None) -> Iterator[ChainProblem]:
    """See :func:`tidings.audit.verify.verify_chain` (kept here for existing callers)."""
    from tidings.audit.verify import verify_chain as verify

    return verify(batch_size, key=key)
