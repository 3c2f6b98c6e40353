"""Ending legal holds: content preserved by law is purged once its hold has ended."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tidings.audit.chain import EventSpec, record_events
from tidings.legal.models import LegalHold
from tidings.social.actions.media import discard_media_of
from tidings.social.models import Account, Post, PostEdit


@transaction.atomic
def do_purge_ended_holds(*, acting_user: Account | None, now: datetime | None = None) -> int:
    """Blank the text (every version) and drop the images of tombstones whose every legal hold has ended; returns how many holds ended.

    The tombstone, its SHA-256 and the hold records stay. ``acting_user`` is
    None when the scheduler runs it. One audit event per hold.
    """
    now = now or timezone.now()
    ended = list(
        LegalHold.objects.select_for_update()
        .filter(purged_at__isnull=True, ends_at__lte=now)
        .order_by("id")
    )
    if not ended:
        return 0
    post_ids = {h.post_id for h in ended}
    still_held = set(
        LegalHold.objects.filter(
            post_id__in=post_ids, purged_at__isnull=True, ends_at__gt=now
        ).values_list("post_id", flat=True)
    )
    purged = set(
        Post.objects.filter(id__in=post_ids - still_held, deleted_at__isnull=False).values_list(
            "id", flat=True
        )
    )
    Post.objects.filter(id__in=purged).update(text="")
    PostEdit.objects.filter(post_id__in=purged).update(text="")
    discard_media_of(purged)  # the images go with the text
    LegalHold.objects.filter(id__in=[h.id for h in ended]).update(purged_at=now)
    record_events(
        EventSpec(
            "legal.hold.purge",
            acting_user.id if acting_user else None,
            "post",
            str(hold.post_id),
            {"hold": hold.id, "demand": hold.demand_id, "held_until": hold.ends_at.isoformat()},
        )
        for hold in ended
    )
    return len(ended)
