"""Statuses: posting (with ``Idempotency-Key``), reading, deleting, threads, reposts and favourites."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view

from tidings.api.actions import do_post_once
from tidings.api.auth import optional_auth, require_user
from tidings.api.direct import PollIn, poll_from_request
from tidings.api.errors import ApiError
from tidings.api.pagination import PageQuery, cursor, json_response
from tidings.api.params import body_doc, parse
from tidings.api.ratelimit import by_account, rate_limit
from tidings.api.serializers import Serializer
from tidings.lib.errors import NotFound
from tidings.social.actions import (
    do_create_post,
    do_create_post_with_poll,
    do_delete_post,
    do_edit_post,
    do_favourite,
    do_repost,
    do_unfavourite,
    do_unrepost,
)
from tidings.social.actions.media import check_media_ids
from tidings.social.filtering import filter_posts
from tidings.social.models import Post, Visibility
from tidings.social.queries import accounts_who, thread
from tidings.visibility import access_post, can_view_post

router = Router(tags=["statuses"])

VISIBILITY_IN = {
    "public": Visibility.PUBLIC,
    "unlisted": Visibility.UNLISTED,
    "private": Visibility.FOLLOWERS,
    "direct": Visibility.DIRECT,
}


class StatusIn(Schema):
    status: str = ""
    in_reply_to_id: str | None = None
    visibility: str = "public"
    sensitive: bool = False
    spoiler_text: str = ""
    language: str | None = None
    media_ids: list[str | int] = []
    scheduled_at: str | None = None
    poll: PollIn | None = None


@router.post("/api/v1/statuses", openapi_extra=body_doc(StatusIn), summary="Post")
@decorate_view(rate_limit("statuses", by_account))
def create_status(request: HttpRequest) -> HttpResponse:
    auth = require_user(request, "write:statuses")
    poll = poll_from_request(request)
    data = parse(request, StatusIn)
    if data.scheduled_at:
        raise ApiError(422, "Validation failed: Scheduled posts are not supported")
    if data.visibility not in VISIBILITY_IN:
        raise ApiError(422, f"Validation failed: Visibility {data.visibility[:20]!r} is unknown")
    text = f"{data.spoiler_text}\n\n{data.status}" if data.spoiler_text else data.status
    reply_to = access_post(auth.viewer, data.in_reply_to_id) if data.in_reply_to_id else None
    media = check_media_ids(data.media_ids, owner=auth.account)

    def create() -> Post:
        if poll is not None:
            return do_create_post_with_poll(
                text,
                poll=poll,
                acting_user=auth.account,
                visibility=VISIBILITY_IN[data.visibility],
                in_reply_to=reply_to,
                media=media,
            )
        return do_create_post(
            text,
            acting_user=auth.account,
            visibility=VISIBILITY_IN[data.visibility],
            in_reply_to=reply_to,
            media=media,
        )

    key = request.headers.get("Idempotency-Key", "").strip()
    if key:
        post, created = do_post_once(key, acting_user=auth.account, create=create)
    else:
        post, created = create(), True
    if not created:  # a repeat: the first post as it is now (deleted or withheld meanwhile?)
        post = access_post(auth.viewer, post.id)
    elif not can_view_post(auth.viewer, post):
        raise NotFound("That post does not exist or is not visible to you.")
    # A new post is answered from the objects just written (the author's counters included):
    # reading it back would cost a query with three joins and the viewer's blocks.
    return json_response(Serializer(request, auth.viewer).statuses([post])[0])


@router.get("/api/v1/statuses/{status_id}", summary="A status")
def get_status(request: HttpRequest, status_id: str) -> HttpResponse:
    auth = optional_auth(request, "read:statuses")
    post = access_post(auth.viewer, status_id)
    return json_response(Serializer(request, auth.viewer).statuses([post])[0])


@router.delete("/api/v1/statuses/{status_id}", summary="Delete a status")
def delete_status(request: HttpRequest, status_id: str) -> HttpResponse:
    auth = require_user(request, "write:statuses")
    post = access_post(auth.viewer, status_id)
    if post.author_id != auth.account.id:
        raise ApiError(403, "This action is not allowed")
    data = Serializer(request, auth.viewer).statuses([post])[0]
    do_delete_post(post, acting_user=auth.account)
    data["text"] = post.text
    return json_response(data)


class StatusEditIn(Schema):
    status: str = ""
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    media_ids: list[str] = []


@router.put(
    "/api/v1/statuses/{status_id}", openapi_extra=body_doc(StatusEditIn), summary="Edit a status"
)
@decorate_view(rate_limit("statuses", by_account))
def edit_status(request: HttpRequest, status_id: str) -> HttpResponse:
    """The author's new text (a content warning goes before it, as when posting); 403 for others."""
    auth = require_user(request, "write:statuses")
    data = parse(request, StatusEditIn)
    if data.media_ids:
        raise ApiError(422, "Validation failed: Media attachments are not supported")
    post = access_post(auth.viewer, status_id)
    if post.author_id != auth.account.id:
        raise ApiError(403, "This action is not allowed")
    text = f"{data.spoiler_text}\n\n{data.status}" if data.spoiler_text else data.status
    edited = do_edit_post(post, text, acting_user=auth.account)
    shown = access_post(auth.viewer, edited.id)
    return json_response(Serializer(request, auth.viewer).statuses([shown])[0])


