"""Walking the chain from the start and saying what it proves.

With the audit key, every keyed event's HMAC is recomputed: an edit anywhere,
even one followed by recomputing every later hash, is found at the edited event.
Without the key only the links are checked (sequence numbers, each event naming
the hash of the one before, the head): a rewrite of the whole chain from some
point on cannot be told from the original. Checkpoints published outside the
database (tidings/audit/checkpoints.py) catch that, and truncation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tidings.audit.chain import GENESIS_HASH, keyed_hash, legacy_hash
from tidings.audit.keys import AuditKey
from tidings.audit.models import KEYED_SCHEME, LEGACY_SCHEME, AuditEvent, ChainHead

WITHOUT_KEY_WARNING = (
    "Without the audit key, a rewrite of the whole chain cannot be detected: "
    "only the links between events were checked."
)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


@dataclass
class ChainWalk:
    """What a walk of the chain found; ``problems`` holds at most the first problem."""

    keyed: bool
    events: int = 0
    legacy_events: int = 0
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
    if event.scheme != KEYED_SCHEME:
        return f"event #{event.seq} names an unknown hash scheme {event.scheme!r}"
    if key is None:
        return None
    if event.key_id != key.key_id:
        return f"event #{event.seq} was not written with this server's audit key"
    if keyed_hash(event, key) != event.hash:
        return f"event #{event.seq} was altered after it was written"
    return None


def walk_chain(key: AuditKey | None, batch_size: int = 5000) -> ChainWalk:
    """Check the chain from the first event to the head; stop at the first problem."""
    walk = ChainWalk(keyed=key is not None)
    expected_prev, expected_seq, seen_keyed = GENESIS_HASH, 1, False
    queryset = AuditEvent.objects.order_by("seq")
    last_seq = None
    while True:
        page = queryset if last_seq is None else queryset.filter(seq__gt=last_seq)
        rows = list(page[:batch_size])
        if not rows:
            break
        for event in rows:
            if event.seq != expected_seq:
                walk.problems.append(
                    ChainProblem(expected_seq, f"event #{expected_seq} is missing or reordered")
                )
                return walk
            if event.prev_hash != expected_prev:
                walk.problems.append(
                    ChainProblem(event.seq, f"event #{event.seq} does not follow the one before it")
                )
                return walk
            problem = _event_problem(event, key, seen_keyed)
            if problem:
                walk.problems.append(ChainProblem(event.seq, problem))
                return walk
            seen_keyed = seen_keyed or event.scheme == KEYED_SCHEME
            walk.events += 1
            walk.legacy_events += event.scheme == LEGACY_SCHEME
            expected_prev, expected_seq = event.hash, expected_seq + 1
        last_seq = rows[-1].seq
    head = ChainHead.objects.filter(id=1).first()
    found = expected_seq - 1
    if head is None:
        if found:
            walk.problems.append(ChainProblem(found, "the chain head is missing"))
        return walk
    if head.last_seq != found or head.last_hash != expected_prev:
        walk.problems.append(
            ChainProblem(
                found + 1 if head.last_seq > found else head.last_seq,
                f"the chain head records {head.last_seq} events but {found} were found",
            )
        )
    return walk


def verify_chain(batch_size: int = 5000, *, key: AuditKey | None = None) -> Iterator[ChainProblem]:
    """Yield the first problem of the chain, if any (checked with ``key``, else the configured one)."""
    if key is None:
        from tidings.audit.keys import load_audit_key

        key = load_audit_key()
    yield from walk_chain(key, batch_size).problems
