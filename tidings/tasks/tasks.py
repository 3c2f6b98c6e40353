"""The queue's own periodic job: forget tasks that succeeded long ago (failed ones stay on record)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tidings.tasks import periodic

#: How long a successful task's row is kept (for inspection) before it is deleted.
KEEP_SUCCEEDED = timedelta(days=7)


@periodic(every=timedelta(hours=1))
def prune_succeeded_tasks() -> int:
    """Delete rows of tasks that succeeded more than ``KEEP_SUCCEEDED`` ago; returns how many."""
    deleted, _ = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=timezone.now() - KEEP_SUCCEEDED
    ).delete()
    return deleted
