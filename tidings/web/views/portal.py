"""The authority portal: an authority's member submits orders, follows them and writes to us.

Every view: sign-in → ``access_portal_*`` (the member's own authority only; any
other demand is a 404) → one ``do_*`` action → render or redirect. A signed-in
account that does not speak for an authority gets 403 on every page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tidings.legal.actions.portal import (
    attachments_from_uploads,
    check_portal_member,
    do_send_portal_message,
    do_submit_order,
)
from tidings.legal.models import Demand
from tidings.legal.portal_queries import (
    OUTCOMES,
    access_portal_attachment,
    access_portal_demand,
    item_outcomes,
    outcome_counts,
    portal_demands_page,
    portal_items,
    thread,
)
from tidings.lib.downloads import download_response
from tidings.lib.errors import InvalidInput, TidingsError
from tidings.social.queries import Cursor
from tidings.web.portal_forms import MessageForm, OrderForm
from tidings.web.views.base import handles_errors, sign_in_required, signed_in
from tidings.web.views.desk import _order_data

DEMANDS_PAGE_SIZE = 30
ITEMS_PAGE_SIZE = 100


@require_GET
@sign_in_required
@handles_errors
def home(request: HttpRequest) -> HttpResponse:
    """The member's authority's demands, newest first, with their outcomes counted."""
    user = signed_in(request)
    authority = check_portal_member(user)
    try:
        before = int(request.GET.get("before") or 0) or None
    except ValueError:
        before = None
    demands = portal_demands_page(user, Cursor(max_id=before, limit=DEMANDS_PAGE_SIZE))
    counts = outcome_counts([d.id for d in demands])
    rows = [{"demand": d, "counts": counts[d.id]} for d in demands]
    context = {
        "authority": authority,
        "rows": rows,
        "outcomes": OUTCOMES,
        "next_before": demands[-1].id if len(demands) == DEMANDS_PAGE_SIZE else None,
        "first": before is not None,
    }
    return render(request, "web/portal/demand_list.html", context)


@require_http_methods(["GET", "POST"])
@sign_in_required
@handles_errors
def order_new(request: HttpRequest) -> HttpResponse:
    """Submit an order for the member's own authority, received now."""
    user = signed_in(request)
    authority = check_portal_member(user)
    form = OrderForm(request.POST, request.FILES) if request.method == "POST" else OrderForm()
    if request.method == "POST" and form.is_valid():
        try:
            data, filename, content_type = _order_data(form)
            submitted = do_submit_order(
                data,
                reference=form.cleaned_data["reference"],
                legal_basis=form.cleaned_data["legal_basis"],
                legal_basis_code=form.cleaned_data["legal_basis_code"],
                kind=form.cleaned_data["kind"],
                # Unticked is None: the rule pack decides (India: confidential).
                confidential=form.cleaned_data["confidential"] or None,
                filename=filename,
                content_type=content_type,
                column=form.column_value(),
                acting_user=user,
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            demand = submitted.result.demand
            n = len(submitted.result.order.lines)
            messages.success(
                request, f"Order {demand.reference} received: {n} line{'s' if n != 1 else ''}."
            )
            return redirect("web:portal_demand", demand_id=demand.id)
    context = {"form": form, "authority": authority}
    return render(request, "web/portal/order_new.html", context, status=422 if form.errors else 200)


def _demand_page(
    request: HttpRequest,
    demand: Demand,
    *,
    form: MessageForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    params = request.GET if request.method == "GET" else {}
    items = Paginator(portal_items(demand).order_by("line_number"), ITEMS_PAGE_SIZE).get_page(
        params.get("page")
    )
    context = {
        "demand": demand,
        "counts": outcome_counts([demand.id])[demand.id],
        "outcomes": OUTCOMES,
        "items": items,
        "outcomes_page": item_outcomes(items.object_list, timezone.now()),
        "thread": thread(demand),
        "form": form or MessageForm(),
        "error": error,
    }
    return render(request, "web/portal/demand.html", context, status=status)


@require_GET
@sign_in_required
@handles_errors
def demand_detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    """One of the authority's demands: each line's outcome, and the thread of messages."""
    demand = access_portal_demand(demand_id, acting_user=signed_in(request))
    return _demand_page(request, demand)


@require_POST
@sign_in_required
@handles_errors
def post_message(request: HttpRequest, demand_id: int) -> HttpResponse:
    """Write to us about the demand, with PDF or image attachments."""
    user = signed_in(request)
    demand = access_portal_demand(demand_id, acting_user=user)
    form = MessageForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(next(iter(form.errors.values()))[0])
        attachments = attachments_from_uploads(request.FILES.getlist("attachments"))
        do_send_portal_message(
            demand,
            kind=form.kind_value(),
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            attachments=attachments,
            hearing_at=form.cleaned_data.get("hearing_at"),
            acting_user=user,
        )
    except TidingsError as error:
        return _demand_page(request, demand, form=form, error=error.message, status=error.status)
    messages.success(request, "Message sent.")
    return redirect("web:portal_demand", demand_id=demand.id)


@require_GET
@sign_in_required
@handles_errors
def attachment(request: HttpRequest, demand_id: int, attachment_id: int) -> HttpResponse:
    """A file of the thread, exactly as it was sent or received."""
    demand = access_portal_demand(demand_id, acting_user=signed_in(request))
    found = access_portal_attachment(demand, attachment_id)
    return download_response(
        bytes(found.content), filename=found.filename, content_type=found.content_type
    )
