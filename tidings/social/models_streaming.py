"""Stream events waiting for the streaming process when no Redis is configured.

Each row says what happened (a post appeared, was deleted, withheld...), never
who may see it: the streaming process asks ``tidings.visibility`` per viewer.
Rows are written in the transaction of the action that causes them and pruned
after :data:`STREAM_EVENT_KEEP` by a periodic task (``tidings/streaming/tasks.py``).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models

#: How long an event row is kept; a streaming process polls several times a second.
STREAM_EVENT_KEEP = timedelta(minutes=10)


class StreamEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=32)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]
