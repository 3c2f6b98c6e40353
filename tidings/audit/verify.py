"""Walking every stream of the log from its start and saying what it proves.

Each stream (tidings/audit/models.py) is walked in ``seq`` order: its events must
stand at positions 1, 2, 3, ... (``stream_seq``; ``seq`` for events from before
streams), each naming the hash of the one before, and the stream's head must name
its newest event and count. With the audit key, every keyed event's HMAC is
recomputed: an edit anywhere, even one followed by recomputing every later hash, is
found at the edited event; a keyed event moved to another stream or position is
found the same way (the hash covers both). Without the key only the links are
checked: a rewrite of a whole stream from some point on cannot be told from the
original. Checkpoints published outside the database
(tidings/audit/checkpoints.py) catch that, and truncation of any stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tidings.audit.chain import GENESIS_HASH, keyed_hash, legacy_hash
from tidings.audit.keys import AuditKey
from tidings.audit.models import (
    KEYED_SCHEMES,
    LEGACY_SCHEME,
    AuditEvent,
    ChainHead,
)

WITHOUT_KEY_WARNING = (
    "Without the audit key, a rewrite of the whole chain cannot be detected: "
    "only the links between events were checked."
)


@dataclass(frozen=True)
class ChainProblem:
    """Where the log breaks: ``seq`` is the event found there, or the first number a
    missing event could have had."""

    seq: int
    reason: str


@dataclass
class ChainWalk:
    """What a walk of the log found; ``problems`` holds at most the first problem."""

    keyed: bool
    events: int = 0
    legacy_events: int = 0
    streams: int = 0
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _event_problem(event: AuditEvent, key: AuditKey | None, seen_keyed: bool) -> str | None:
    if event.scheme == LEGACY_SCHEME:
        if seen_keyed:
            return f"event #{event.seq} is unkeyed but follows keyed events"
        if legacy_hash(event) != event.hash:
            return f"event #{event.seq} was altered after it was written"
        return None
    if event.scheme not in KEYED_SCHEMES:
        return f"event #{event.seq} names an unknown hash scheme {event.scheme!r}"
    if key is None:
        return None
    if event.key_id != key.key_id:
        return f"event #{event.seq} was not written with this server's audit key"
    if keyed_hash(event, key) != event.hash:
        return f"event #{event.seq} was altered after it was written"
    return None


def _out_of_place(stream: int, position: int, previous_seq: int, found: AuditEvent) -> ChainProblem:
    """The event at ``position`` of ``stream`` is not where it should be (removed or moved)."""
    first_possible = previous_seq + 1
    if found.seq - previous_seq <= 2:  # only one number it can have had: name it
        return ChainProblem(first_possible, f"event #{first_possible} is missing or reordered")
    return ChainProblem(
        first_possible,
        f"event {position} of stream {stream} (between #{previous_seq} and #{found.seq}) "
        "is missing or reordered",
    )


def _walk_stream(
    walk: ChainWalk, stream: int, head: ChainHead | None, key: AuditKey | None, batch_size: int
) -> ChainProblem | None:
    expected_prev, position, previous_seq, seen_keyed = GENESIS_HASH, 0, 0, False
    queryset = AuditEvent.objects.filter(stream=stream).order_by("seq")
    while True:
        rows = list(queryset.filter(seq__gt=previous_seq)[:batch_size])
        if not rows:
            break
        for event in rows:
            position += 1
            if event.position != position:
                return _out_of_place(stream, position, previous_seq, event)
            if event.prev_hash != expected_prev:
                return ChainProblem(
                    event.seq, f"event #{event.seq} does not follow the one before it"
                )
            problem = _event_problem(event, key, seen_keyed)
            if problem:
                return ChainProblem(event.seq, problem)
            seen_keyed = seen_keyed or event.scheme in KEYED_SCHEMES
            walk.events += 1
            walk.legacy_events += event.scheme == LEGACY_SCHEME
            expected_prev, previous_seq = event.hash, event.seq
    walk.streams += position > 0
    if head is None:
        if position:
            return ChainProblem(previous_seq, f"the chain head of stream {stream} is missing")
        return None
    if head.last_seq != position:
        return ChainProblem(
            previous_seq + 1 if head.last_seq > position else previous_seq,
            f"the chain head records {head.last_seq} events but {position} were found "
            f"in stream {stream}",
        )
    if head.last_hash != expected_prev:
        return ChainProblem(
            previous_seq, f"the chain head of stream {stream} does not name its newest event"
        )
    return None


def walk_chain(key: AuditKey | None, batch_size: int = 5000) -> ChainWalk:
    """Check every stream from its first event to its head; stop at the first problem."""
    walk = ChainWalk(keyed=key is not None)
    heads = {head.id: head for head in ChainHead.objects.all()}
    in_log = AuditEvent.objects.order_by().values_list("stream", flat=True).distinct()
    for stream in sorted(set(heads) | set(in_log)):
        problem = _walk_stream(walk, stream, heads.get(stream), key, batch_size)
        if problem is not None:
            walk.problems.append(problem)
            break
    return walk


def verify_chain(batch_size: int = 5000, *, key: AuditKey | None = None) -> Iterator[ChainProblem]:
    """Yield the first problem of the log, if any (checked with ``key``, else the configured one)."""
    if key is None:
        from tidings.audit.keys import load_audit_key

        key = load_audit_key()
    yield from walk_chain(key, batch_size).problems
