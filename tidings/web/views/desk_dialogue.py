"""A demand's thread with its authority on the desk: record a message, send letters, download files.

The thread itself is drawn on the demand page (``web/desk/_thread.html``). Each
view here: sign-in → desk role (``access_demand``) → one ``do_*`` action →
back to the demand page; a refusal is shown there, on the thread, with its status.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from tidings.legal.actions.correspondence import do_record_correspondence
from tidings.legal.actions.dialogue import (
    do_acknowledge_demand,
    do_receive_noncompliance_notice,
    do_record_hearing_notice,
    do_respond_to_noncompliance,
    do_send_status_update,
    do_withdraw_demand,
)
from tidings.legal.models import Demand, Direction
from tidings.legal.queries import access_demand
from tidings.legal.thread import access_attachment, attachment_download
from tidings.lib.errors import InvalidInput, TidingsError
from tidings.social.models import Account
from tidings.web.desk_dialogue_forms import (
    MessageForm,
    NoncomplianceResponseForm,
    StatusUpdateForm,
    uploaded_attachments,
)
from tidings.web.views.base import handles_errors, redirect_back, sign_in_required, signed_in
from tidings.web.views.desk import _demand_page

THREAD_ERROR = "thread"


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return "The form is incomplete."


def _back(request: HttpRequest, demand: Demand, done: str) -> HttpResponse:
    messages.success(request, done)
    return redirect_back(request, reverse("web:desk_demand", args=[demand.id]) + "#thread")


def _refused(request: HttpRequest, demand: Demand, error: TidingsError) -> HttpResponse:
    return _demand_page(
        request, demand, error=error.message, error_for=THREAD_ERROR, status=error.status
    )


def _record(demand: Demand, form: MessageForm, request: HttpRequest, user: Account):
    """Record the message; notices that change the order go through their own action."""
    data = form.cleaned_data
    attachments = uploaded_attachments(request.FILES.getlist("attachments"))
    kind, inbound = data["kind"], data["direction"] == Direction.INBOUND
    common = {
        "body": data["body"],
        "attachments": attachments,
        "channel": data["channel"],
        "acting_user": user,
    }
    if inbound and kind == "noncompliance_notice":
        do_receive_noncompliance_notice(demand, received_at=data["received_at"], **common)
        return "Non-compliance notice recorded; its answer clock has started."
    if inbound and kind == "withdrawal":
        do_withdraw_demand(demand, received_at=data["received_at"], **common)
        return "Withdrawal recorded; every withholding of this order was lifted."
    if inbound and kind == "hearing_notice":
        if data["hearing_at"] is None:
            raise InvalidInput("Give the date and time of the hearing.")
        do_record_hearing_notice(
            demand, hearing_at=data["hearing_at"], received_at=data["received_at"], **common
        )
        return "Hearing notice recorded."
    do_record_correspondence(
        demand,
        direction=data["direction"],
        kind=kind,
        subject=data["subject"],
        sent_at=data["sent_at"],
        received_at=data["received_at"],
        **common,
    )
    return "Message recorded."


@require_POST
@sign_in_required
@handles_errors
def record_message(request: HttpRequest, demand_id: int) -> HttpResponse:
    """Record a message to or from the authority, with its attachments (multipart)."""
    user = signed_in(request)
    demand = access_demand(demand_id, acting_user=user)
    form = MessageForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_first_error(form))
        done = _record(demand, form, request, user)
    except TidingsError as error:
        return _refused(request, demand, error)
    return _back(request, demand, done)


@require_POST
@sign_in_required
@handles_errors
def acknowledge(request: HttpRequest, demand_id: int) -> HttpResponse:
    """Send the acknowledgement of receipt (portal, and e-mail with its PDF)."""
    user = signed_in(request)
    demand = access_demand(demand_id, acting_user=user)
    try:
        do_acknowledge_demand(demand, acting_user=user)
    except TidingsError as error:
        return _refused(request, demand, error)
    return _back(request, demand, "Acknowledgement of receipt sent.")


@require_POST
@sign_in_required
@handles_errors
def status_update(request: HttpRequest, demand_id: int) -> HttpResponse:
    """Send a status update with the outcome of every item."""
    user = signed_in(request)
    demand = access_demand(demand_id, acting_user=user)
    form = StatusUpdateForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_first_error(form))
        do_send_status_update(demand, note=form.cleaned_data["note"], acting_user=user)
    except TidingsError as error:
        return _refused(request, demand, error)
    return _back(request, demand, "Status update sent.")


@require_POST
@sign_in_required
@handles_errors
def noncompliance_response(request: HttpRequest, demand_id: int) -> HttpResponse:
    """Answer the open non-compliance notice."""
    user = signed_in(request)
    demand = access_demand(demand_id, acting_user=user)
    form = NoncomplianceResponseForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_first_error(form))
        do_respond_to_noncompliance(demand, body=form.cleaned_data["body"], acting_user=user)
    except TidingsError as error:
        return _refused(request, demand, error)
    return _back(request, demand, "Response to the non-compliance notice sent.")


@require_GET
@sign_in_required
@handles_errors
def attachment(
    request: HttpRequest, demand_id: int, message_id: int, attachment_id: int
) -> HttpResponse:
    """Download one attachment of the thread (desk roles only)."""
    demand = access_demand(demand_id, acting_user=signed_in(request))
    return attachment_download(access_attachment(demand, message_id, attachment_id))


_DEMAND = "desk/demands/<int:demand_id>"

#: Added to ``tidings.web.urls`` (namespace ``web``).
urlpatterns = [
    path(f"{_DEMAND}/correspondence", record_message, name="desk_record_message"),
    path(f"{_DEMAND}/acknowledge", acknowledge, name="desk_acknowledge"),
    path(f"{_DEMAND}/status_update", status_update, name="desk_status_update"),
    path(
        f"{_DEMAND}/noncompliance_response",
        noncompliance_response,
        name="desk_noncompliance_response",
    ),
    path(
        f"{_DEMAND}/correspondence/<int:message_id>/attachments/<int:attachment_id>",
        attachment,
        name="desk_attachment",
    ),
]
