"""Creating notifications, after the action that causes them commits."""

from __future__ import annotations

from django.db import transaction

from tidings.social.models import Notification, NotificationKind


def notify_after_commit(
    kind: NotificationKind, *, recipient_ids: list[int], actor_id: int, post_id: int | None = None
) -> None:
    """Queue one notification per recipient (never to the actor itself) for after commit."""
    recipients = [r for r in dict.fromkeys(recipient_ids) if r != actor_id]
    if not recipients:
        return

    def create() -> None:
        Notification.objects.bulk_create(
            [
                Notification(recipient_id=r, kind=kind, actor_id=actor_id, post_id=post_id)
                for r in recipients
            ]
        )

    transaction.on_commit(create)
