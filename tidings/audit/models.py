"""The audit log: append-only rows, each carrying the hash of the one before.

``ChainHead`` is a single row holding the latest hash and the count of events;
writers lock it, so events are chained in commit order and removal of the
newest row is as detectable as removal of any other.

``scheme`` says how an event's hash was made: ``hmac-sha256`` (keyed with the
audit key named by ``key_id``; every event written now) or ``sha256`` (plain,
for events written before the chain was keyed). The database refuses UPDATE,
DELETE and TRUNCATE on the event table (migration 0003).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

KEYED_SCHEME = "hmac-sha256"
LEGACY_SCHEME = "sha256"


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
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
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.subject_type}:{self.subject_id}"


class ChainHead(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