@router.get("/api/v1/statuses/{status_id}/context", summary="Ancestors and descendants")
def context(request: HttpRequest, status_id: str) -> HttpResponse:
    auth = optional_auth(request, "read:statuses")
    post = access_post(auth.viewer, status_id)
    ancestors, descendants = thread(auth.viewer, post.repost_of if post.repost_of_id else post)
    ancestors, warned = filter_posts(auth.viewer, "thread", ancestors)
    descendants, warned_below = filter_posts(auth.viewer, "thread", descendants)
    ser = Serializer(request, auth.viewer, filtered=warned | warned_below)
    ser.prepare([*ancestors, *descendants])
    return json_response(
        {
            "ancestors": [ser.status(p) for p in ancestors],
            "descendants": [ser.status(p) for p in descendants],
        }
    )


def _act(request: HttpRequest, status_id: str, action: Callable[..., Post]) -> HttpResponse:
    """Run ``action`` on a post the caller may see; answer with the post as the caller now sees it."""
    auth = require_user(
        request, "write:favourites" if "favourite" in action.__name__ else "write:statuses"
    )
    post = access_post(auth.viewer, status_id)
    result = action(post, acting_user=auth.account)
    shown = access_post(auth.viewer, result.id)
    return json_response(Serializer(request, auth.viewer).statuses([shown])[0])


@router.post("/api/v1/statuses/{status_id}/reblog", summary="Repost")
def reblog(request: HttpRequest, status_id: str) -> HttpResponse:
    return _act(request, status_id, do_repost)


@router.post("/api/v1/statuses/{status_id}/unreblog", summary="Undo a repost")
def unreblog(request: HttpRequest, status_id: str) -> HttpResponse:
    return _act(request, status_id, do_unrepost)


@router.post("/api/v1/statuses/{status_id}/favourite", summary="Favourite")
def favourite(request: HttpRequest, status_id: str) -> HttpResponse:
    return _act(request, status_id, do_favourite)


@router.post("/api/v1/statuses/{status_id}/unfavourite", summary="Undo a favourite")
def unfavourite(request: HttpRequest, status_id: str) -> HttpResponse:
    return _act(request, status_id, do_unfavourite)


def _who(request: HttpRequest, status_id: str, *, reposted: bool) -> HttpResponse:
    auth = optional_auth(request, "read:statuses")
    post = access_post(auth.viewer, status_id)
    original = post.repost_of if post.repost_of_id else post
    accounts = accounts_who(
        auth.viewer, original, cursor(request, default_limit=40), reposted=reposted
    )
    ser = Serializer(request, auth.viewer)
    return json_response([ser.account(a) for a in accounts])


@router.get("/api/v1/statuses/{status_id}/reblogged_by", summary="Who reposted")
def reblogged_by(request: HttpRequest, status_id: str, query: Query[PageQuery]) -> HttpResponse:
    return _who(request, status_id, reposted=True)


@router.get("/api/v1/statuses/{status_id}/favourited_by", summary="Who favourited")
def favourited_by(request: HttpRequest, status_id: str, query: Query[PageQuery]) -> HttpResponse:
    return _who(request, status_id, reposted=False)
