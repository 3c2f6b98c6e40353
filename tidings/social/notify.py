"""Creating notifications in the transaction of the action that causes them.

They are a few rows each (one per recipient of a reply, mention, repost,
favourite or follow), so they are inserted with the change rather than queued:
they commit or roll back with it and cannot be lost.
"""

from __future__ import annotations

from tidings.social.models import Notification, NotificationKind
from tidings.streaming.events import publish_notifications


def notify(
    kind: NotificationKind, *, recipient_ids: list[int], actor_id: int, post_id: int | None = None
) -> None:
    """One notification per recipient (never to the actor itself), in the current transaction."""
    recipients = [r for r in dict.fromkeys(recipient_ids) if r != actor_id]
    if recipients:
        created = Notification.objects.bulk_create(
            [
                Notification(recipient_id=r, kind=kind, actor_id=actor_id, post_id=post_id)
                for r in recipients
            ]
        )
        publish_notifications(n.id for n in created)


#: The former name, kept so callers written against it keep working.
notify_after_commit = notify
