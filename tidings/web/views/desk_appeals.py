"""The desk's appeals queue: open appeals oldest first with their clocks, and one appeal's page.

Every view: sign-in → ``access_appeal``/``appeal_queue`` (desk roles only) → one
``do_*`` action → redirect back with what was done, or the page with the refusal
and its status.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tidings.legal.actions.appeals import (
    REASON_MAX_CHARS,
    acknowledge_refusal,
    appeal_refusal,
    do_acknowledge_appeal,
    do_grant_appeal,
    do_reject_appeal,
)
from tidings.legal.appeals import access_appeal, appeal_queue, appeal_row, routes_text
from tidings.legal.models import Appeal
from tidings.legal.versions import attach_withheld_versions
from tidings.lib.countries import withheld_where
from tidings.lib.errors import TidingsError
from tidings.web.views.base import handles_errors, sign_in_required, signed_in


@require_GET
@sign_in_required
@handles_errors
def appeal_queue_page(request: HttpRequest) -> HttpResponse:
    """Open appeals, oldest filed first, each with its acknowledge and decide clocks
    (``?all=1``: decided ones too)."""
    show_all = request.GET.get("all") == "1"
    rows = appeal_queue(acting_user=signed_in(request), open_only=not show_all)
    return render(request, "web/desk/appeals.html", {"rows": rows, "show_all": show_all})


def _appeal_page(
    request: HttpRequest, appeal: Appeal, *, error: str = "", reason: str = "", status: int = 200
) -> HttpResponse:
    user = signed_in(request)
    row = appeal_row(appeal, timezone.now())
    withholding = appeal.withholding
    attach_withheld_versions([withholding])
    context = {
        "row": row,
        "appeal": appeal,
        "w": withholding,
        "where": withheld_where(withholding.countries),
        "demand": withholding.demand_item.demand if withholding.demand_item else None,
        "item": withholding.demand_item,
        "routes": routes_text(row.pack),
        "error": error,
        "reason": reason,
        "max_chars": REASON_MAX_CHARS,
        # The forms only where the action would act (not one's own appeal, nor a decided one).
        "can_decide": appeal_refusal(appeal, user) is None,
        "can_acknowledge": acknowledge_refusal(appeal, user) is None,
    }
    return render(request, "web/desk/appeal.html", context, status=status)


@require_GET
@sign_in_required
@handles_errors
def appeal_detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """One appeal: the owner's text, the withheld content's snapshot, the demand, the forms."""
    return _appeal_page(request, access_appeal(appeal_id, acting_user=signed_in(request)))


def _act(
    request: HttpRequest, appeal_id: int, act: Callable[..., Appeal], done: str
) -> HttpResponse:
    user = signed_in(request)
    appeal = access_appeal(appeal_id, acting_user=user)
    reason = request.POST.get("reason", "")
    try:
        if act is do_acknowledge_appeal:
            act(appeal, acting_user=user)
        else:
            act(appeal, reason=reason, acting_user=user)
    except TidingsError as error:
        appeal = access_appeal(appeal_id, acting_user=user)
        shown = reason.replace("\x00", "")[: REASON_MAX_CHARS * 2]
        return _appeal_page(request, appeal, error=error.message, reason=shown, status=error.status)
    messages.success(request, f"Appeal A-{appeal.id} {done}.")
    return redirect("web:desk_appeal", appeal_id=appeal.id)


@require_POST
@sign_in_required
@handles_errors
def acknowledge(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """Take the appeal up (its 24 h clock is met); the owner is told."""
    return _act(request, appeal_id, do_acknowledge_appeal, "acknowledged")


@require_POST
@sign_in_required
@handles_errors
def grant(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """Grant: the withholding is lifted ("appeal granted") and the owner is told."""
    return _act(request, appeal_id, do_grant_appeal, "granted; the withholding is lifted")


@require_POST
@sign_in_required
@handles_errors
def reject(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """Reject with a reason: the withholding stays; the owner is told where else to go."""
    return _act(request, appeal_id, do_reject_appeal, "rejected")
