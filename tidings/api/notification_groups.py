"""Grouped notifications (Mastodon 4.3, ``/api/v2/notifications``): list, one group, its
accounts, dismissing a group, and the count of unread groups."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from tidings.api.auth import require_user
from tidings.api.errors import ApiError
from tidings.api.notifications import _kinds
from tidings.api.pagination import PageQuery, cursor, json_response, link_header, paged_response
from tidings.api.serializers import Serializer
from tidings.social.actions import do_dismiss_notification_group
from tidings.social.notification_groups import (
    GROUPED,
    group_accounts,
    notification_group,
    notification_groups,
    unread_group_count,
    warned_posts,
)
from tidings.social.queries import Cursor

router = Router(tags=["notifications"])

#: Mastodon's default ``grouped_types``.
DEFAULT_GROUPED = ["favourite", "follow", "reblog"]


class GroupedQuery(PageQuery):
    types: list[str] = []
    exclude_types: list[str] = []
    grouped_types: list[str] = []
    account_id: str | None = None
    expand_accounts: str | None = None
    include_filtered: bool = False


class UnreadQuery(Schema):
    limit: str | None = None
    types: list[str] = []
    exclude_types: list[str] = []


def _limit(value: str | None, default: int, most: int) -> int:
    """``limit`` clamped to 1..``most``; junk gives the default, as elsewhere in the API."""
    try:
        return max(1, min(int(value or default), most))
    except ValueError:
        return default


def _grouped_kinds(grouped_types: list[str]) -> list[str]:
    wanted = set(grouped_types or DEFAULT_GROUPED)
    return [kind for kind, name in GROUPED.items() if name in wanted]


def _actor(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        actor = int(value)
    except ValueError:
        raise ApiError(422, "account_id is not an account id") from None
    return actor if 0 < actor < 2**63 else -1


@router.get("/api/v2/notifications", summary="Grouped notifications")
def list_groups(request: HttpRequest, query: Query[GroupedQuery]) -> HttpResponse:
    auth = require_user(request, "read:notifications")
    kinds = _kinds(query.types, query.exclude_types)
    if kinds is None:
        return json_response(Serializer(request, auth.viewer).grouped_notifications([]))
    page = cursor(request, default_limit=40)
    page = Cursor(page.max_id, page.since_id, page.min_id, _limit(query.limit, 40, 80))
    found = notification_groups(
        auth.viewer,
        page,
        kinds=kinds,
        grouped=_grouped_kinds(query.grouped_types),
        actor_id=_actor(query.account_id),
    )
    serializer = Serializer(request, auth.viewer, filtered=warned_posts(found.groups))
    response = json_response(serializer.grouped_notifications(found.groups))
    if found.rows:
        response["Link"] = link_header(request, found.rows[-1].id, found.rows[0].id)
    return response


@router.get("/api/v2/notifications/unread_count", summary="Unread notification groups")
def unread_count(request: HttpRequest, query: Query[UnreadQuery]) -> HttpResponse:
    auth = require_user(request, "read:notifications")
    kinds = _kinds(query.types, query.exclude_types)
    limit = _limit(query.limit, 100, 1000)
    count = 0 if kinds is None else unread_group_count(auth.viewer, limit=limit, kinds=kinds)
    return json_response({"count": count})


def _group(request: HttpRequest, group_key: str):
    auth = require_user(request, "read:notifications")
    group = notification_group(auth.viewer, group_key)
    if group is None:
        raise ApiError(404, "Record not found")
    return auth, group


@router.get("/api/v2/notifications/{group_key}", summary="One notification group")
def get_group(request: HttpRequest, group_key: str) -> HttpResponse:
    auth, group = _group(request, group_key)
    serializer = Serializer(request, auth.viewer, filtered=warned_posts([group]))
    return json_response(serializer.grouped_notifications([group]))


@router.get("/api/v2/notifications/{group_key}/accounts", summary="Accounts of a group")
def get_group_accounts(request: HttpRequest, group_key: str) -> HttpResponse:
    auth, _group_shown = _group(request, group_key)
    rows = group_accounts(auth.viewer, group_key, cursor(request, default_limit=40)) or []
    serializer = Serializer(request, auth.viewer)
    return paged_response(
        request, [serializer.account(n.actor) for n in rows], [n.id for n in rows]
    )


@router.post("/api/v2/notifications/{group_key}/dismiss", summary="Dismiss a group")
def dismiss_group(request: HttpRequest, group_key: str) -> HttpResponse:
    auth = require_user(request, "write:notifications")
    do_dismiss_notification_group(acting_user=auth.account, group_key=group_key)
    return json_response({})
