"""Template context available on every page: site facts, the nav's unread count, trends.

Values that cost a query are callables, so Django evaluates them only when a
template uses them (fragments and error pages never do).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

import tidings
from tidings.social import queries
from tidings.social.trends import Trend, trending_hashtags

TRENDS_CACHE_SECONDS = 60


def cached_trends(request: HttpRequest) -> list[Trend]:
    """Trending hashtags, cached briefly per set of viewer countries (they are not per person)."""
    viewer = getattr(request, "viewer", None)
    if viewer is None:
        return []
    key = "web:trends:" + ",".join(sorted(viewer.countries))
    trends = cache.get(key)
    if trends is None:
        trends = trending_hashtags(viewer, limit=8)
        cache.set(key, trends, TRENDS_CACHE_SECONDS)
    return trends


def current_path(request: HttpRequest) -> str:
    """The page the user is on; for htmx requests, the page that made the request."""
    if request.headers.get("HX-Request") == "true":
        parts = urlsplit(request.headers.get("HX-Current-URL", ""))
        if parts.path:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def site(request: HttpRequest) -> dict[str, object]:
    viewer = getattr(request, "viewer", None)
    return {
        "here": current_path(request),
        "site_domain": settings.DOMAIN,
        "tidings_version": tidings.__version__,
        "unread_count": lambda: queries.unread_notifications_count(viewer) if viewer else 0,
        "trends": lambda: cached_trends(request),
    }
