"""Trending hashtags: the tags the most distinct accounts used in public posts over the last 24 hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from tidings.social.models import Hashtag, PostHashtag
from tidings.visibility import Viewer, visible_hashtag_links


@dataclass(frozen=True)
class Trend:
    hashtag: Hashtag
    uses: int
    accounts: int


def trending_hashtags(viewer: Viewer, *, limit: int = 10, hours: int = 24) -> list[Trend]:
    since = timezone.now() - timedelta(hours=hours)
    rows = list(
        visible_hashtag_links(PostHashtag.objects.filter(created_at__gte=since), viewer)
        .values("hashtag_id")
        .annotate(uses=Count("id"), accounts=Count("author_id", distinct=True))
        .order_by("-accounts", "-uses", "hashtag_id")[:limit]
    )
    tags = Hashtag.objects.in_bulk([r["hashtag_id"] for r in rows])
    return [Trend(tags[r["hashtag_id"]], r["uses"], r["accounts"]) for r in rows]
