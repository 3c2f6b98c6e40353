"""The audit log: append-only rows in hash chains ("streams"), each carrying the hash before it.

The log is several independent chains so that concurrent writers do not queue on
one lock (``TIDINGS_AUDIT_STREAMS``, default 8). Each stream has a ``ChainHead``
row (its ``id`` is the stream number, from 1) holding the hash of its newest event
and its count of events; a writer locks one head, so the events of a stream are
chained in commit order, and removal of a stream's newest row is as detectable as
removal of any other. Stream 1 is the chain written before there were streams.

``seq`` numbers every event of the log, unique and increasing in the order the
events were written (within a stream, also in chain order); on PostgreSQL it
comes from a sequence, so it has gaps (rolled-back writes) and, across streams,
need not follow commit order. ``stream_seq`` is an event's position in its stream
(1, 2, 3, ...; NULL for events written before streams, whose position is ``seq``).

``scheme`` says how an event's hash was made: ``hmac-sha256-v2`` (keyed with the
audit key named by ``key_id``, covering ``stream`` and ``stream_seq``; every event
written now), ``hmac-sha256`` (keyed, written before streams) or ``sha256``
(plain, for events written before the chain was keyed). The database refuses
UPDATE, DELETE and TRUNCATE on the event table (migration 0003).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

#: The scheme of every event written now: keyed, covering the event's stream and position.
KEYED_SCHEME = "hmac-sha256-v2"
#: Keyed, written before streams (the hash does not cover ``stream`` or ``stream_seq``).
PRE_STREAM_SCHEME = "hmac-sha256"
LEGACY_SCHEME = "sha256"
#: Schemes whose hash needs the audit key.
KEYED_SCHEMES = (KEYED_SCHEME, PRE_STREAM_SCHEME)
#: The stream that holds the chain written before there were streams.
FIRST_STREAM = 1


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    stream = models.PositiveSmallIntegerField(default=FIRST_STREAM)
    stream_seq = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    actor_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=64)
    subject_type = models.CharField(max_length=32, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)
    scheme = models.CharField(max_length=16)
    key_id = models.CharField(max_length=16, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject"),
            models.Index(fields=["action", "-seq"], name="audit_action"),
            models.Index(fields=["stream", "seq"], name="audit_stream"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "stream_seq"], name="audit_stream_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.subject_type}:{self.subject_id}"

    @property
    def position(self) -> int:
        """Where the event stands in its stream (events from before streams: their ``seq``)."""
        return self.seq if self.stream_seq is None else self.stream_seq


class ChainHead(models.Model):
    """The head of one stream: ``id`` is the stream number, ``last_seq`` its count of events
    (the ``stream_seq`` of its newest event), ``last_hash`` that event's hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=FIRST_STREAM)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
