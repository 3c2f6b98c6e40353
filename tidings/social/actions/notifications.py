"""Marking and clearing one's own notifications."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.social.models import Account, Notification


@transaction.atomic
def do_mark_notifications_read(*, acting_user: Account) -> int:
    count = Notification.objects.filter(recipient=acting_user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        record_event(
            "notifications.read",
            actor_id=acting_user.id,
            subject_type="account",
            subject_id=acting_user.id,
            data={"count": count},
        )
    return count


@transaction.atomic
def do_clear_notifications(*, acting_user: Account, notification_id: int | None = None) -> int:
    """Delete all of ``acting_user``'s notifications, or one of them."""
    queryset = Notification.objects.filter(recipient=acting_user)
    if notification_id is not None:
        queryset = queryset.filter(id=notification_id)
    count, _ = queryset.delete()
    record_event(
        "notifications.clear",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=acting_user.id,
        data={"count": count, "id": notification_id},
    )
    return count
