"""The social side's periodic work, run by the task workers: polls that end, uploads never
attached to a post deleted after a day, and home timelines trimmed (``home_trim``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tidings.social.actions.direct import do_end_polls
from tidings.social.actions.media import do_purge_unattached_media
from tidings.social.home_trim import trim_home_feeds  # noqa: F401 (a periodic task)
from tidings.tasks import periodic

#: How long an upload may wait for its post.
KEEP_UNATTACHED = timedelta(days=1)


@periodic(every=timedelta(minutes=1))
def end_polls() -> int:
    """Notify voters and authors of polls that ended (the scheduler acts as nobody)."""
    return do_end_polls(acting_user=None)


@periodic(every=timedelta(hours=1))
def purge_unattached_media() -> int:
    """Delete uploads older than ``KEEP_UNATTACHED`` that no post took; returns how many."""
    return do_purge_unattached_media(older_than=timezone.now() - KEEP_UNATTACHED, acting_user=None)
