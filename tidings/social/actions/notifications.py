"""Marking and clearing one's own notifications, and saving read markers.

Reading never marks anything read: only these actions do, from a POST.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput
from tidings.social.models import Account, Marker, MarkerTimeline, Notification


def _mark_read_up_to(account: Account, up_to_id: int) -> int:
    return Notification.objects.filter(
        recipient=account, read_at__isnull=True, id__lte=up_to_id
    ).update(read_at=timezone.now())


def _move_marker(account: Account, timeline: str, last_read_id: int) -> Marker:
    """Save one marker, bumping its version (the row is locked while it changes)."""
    marker, created = Marker.objects.select_for_update().get_or_create(
        account=account,
        timeline=timeline,
        defaults={"last_read_id": last_read_id, "version": 1},
    )
    if not created:
        Marker.objects.filter(id=marker.id).update(
            last_read_id=last_read_id, version=F("version") + 1, updated_at=timezone.now()
        )
        marker.refresh_from_db()
    return marker


@transaction.atomic
def do_mark_notifications_read(*, acting_user: Account, up_to_id: int | None = None) -> int:
    """Mark ``acting_user``'s notifications up to ``up_to_id`` (default: all) read.

    The notifications marker moves forward to match (never back). Returns how many were unread.
    """
    newest = Notification.objects.filter(recipient=acting_user).aggregate(newest=Max("id"))
    up_to = up_to_id if up_to_id is not None else newest["newest"]
    if up_to is None:
        return 0
    count = _mark_read_up_to(acting_user, up_to)
    current = (
        Marker.objects.filter(account=acting_user, timeline=MarkerTimeline.NOTIFICATIONS)
        .values_list("last_read_id", flat=True)
        .first()
    )
    if current is None or current < up_to:
        _move_marker(acting_user, MarkerTimeline.NOTIFICATIONS, up_to)
    if count:
        record_event(
            "notifications.read",
            actor_id=acting_user.id,
            subject_type="account",
            subject_id=acting_user.id,
            data={"count": count, "up_to_id": str(up_to)},
        )
    return count


@transaction.atomic
def do_save_markers(positions: Mapping[str, int], *, acting_user: Account) -> dict[str, Marker]:
    """Save where ``acting_user`` stopped reading each timeline (``home``, ``notifications``).

    Saving the notifications marker also marks the notifications up to it read.
    """
    unknown = set(positions) - set(MarkerTimeline.values)
    if unknown:
        raise InvalidInput(f"Unknown timelines: {', '.join(sorted(unknown))}.")
    for last_read_id in positions.values():
        if not 0 <= last_read_id < 2**63:
            raise InvalidInput("A last_read_id is a positive id.")
    saved = {
        timeline: _move_marker(acting_user, timeline, last_read_id)
        for timeline, last_read_id in sorted(positions.items())
    }
    read = 0
    if MarkerTimeline.NOTIFICATIONS in positions:
        read = _mark_read_up_to(acting_user, positions[MarkerTimeline.NOTIFICATIONS])
    if saved:
        record_event(
            "markers.save",
            actor_id=acting_user.id,
            subject_type="account",
            subject_id=acting_user.id,
            data={
                "positions": {t: str(m.last_read_id) for t, m in saved.items()},
                "notifications_read": read,
            },
        )
    return saved


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
