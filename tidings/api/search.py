"""Search (accounts, statuses, hashtags) and trending hashtags."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from tidings.api.auth import optional_auth
from tidings.api.pagination import json_response
from tidings.api.params import as_bool
from tidings.api.serializers import Serializer
from tidings.social.queries import Cursor
from tidings.social.search import search_accounts, search_hashtags, search_posts
from tidings.social.trends import trending_hashtags

router = Router(tags=["search"])


class SearchQuery(Schema):
    q: str = ""
    type: str | None = None
    resolve: str | None = None
    following: str | None = None
    account_id: str | None = None
    limit: int = Field(20, ge=1, le=40)
    offset: int = Field(0, ge=0, le=10_000)
    max_id: str | None = None
    min_id: str | None = None


@router.get("/api/v2/search", summary="Search")
def search(request: HttpRequest, query: Query[SearchQuery]) -> HttpResponse:
    auth = optional_auth(request, "read:search")
    ser = Serializer(request, auth.viewer)
    wanted = {query.type} if query.type in ("accounts", "statuses", "hashtags") else None
    result: dict[str, list] = {"accounts": [], "statuses": [], "hashtags": []}
    text = query.q.strip()[:200]
    if not text:
        return json_response(result)
    _ = as_bool(query.resolve)  # nothing remote to resolve
    if wanted is None or "accounts" in wanted:
        accounts = search_accounts(auth.viewer, text, limit=query.limit, offset=query.offset)
        if as_bool(query.following) and auth.account is not None:
            accounts = [a for a in accounts if a.id != auth.account.id]
        result["accounts"] = [ser.account(a) for a in accounts]
    if (wanted is None or "statuses" in wanted) and query.offset == 0:
        page = Cursor.from_params(
            {"max_id": query.max_id or "", "min_id": query.min_id or "", "limit": query.limit}
        )
        posts = search_posts(auth.viewer, text, page)
        if query.account_id:
            posts = [p for p in posts if str(p.author_id) == query.account_id]
        result["statuses"] = ser.statuses(posts)
    if (wanted is None or "hashtags" in wanted) and query.offset == 0:
        result["hashtags"] = [ser.hashtag(t) for t in search_hashtags(text, limit=query.limit)]
    return json_response(result)


class TrendsQuery(Schema):
    limit: int = Field(10, ge=1, le=20)
    offset: int = Field(0, ge=0, le=100)


@router.get("/api/v1/trends/tags", summary="Trending hashtags")
def trends(request: HttpRequest, query: Query[TrendsQuery]) -> HttpResponse:
    auth = optional_auth(request, "read")
    ser = Serializer(request, auth.viewer)
    day = int(datetime.combine(timezone.now().date(), time(), tzinfo=UTC).timestamp())
    rows = trending_hashtags(auth.viewer, limit=query.limit + query.offset)[query.offset :]
    return json_response(
        [
            ser.tag(
                t.hashtag.display_name,
                [{"day": str(day), "uses": str(t.uses), "accounts": str(t.accounts)}],
            )
            for t in rows
        ]
    )


@router.get("/api/v1/trends", summary="Trending hashtags (old path)", include_in_schema=False)
def trends_old(request: HttpRequest, query: Query[TrendsQuery]) -> HttpResponse:
    return trends(request, query)
