"""The desk's "Accept" button for an unknown line's suggested account (a namesake elsewhere)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from tidings.legal.actions.suggestions import do_accept_suggestion
from tidings.legal.queries import access_demand, access_demand_item
from tidings.lib.errors import TidingsError
from tidings.web.views.base import handles_errors, redirect_back, sign_in_required, signed_in
from tidings.web.views.desk import _demand_page


@require_POST
@sign_in_required
@handles_errors
def accept_suggestion(request: HttpRequest, demand_id: int, item_id: int) -> HttpResponse:
    """The reviewer says the order means our account: the item becomes matched to it."""
    user = signed_in(request)
    demand = access_demand(demand_id, acting_user=user)
    try:
        item = do_accept_suggestion(access_demand_item(demand, item_id), acting_user=user)
    except TidingsError as error:
        return _demand_page(
            request, demand, error=error.message, error_for="decision", status=error.status
        )
    messages.success(
        request, f"Line {item.line_number} now names @{item.account.username}, as suggested."
    )
    return redirect_back(request, reverse("web:desk_demand", args=[demand.id]))
