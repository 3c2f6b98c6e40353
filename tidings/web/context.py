"""Template context available on every page: site facts, the nav's unread count, trends.

Values that cost a query are callables, so Django evaluates them only when a
template uses them (fragments and error pages never do).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

import tidings
from tidings.social import queries
from tidings.social.trends import Trend, trending_hashtags
from tidings.web.cards import escape, routes

TRENDS_CACHE_SECONDS = 60


def trends_list(trends: list[Trend]) -> str:
    """The sidebar's list of trending hashtags as HTML (names escaped, links filled in)."""
    if not trends:
        return '<p class="muted">Nothing is trending right now.</p>'
    urls = routes()
    items = "".join(
        f'\n            <li><a href="{urls.hashtag(t.hashtag.name)}">'
        f"#{escape(t.hashtag.display_name)}</a>\n"
        f'                <span class="muted">{t.accounts} '
        f"{'person' if t.accounts == 1 else 'people'}</span></li>"
        for t in trends
    )
    return f"<ol>{items}\n          </ol>"


def cached_trends_html(request: HttpRequest) -> SafeString:
    """The trending list, cached briefly as HTML per set of viewer countries (trends are not
    per person: a per-country aggregate) and script prefix."""
    viewer = getattr(request, "viewer", None)
    if viewer is None:
        return mark_safe(trends_list([]))  # noqa: S308 - no value in it
    key = f"web:trends-html:{get_script_prefix()}:" + ",".join(sorted(viewer.countries))
    html = cache.get(key)
    if html is None:
        html = trends_list(trending_hashtags(viewer, limit=8))
        cache.set(key, html, TRENDS_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - trends_list escapes every value


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
        "trends": lambda: cached_trends_html(request),
    }
