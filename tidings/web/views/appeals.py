"""Appeals for the people whose content is withheld: the form to file one, and their list.

Every view: sign-in → ``access_own_*`` (someone else's withholding is "not found")
→ ``do_file_appeal`` → redirect. The action enforces who, when and how long.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tidings.legal.actions.appeals import TEXT_MAX_CHARS, do_file_appeal
from tidings.legal.appeals import (
    access_own_withholding,
    appeal_pack,
    appeal_row,
    appealable_withholdings,
    clock_promises,
    own_appeals,
    subject_text,
)
from tidings.lib.countries import withheld_where
from tidings.lib.errors import TidingsError
from tidings.lib.ids import row_id
from tidings.social.moderation_appeals import own_notices
from tidings.web.views.base import handles_errors, sign_in_required, signed_in


def _withholding_view(withholding) -> dict[str, object]:
    pack = appeal_pack(withholding)
    demand = withholding.demand_item.demand if withholding.demand_item else None
    return {
        "w": withholding,
        "what": subject_text(withholding),
        "where": withheld_where(withholding.countries),
        "demand": demand,
        "promises": clock_promises(pack),
        "pack": pack,
    }


@require_GET
@sign_in_required
@handles_errors
def appeal_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's appeals with status and clocks, and what they may still appeal:
    withholdings (decided by the legal team) and moderators' actions (decided by moderators)."""
    user = signed_in(request)
    now = timezone.now()
    appeals = [appeal_row(a, now) for a in own_appeals(user)]
    open_ids = {
        r.appeal.withholding_id for r in appeals if r.appeal.status in ("filed", "acknowledged")
    }
    appealable = [
        _withholding_view(w) for w in appealable_withholdings(user, now=now) if w.id not in open_ids
    ]
    return render(
        request,
        "web/appeals/list.html",
        {"appeals": appeals, "appealable": appealable, "notices": own_notices(user)},
    )


@require_http_methods(["GET", "POST"])
@sign_in_required
@handles_errors
def appeal_new(request: HttpRequest) -> HttpResponse:
    """The form to appeal one withholding (``?withholding=``); without one, a choice among the
    user's appealable withholdings (of ``?post=`` when given)."""
    user = signed_in(request)
    source = request.POST if request.method == "POST" else request.GET
    raw = source.get("withholding")
    if not raw:
        choices = appealable_withholdings(user, post_id=row_id(request.GET.get("post")))
        return render(
            request, "web/appeals/choose.html", {"choices": [_withholding_view(w) for w in choices]}
        )
    withholding = access_own_withholding(raw, account=user)
    context = {**_withholding_view(withholding), "max_chars": TEXT_MAX_CHARS, "text": ""}
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            appeal = do_file_appeal(withholding, text=text, acting_user=user)
        except TidingsError as error:
            context.update(error=error.message, text=text.replace("\x00", "")[: TEXT_MAX_CHARS * 2])
            return render(request, "web/appeals/new.html", context, status=error.status)
        messages.success(
            request, f"Appeal A-{appeal.id} filed. We have sent you a receipt with its clocks."
        )
        return redirect("web:appeals")
    return render(request, "web/appeals/new.html", context)
