"""Notifications: the list (filtered by type), one by id, dismissing one, clearing all."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from tidings.api.auth import require_user
from tidings.api.errors import ApiError
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.api.serializers import Serializer
from tidings.social.actions import do_clear_notifications
from tidings.social.filtering import filter_notifications
from tidings.social.models import NotificationKind
from tidings.social.queries import Cursor, notifications

router = Router(tags=["notifications"])

#: Mastodon's notification types and the kinds they cover here (replies notify as mentions).
TYPE_KINDS = {
    "follow": [NotificationKind.FOLLOW],
    "follow_request": [NotificationKind.FOLLOW_REQUEST],
    "mention": [NotificationKind.MENTION, NotificationKind.REPLY],
    "reblog": [NotificationKind.REPOST],
    "favourite": [NotificationKind.FAVOURITE],
}


class NotificationsQuery(PageQuery):
    types: list[str] = []
    exclude_types: list[str] = []
    account_id: str | None = None


def _kinds(types: list[str], exclude: list[str]) -> list[str] | None:
    chosen = set(types or TYPE_KINDS) - set(exclude)
    kinds = [k for t in chosen for k in TYPE_KINDS.get(t, [])]
    if len(kinds) == sum(len(v) for v in TYPE_KINDS.values()):
        return []  # everything: no filter
    return kinds or None


@router.get("/api/v1/notifications", summary="Notifications")
def list_notifications(request: HttpRequest, query: Query[NotificationsQuery]) -> HttpResponse:
    auth = require_user(request, "read:notifications")
    kinds = _kinds(query.types, query.exclude_types)
    if kinds is None:
        return json_response([])
    rows = notifications(auth.viewer, cursor(request), kinds=kinds)
    if query.account_id:
        rows = [n for n in rows if str(n.actor_id) == query.account_id]
    ids = [n.id for n in rows]
    rows, warned = filter_notifications(auth.viewer, rows)
    data = Serializer(request, auth.viewer, filtered=warned).notifications(rows)
    return paged_response(request, data, ids)


@router.post("/api/v1/notifications/clear", summary="Clear all notifications")
def clear(request: HttpRequest) -> HttpResponse:
    auth = require_user(request, "write:notifications")
    do_clear_notifications(acting_user=auth.account)
    return json_response({})


def _notification_id(value: str) -> int:
    """The id in the path, or 404 as Mastodon answers for any id it does not have."""
    try:
        wanted = int(value)
    except ValueError:
        raise ApiError(404, "Record not found") from None
    if not 0 < wanted < 2**63:
        raise ApiError(404, "Record not found")
    return wanted


def _find(request: HttpRequest, notification_id: str) -> object:
    auth = require_user(request, "read:notifications")
    wanted = _notification_id(notification_id)
    # The visible notifications just at and below this id: one cursor step.
    rows = notifications(auth.viewer, Cursor(max_id=wanted + 1, limit=1))
    if not rows or rows[0].id != wanted:
        raise ApiError(404, "Record not found")
    return auth, rows[0]


@router.get("/api/v1/notifications/{notification_id}", summary="One notification")
def get_notification(request: HttpRequest, notification_id: str) -> HttpResponse:
    auth, row = _find(request, notification_id)
    return json_response(Serializer(request, auth.viewer).notifications([row])[0])


@router.post("/api/v1/notifications/{notification_id}/dismiss", summary="Dismiss one")
def dismiss(request: HttpRequest, notification_id: str) -> HttpResponse:
    auth = require_user(request, "write:notifications")
    wanted = _notification_id(notification_id)
    do_clear_notifications(acting_user=auth.account, notification_id=wanted)
    return json_response({})
