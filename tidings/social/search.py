"""Search: accounts by handle/name, posts by words or hashtag, hashtags by prefix.

One interface, two engines: SQLite FTS5 (``social_post_fts``, kept by triggers)
and PostgreSQL full-text search (a GIN index on ``to_tsvector('simple', text)``).
Both are created by migration ``0002_search``.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL

from tidings.social.models import POST_MAX_LENGTH, Account, Hashtag, Post
from tidings.social.queries import Cursor, _posts_by_ids, hashtag_timeline, page_by_cursor
from tidings.visibility import Listing, Viewer, visible_accounts

_WORD_RE = re.compile(r"\w+", re.UNICODE)
#: The longest display name; no account matches a longer query.
ACCOUNT_QUERY_MAX_LENGTH = 60


def _fts_ids_sql(words: list[str]) -> RawSQL:
    if connection.vendor == "postgresql":
        return RawSQL(
            "SELECT id FROM social_post WHERE to_tsvector('simple', text) @@ "
            "plainto_tsquery('simple', %s)",
            [" ".join(words)],
        )
    # Each word quoted, so FTS5 operators typed by users are just words.
    match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
    return RawSQL("SELECT rowid FROM social_post_fts WHERE social_post_fts MATCH %s", [match])


def search_posts(viewer: Viewer, query: str, cursor: Cursor) -> list[Post]:
    """Public posts containing every word of ``query``; a lone ``#tag`` searches that hashtag."""
    query = (query or "").strip()
    if re.fullmatch(r"#\w+", query):
        return hashtag_timeline(viewer, query[1:], cursor)
    words = [w for w in _WORD_RE.findall(query.lower()) if len(w) <= POST_MAX_LENGTH][:10]
    if not words:
        return []
    candidates = Post.objects.filter(
        id__in=_fts_ids_sql(words), visibility="public", repost_of__isnull=True
    )
    ids = page_by_cursor(candidates.values_list("id", flat=True), "id", cursor, cursor.limit * 2)
    return _posts_by_ids(ids, viewer, Listing.PUBLIC)[: cursor.limit]


def search_accounts(
    viewer: Viewer, query: str, *, limit: int = 20, offset: int = 0
) -> list[Account]:
    """Accounts whose handle starts with, or whose name contains, ``query``; most followed first."""
    query = (query or "").strip().lstrip("@")
    if not query:
        return []
    if "@" in query:  # user@domain: only local accounts live here
        query = query.split("@", 1)[0]
    if len(query) > ACCOUNT_QUERY_MAX_LENGTH:
        return []  # longer than any handle or display name (and too long a LIKE for SQLite)
    queryset = visible_accounts(Account.objects.all(), viewer).filter(
        Q(username__istartswith=query) | Q(display_name__icontains=query)
    )
    exact = list(queryset.filter(username__iexact=query)[:1])
    rest = list(
        queryset.exclude(username__iexact=query).order_by("-followers_count", "id")[
            offset : offset + limit
        ]
    )
    return (exact if offset == 0 else []) + rest[: limit - (len(exact) if offset == 0 else 0)]


def search_hashtags(query: str, *, limit: int = 10) -> list[Hashtag]:
    query = (query or "").strip().lstrip("#").lower()
    if not query or not _WORD_RE.fullmatch(query):
        return []
    return list(
        Hashtag.objects.filter(name__startswith=query)
        .annotate(uses=Count("id"))
        .order_by("name")[:limit]
    )
