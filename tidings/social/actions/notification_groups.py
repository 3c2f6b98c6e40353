"""Dismissing a group of notifications (Mastodon 4.3's grouped notifications)."""

from __future__ import annotations

from django.db import transaction

from tidings.audit.chain import record_event
from tidings.social.models import Account, Notification
from tidings.social.notification_groups import group_filter


@transaction.atomic
def do_dismiss_notification_group(*, acting_user: Account, group_key: str) -> int:
    """Delete every notification of ``acting_user`` in the group ``group_key``; how many went.

    A key that names no group dismisses nothing (and is recorded as such).
    """
    q = group_filter(group_key)
    count = 0
    if q is not None:
        count, _ = Notification.objects.filter(recipient=acting_user).filter(q).delete()
    record_event(
        "notifications.clear",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=acting_user.id,
        data={"count": count, "group_key": group_key[:100]},
    )
    return count
