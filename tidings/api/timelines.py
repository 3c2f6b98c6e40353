"""Home, public and hashtag timelines, newest first, paged by id with a ``Link`` header."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from tidings.api.auth import optional_auth, require_user
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.api.params import as_bool
from tidings.api.serializers import Serializer
from tidings.social.filtering import ViewerFilters
from tidings.social.models import Post
from tidings.social.queries import hashtag_timeline, home_timeline, public_timeline
from tidings.visibility import Viewer

router = Router(tags=["timelines"])


class PublicQuery(PageQuery):
    local: str | None = None
    remote: str | None = None
    only_media: str | None = None


def _page(
    request: HttpRequest, viewer: Viewer, posts: list[Post], filters: ViewerFilters
) -> HttpResponse:
    """A page of posts with the viewer's ``filters`` applied; the cursor is the whole page's, so
    a page that filters hid entirely still leads on to the next."""
    shown, warned = filters.apply(filters.without_exclusive(posts))
    data = Serializer(request, viewer, filtered=warned).statuses(shown)
    return paged_response(request, data, [p.id for p in posts])


@router.get("/api/v1/timelines/home", summary="Home timeline")
def home(request: HttpRequest, query: Query[PageQuery]) -> HttpResponse:
    auth = require_user(request, "read:statuses")
    posts = home_timeline(auth.viewer, cursor(request))
    filters = ViewerFilters.load(auth.viewer, "home", exclusive=True)
    return _page(request, auth.viewer, posts, filters)


@router.get("/api/v1/timelines/public", summary="Public timeline")
def public(request: HttpRequest, query: Query[PublicQuery]) -> HttpResponse:
    auth = optional_auth(request, "read:statuses")
    if as_bool(query.remote) or as_bool(query.only_media):
        return json_response([])  # nothing federated, no media
    return _page(
        request,
        auth.viewer,
        public_timeline(auth.viewer, cursor(request)),
        ViewerFilters.load(auth.viewer, "public"),
    )


@router.get("/api/v1/timelines/tag/{hashtag}", summary="Hashtag timeline")
def tag(request: HttpRequest, hashtag: str, query: Query[PublicQuery]) -> HttpResponse:
    auth = optional_auth(request, "read:statuses")
    if as_bool(query.remote) or as_bool(query.only_media):
        return json_response([])
    posts = hashtag_timeline(auth.viewer, hashtag, cursor(request))
    return _page(request, auth.viewer, posts, ViewerFilters.load(auth.viewer, "public"))
