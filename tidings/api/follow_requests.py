"""Follow requests to the caller's locked account: the list, authorize, reject (Mastodon's shapes)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from tidings.api.auth import require_user
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.api.serializers import Serializer
from tidings.social.actions import do_authorize_follow_request, do_reject_follow_request
from tidings.social.models import Account
from tidings.social.queries import follow_requests, relationship
from tidings.visibility import access_account, access_account_to_undo

router = Router(tags=["follow_requests"])


@router.get("/api/v1/follow_requests", summary="Accounts asking to follow you")
def list_follow_requests(request: HttpRequest, query: Query[PageQuery]) -> HttpResponse:
    """Newest request first, paged by the request's id (``Link`` header, as Mastodon)."""
    auth = require_user(request, "read:follows")
    accounts, ids = follow_requests(auth.viewer, cursor(request, default_limit=40))
    ser = Serializer(request, auth.viewer)
    return paged_response(request, [ser.account(a) for a in accounts], ids)


def _answer(
    request: HttpRequest, account_id: str, action: Callable[..., object], *, undo: bool = False
) -> HttpResponse:
    """Answer a follow request; a rejection (an undo) works whatever hides the requester."""
    auth = require_user(request, "write:follows")
    access = access_account_to_undo if undo else access_account
    requester: Account = access(auth.viewer, account_id, by_id=True)
    action(requester, acting_user=auth.account)
    return json_response(
        Serializer(request, auth.viewer).relationship(
            requester, relationship(auth.viewer, requester)
        )
    )


@router.post(
    "/api/v1/follow_requests/{account_id}/authorize",
    summary="Accept a follow request; returns the Relationship",
)
def authorize(request: HttpRequest, account_id: str) -> HttpResponse:
    return _answer(request, account_id, do_authorize_follow_request)


@router.post(
    "/api/v1/follow_requests/{account_id}/reject",
    summary="Refuse a follow request; returns the Relationship",
)
def reject(request: HttpRequest, account_id: str) -> HttpResponse:
    return _answer(request, account_id, do_reject_follow_request, undo=True)
