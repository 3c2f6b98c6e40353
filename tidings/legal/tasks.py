"""The legal desk's periodic work, run by the task workers."""

from __future__ import annotations

from datetime import timedelta

from tidings.legal.actions.holds import do_purge_ended_holds
from tidings.legal.actions.withholding import do_announce_ended_withholdings
from tidings.legal.reminders import send_digest, send_reminders
from tidings.tasks import periodic


@periodic(every=timedelta(hours=1))
def purge_ended_holds() -> int:
    """End legal holds whose time is up (the scheduler acts as nobody: ``acting_user=None``)."""
    return do_purge_ended_holds(acting_user=None)


@periodic(every=timedelta(minutes=1))
def announce_ended_withholdings() -> int:
    """Send open streams the posts of withholdings that ended by the clock (each once)."""
    return do_announce_ended_withholdings(acting_user=None)


@periodic(every=timedelta(minutes=15))
def remind_clocks() -> int:
    """Mail the legal staff about clocks that are about to run out or just did (each once)."""
    return send_reminders()


@periodic(every=timedelta(hours=1))
def clock_digest() -> int:
    """Mail the legal staff the day's overdue and due-soon clocks (the first run of a UTC day)."""
    return send_digest()
