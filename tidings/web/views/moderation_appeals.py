"""Appeals against moderators' actions: the account's notice page with its appeal form, and the
moderators' queue of appeals with approve and reject.

Every view: sign-in → ``access_own_notice`` / ``access_moderation_appeal`` → one
``do_*`` action → redirect with what was done, or the page again with the
refusal and its status. A suspended account reaches the notice pages (and
nothing else but its appeals list: ``tidings.web.suspended``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tidings.lib.errors import TidingsError
from tidings.social.actions.moderation_appeals import (
    POST_NOT_RESTORED,
    do_approve_moderation_appeal,
    do_file_moderation_appeal,
    do_reject_moderation_appeal,
)
from tidings.social.models_moderation import (
    APPEAL_REASON_MAX_LENGTH,
    APPEAL_TEXT_MAX_LENGTH,
    ModerationAction,
    ModerationAppeal,
    ModerationAppealStatus,
    ModerationNotice,
)
from tidings.social.moderation_appeals import (
    access_moderation_appeal,
    access_own_notice,
    appeal_closes_at,
    filing_refusal,
    moderation_appeal_queue,
    own_notices,
)
from tidings.web.views.base import handles_errors, sign_in_required, signed_in

QUEUE_PAGE = 100


def _notice_page(
    request: HttpRequest, notice: ModerationNotice, *, error: str = "", text: str = "", status=200
) -> HttpResponse:
    user = signed_in(request)
    appeal = ModerationAppeal.objects.filter(notice_id=notice.id).first()
    refusal = filing_refusal(notice, user)
    context = {
        "notice": notice,
        "appeal": appeal,
        "closes": appeal_closes_at(notice),
        # The form only while it would be accepted; otherwise the reason it is not there.
        "can_appeal": not refusal,
        "refusal": refusal if appeal is None else "",
        "error": error,
        "text": text,
        "max_chars": APPEAL_TEXT_MAX_LENGTH,
        "is_removal": notice.action == ModerationAction.DELETE_POST,
        "post_not_restored": POST_NOT_RESTORED,
    }
    return render(request, "web/moderation/notice.html", context, status=status)


@require_http_methods(["GET", "POST"])
@sign_in_required
@handles_errors
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    """The account's own moderation notice, its appeal if filed, and the form to file one."""
    user = signed_in(request)
    notice = access_own_notice(notice_id, account=user)
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            appeal = do_file_moderation_appeal(notice, text=text, acting_user=user)
        except TidingsError as error:
            shown = text.replace("\x00", "")[: APPEAL_TEXT_MAX_LENGTH * 2]
            notice.refresh_from_db()
            return _notice_page(
                request, notice, error=error.message, text=shown, status=error.status
            )
        messages.success(
            request, f"Appeal {appeal.reference} filed. A moderator will look at it again."
        )
        return redirect("web:moderation_notice", notice_id=notice.id)
    return _notice_page(request, notice)


@require_GET
@sign_in_required
@handles_errors
def suspended_home(request: HttpRequest) -> HttpResponse:
    """Where a suspended account lands: its moderation notices, each with its appeal."""
    user = signed_in(request)
    return render(
        request,
        "web/moderation/suspended.html",
        {"notices": own_notices(user), "suspended": user.is_suspended},
    )


@require_GET
@sign_in_required
@handles_errors
def appeal_queue(request: HttpRequest) -> HttpResponse:
    """Pending appeals, oldest first (``?status=approved|rejected|all`` for decided ones)."""
    status = request.GET.get("status", ModerationAppealStatus.PENDING)
    if status == "all":
        status = ""
    elif status not in ModerationAppealStatus.values:
        status = ModerationAppealStatus.PENDING
    appeals = moderation_appeal_queue(acting_user=signed_in(request), status=status)[:QUEUE_PAGE]
    return render(
        request,
        "web/moderation/appeals.html",
        {"appeals": appeals, "status": status or "all", "statuses": ModerationAppealStatus.choices},
    )


def _appeal_page(
    request: HttpRequest, appeal: ModerationAppeal, *, error: str = "", reason: str = "", status=200
) -> HttpResponse:
    user = signed_in(request)
    context = {
        "appeal": appeal,
        "notice": appeal.notice,
        "error": error,
        "reason": reason,
        "max_chars": APPEAL_REASON_MAX_LENGTH,
        "can_decide": appeal.is_pending and appeal.appellant_id != user.id,
        "is_removal": appeal.notice.action == ModerationAction.DELETE_POST,
    }
    return render(request, "web/moderation/appeal.html", context, status=status)


@require_GET
@sign_in_required
@handles_errors
def appeal_detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """One appeal: the notice it contests, the account's text, the decision forms."""
    return _appeal_page(
        request, access_moderation_appeal(appeal_id, acting_user=signed_in(request))
    )


def _decide(
    request: HttpRequest, appeal_id: int, act: Callable[..., ModerationAppeal], done: str
) -> HttpResponse:
    user = signed_in(request)
    appeal = access_moderation_appeal(appeal_id, acting_user=user)
    reason = request.POST.get("reason", "")
    try:
        act(appeal, reason=reason, acting_user=user)
    except TidingsError as error:
        appeal = access_moderation_appeal(appeal_id, acting_user=user)
        shown = reason.replace("\x00", "")[: APPEAL_REASON_MAX_LENGTH * 2]
        return _appeal_page(request, appeal, error=error.message, reason=shown, status=error.status)
    if act is do_approve_moderation_appeal and appeal.notice.action == ModerationAction.DELETE_POST:
        done = "approved; the removal is overturned, but the post cannot be restored"
    messages.success(request, f"Appeal {appeal.reference} {done}.")
    return redirect("web:moderation_appeal", appeal_id=appeal.id)


@require_POST
@sign_in_required
@handles_errors
def approve(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """Approve: the action is reversed and the account told."""
    return _decide(
        request, appeal_id, do_approve_moderation_appeal, "approved; the action is reversed"
    )


@require_POST
@sign_in_required
@handles_errors
def reject(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """Reject with a reason: the action stands; the account is told why."""
    return _decide(request, appeal_id, do_reject_moderation_appeal, "rejected")
