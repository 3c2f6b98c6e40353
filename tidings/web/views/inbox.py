"""The viewer's inbox: follow requests to answer and notifications to mark read.

Pages are GETs that change nothing; answering and marking read are POSTs that
call one ``do_*`` each (plain form posts redirect back; htmx gets a fragment).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_POST

from tidings.lib.errors import InvalidInput
from tidings.social import actions, queries
from tidings.social.models import Account
from tidings.visibility import access_account, access_account_to_undo
from tidings.web.views.base import (
    handles_errors,
    is_htmx,
    redirect_back,
    sign_in_required,
    signed_in,
)
from tidings.web.views.pages import older_url


@sign_in_required
def follow_requests(request: HttpRequest) -> HttpResponse:
    """Accounts asking to follow the viewer, newest first, each with Authorize and Reject."""
    viewer = request.viewer  # type: ignore[attr-defined]
    cursor = queries.Cursor.from_params(request.GET, default_limit=40)
    accounts, ids = queries.follow_requests(viewer, cursor)
    full = len(ids) >= cursor.limit
    context = {"accounts": accounts, "older_url": older_url(request, ids[-1] if full else None)}
    return render(request, "web/follow_requests.html", context)


def _follow_request_answer(
    do: Callable[..., object], done: str, *, undo: bool = False
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A POST endpoint that answers the follow request of the account ``handle``."""

    @require_POST
    @sign_in_required
    @handles_errors
    def view(request: HttpRequest, handle: str) -> HttpResponse:
        access = access_account_to_undo if undo else access_account
        requester: Account = access(request.viewer, handle)  # type: ignore[attr-defined]
        do(requester, acting_user=signed_in(request))
        if is_htmx(request):
            message = done.format(handle=requester.username)
            return HttpResponse(
                f'<li class="account-card follow-request follow-request--answered" role="status">'
                f"{escape(message)}</li>"
            )
        return redirect_back(request, reverse("web:follow_requests"))

    view.__doc__ = f"POST: {do.__doc__ or do.__name__}"
    return view


authorize_follow_request = _follow_request_answer(
    actions.do_authorize_follow_request, "@{handle} now follows you."
)
reject_follow_request = _follow_request_answer(
    actions.do_reject_follow_request, "You rejected @{handle}'s request.", undo=True
)


@require_POST
@sign_in_required
@handles_errors
def mark_notifications_read(request: HttpRequest) -> HttpResponse:
    """POST: mark every notification read (up to ``up_to_id`` when given: what the page showed)."""
    raw = request.POST.get("up_to_id", "").strip()
    up_to_id = None
    if raw:
        if not raw.isdigit() or int(raw) >= 2**63:
            raise InvalidInput("up_to_id must be a notification id.")
        up_to_id = int(raw)
    actions.do_mark_notifications_read(acting_user=signed_in(request), up_to_id=up_to_id)
    return redirect_back(request, reverse("web:notifications"))
