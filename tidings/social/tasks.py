"""The social side's periodic work, run by the task workers."""

from __future__ import annotations

from datetime import timedelta

from tidings.social.actions.direct import do_end_polls
from tidings.tasks import periodic


@periodic(every=timedelta(minutes=1))
def end_polls() -> int:
    """Notify voters and authors of polls that ended (the scheduler acts as nobody)."""
    return do_end_polls(acting_user=None)
