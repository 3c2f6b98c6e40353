"""Bookmarks, pinned posts and lists (with their timelines): what an account keeps for itself."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from tidings.api.auth import require_user
from tidings.api.errors import ApiError
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.api.params import as_bool, body_doc, parse, request_params
from tidings.api.serializers import Serializer
from tidings.social.actions import (
    do_add_list_accounts,
    do_bookmark,
    do_create_list,
    do_delete_list,
    do_pin,
    do_remove_list_accounts,
    do_unbookmark,
    do_unpin,
    do_update_list,
)
from tidings.social.filtering import filter_posts
from tidings.social.models import Post
from tidings.social.queries_lists import (
    access_list,
    bookmarks,
    list_members,
    list_timeline,
    lists_with,
    own_lists,
)
from tidings.visibility import access_account, access_post

router = Router(tags=["lists"])


# -- bookmarks and pins ---------------------------------------------------------------


def _act(
    request: HttpRequest, status_id: str, action: Callable[..., Post], scope: str
) -> HttpResponse:
    """Run ``action`` on a post the caller may see (404/451 otherwise); answer with the post."""
    auth = require_user(request, scope)
    post = access_post(auth.viewer, status_id)
    result = action(post, acting_user=auth.account)
    shown = access_post(auth.viewer, result.id)
    return json_response(Serializer(request, auth.viewer).statuses([shown])[0])


@router.post("/api/v1/statuses/{status_id}/bookmark", summary="Bookmark a status")
def bookmark(request: HttpRequest, status_id: str) -> HttpResponse:
    return _act(request, status_id, do_bookmark, "write:bookmarks")


@router.post("/api/v1/statuses/{status_id}/unbookmark", summary="Remove a bookmark")
def unbookmark(request: HttpRequest, status_id: str) -> HttpResponse:
    return _act(request, status_id, do_unbookmark, "write:bookmarks")


@router.post("/api/v1/statuses/{status_id}/pin", summary="Pin one's own status to the profile")
def pin(request: HttpRequest, status_id: str) -> HttpResponse:
    return _act(request, status_id, do_pin, "write:accounts")


@router.post("/api/v1/statuses/{status_id}/unpin", summary="Unpin a status")
def unpin(request: HttpRequest, status_id: str) -> HttpResponse:
    return _act(request, status_id, do_unpin, "write:accounts")


@router.get("/api/v1/bookmarks", summary="Bookmarked statuses, newest bookmark first")
def bookmark_list(request: HttpRequest, query: Query[PageQuery]) -> HttpResponse:
    auth = require_user(request, "read:bookmarks")
    posts, ids = bookmarks(auth.viewer, cursor(request))
    data = Serializer(request, auth.viewer).statuses(posts)
    return paged_response(request, data, ids)


# -- lists ----------------------------------------------------------------------------


class ListIn(Schema):
    title: str | None = None
    replies_policy: str | None = None
    exclusive: bool | str | None = None


def _exclusive(value: bool | str | None) -> bool | None:
    return None if value is None else as_bool(value)


@router.get("/api/v1/lists", summary="The caller's lists")
def get_lists(request: HttpRequest) -> HttpResponse:
    auth = require_user(request, "read:lists")
    ser = Serializer(request, auth.viewer)
    return json_response([ser.account_list(lst) for lst in own_lists(auth.viewer)])


@router.post("/api/v1/lists", openapi_extra=body_doc(ListIn), summary="Create a list")
def create_list(request: HttpRequest) -> HttpResponse:
    auth = require_user(request, "write:lists")
    data = parse(request, ListIn)
    made = do_create_list(
        data.title if data.title is not None else "",
        replies_policy=data.replies_policy or "list",
        exclusive=bool(_exclusive(data.exclusive)),
        acting_user=auth.account,
    )
    return json_response(Serializer(request, auth.viewer).account_list(made))


@router.get("/api/v1/lists/{list_id}", summary="A list")
def get_list(request: HttpRequest, list_id: str) -> HttpResponse:
    auth = require_user(request, "read:lists")
    found = access_list(auth.viewer, list_id)
    return json_response(Serializer(request, auth.viewer).account_list(found))


@router.put("/api/v1/lists/{list_id}", openapi_extra=body_doc(ListIn), summary="Change a list")
def update_list(request: HttpRequest, list_id: str) -> HttpResponse:
    auth = require_user(request, "write:lists")
    found = access_list(auth.viewer, list_id)
    data = parse(request, ListIn)
    changed = do_update_list(
        found,
        title=data.title,
        replies_policy=data.replies_policy,
        exclusive=_exclusive(data.exclusive),
        acting_user=auth.account,
    )
    return json_response(Serializer(request, auth.viewer).account_list(changed))


@router.delete("/api/v1/lists/{list_id}", summary="Delete a list")
def delete_list(request: HttpRequest, list_id: str) -> HttpResponse:
    auth = require_user(request, "write:lists")
    do_delete_list(access_list(auth.viewer, list_id), acting_user=auth.account)
    return json_response({})


class ListAccountsIn(Schema):
    account_ids: list[str] = []


def _account_ids(request: HttpRequest) -> list[str]:
    raw = request_params(request).get("account_ids", [])
    ids = raw if isinstance(raw, list) else [raw]
    if not ids:
        raise ApiError(422, "Validation failed: account_ids can't be blank")
    if len(ids) > 100:
        raise ApiError(422, "Validation failed: At most 100 accounts at once")
    return [str(i) for i in ids]


@router.get("/api/v1/lists/{list_id}/accounts", summary="The accounts in a list")
def get_list_accounts(request: HttpRequest, list_id: str, query: Query[PageQuery]) -> HttpResponse:
    auth = require_user(request, "read:lists")
    found = access_list(auth.viewer, list_id)
    accounts, ids = list_members(auth.viewer, found, cursor(request, default_limit=40))
    ser = Serializer(request, auth.viewer)
    return paged_response(request, [ser.account(a) for a in accounts], ids)


@router.post(
    "/api/v1/lists/{list_id}/accounts",
    openapi_extra=body_doc(ListAccountsIn),
    summary="Add followed accounts to a list",
)
def add_list_accounts(request: HttpRequest, list_id: str) -> HttpResponse:
    auth = require_user(request, "write:lists")
    found = access_list(auth.viewer, list_id)
    accounts = [access_account(auth.viewer, i, by_id=True) for i in _account_ids(request)]
    do_add_list_accounts(found, accounts, acting_user=auth.account)
    return json_response({})


@router.delete(
    "/api/v1/lists/{list_id}/accounts",
    openapi_extra=body_doc(ListAccountsIn),
    summary="Take accounts out of a list",
)
def remove_list_accounts(request: HttpRequest, list_id: str) -> HttpResponse:
    auth = require_user(request, "write:lists")
    found = access_list(auth.viewer, list_id)
    ids = []
    for raw in _account_ids(request):
        try:
            ids.append(int(raw))
        except ValueError:
            continue  # no such account: nothing to take out
    do_remove_list_accounts(found, ids, acting_user=auth.account)
    return json_response({})


@router.get("/api/v1/accounts/{account_id}/lists", summary="The caller's lists holding an account")
def account_lists(request: HttpRequest, account_id: str) -> HttpResponse:
    auth = require_user(request, "read:lists")
    account = access_account(auth.viewer, account_id, by_id=True)
    ser = Serializer(request, auth.viewer)
    return json_response([ser.account_list(lst) for lst in lists_with(auth.viewer, account)])


@router.get("/api/v1/timelines/list/{list_id}", summary="List timeline")
def timeline(request: HttpRequest, list_id: str, query: Query[PageQuery]) -> HttpResponse:
    auth = require_user(request, "read:lists")
    found = access_list(auth.viewer, list_id)
    posts = list_timeline(auth.viewer, found, cursor(request))
    ids = [p.id for p in posts]
    shown, warned = filter_posts(auth.viewer, "home", posts)
    ser = Serializer(request, auth.viewer, filtered=warned)
    return paged_response(request, ser.statuses(shown), ids)
