"""The audit log's periodic work, run by the task workers."""

from __future__ import annotations

from datetime import timedelta

from tidings.audit.checkpoints import write_checkpoint
from tidings.tasks import periodic


@periodic(every=timedelta(minutes=10))
def checkpoint_audit_log() -> int:
    """Sign the head of the log if it moved since the last checkpoint; 1 if one was written."""
    return 0 if write_checkpoint() is None else 1
