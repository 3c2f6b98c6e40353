"""The legal desk's periodic work, run by the task workers."""

from __future__ import annotations

from datetime import timedelta

from tidings.legal.actions.holds import do_purge_ended_holds
from tidings.tasks import periodic


@periodic(every=timedelta(hours=1))
def purge_ended_holds() -> int:
    """End legal holds whose time is up (the scheduler acts as nobody: ``acting_user=None``)."""
    return do_purge_ended_holds(acting_user=None)
