"""When each periodic task is next due, shared by every worker on every machine."""

from __future__ import annotations

from django.db import models


class PeriodicSchedule(models.Model):
    """One row per periodic task; a worker claims a run by moving ``next_run_at`` forward.

    The claim is a conditional UPDATE (``next_run_at <= now``), so of any number
    of workers exactly one enqueues each run.
    """

    name = models.CharField(max_length=200, primary_key=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} next at {self.next_run_at:%Y-%m-%d %H:%M:%S}"
