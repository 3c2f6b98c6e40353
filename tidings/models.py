"""Models of the project package itself: the registry of snowflake worker numbers."""

from __future__ import annotations

from django.db import models


class SnowflakeWorker(models.Model):
    """A worker number (the middle bits of every id) leased by one live process.

    Used on PostgreSQL, where processes run on several machines; see
    ``tidings/lib/workers.py``. A row whose lease has ended may be claimed again.
    """

    worker = models.PositiveSmallIntegerField(primary_key=True)
    holder = models.CharField(max_length=200, help_text="host:pid:token of the process.")
    leased_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker {self.worker} ({self.holder})"
