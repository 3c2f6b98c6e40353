"""The thread of a demand with its authority, for the desk's demand page (``web/desk/_thread.html``)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.db.models import Prefetch
from django.http import HttpRequest

from tidings.legal.actions.dialogue import (
    acknowledge_refusal,
    hearing_flag,
    letter_refusal,
    noncompliance_response_refusal,
)
from tidings.legal.models import Attachment, Correspondence, Demand
from tidings.web.desk_dialogue_forms import (
    MessageForm,
    NoncomplianceResponseForm,
    StatusUpdateForm,
)

register = template.Library()

#: Messages drawn on the page, newest last; older ones are summarised by count.
THREAD_MAX = 200


@dataclass(frozen=True)
class ThreadEntry:
    message: Correspondence
    attachments: list[Attachment]
    flag: str | None


@dataclass(frozen=True)
class Thread:
    entries: list[ThreadEntry]
    older: int
    message_form: MessageForm
    status_form: StatusUpdateForm
    response_form: NoncomplianceResponseForm
    can_acknowledge: bool
    open_notice: bool
    can_send_letters: bool


def _posted(request: HttpRequest | None, form_class, action: str, *, error_for: str):
    """The form as posted when the page shows its refusal; else a fresh one."""
    if (
        request is not None
        and request.method == "POST"
        and error_for == "thread"
        and request.resolver_match is not None
        and request.resolver_match.url_name == action
    ):
        return form_class(request.POST)
    return form_class()


@register.simple_tag(takes_context=True)
def demand_thread(context: template.Context, demand: Demand) -> Thread:
    """The thread's messages (attachments listed without their bytes) and its forms."""
    rows = (
        Correspondence.objects.filter(demand=demand)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=Attachment.objects.defer("content").order_by("id"),
                to_attr="files",
            )
        )
        .order_by("-created_at", "-id")
    )
    newest = list(rows[: THREAD_MAX + 1])
    older = 0
    if len(newest) > THREAD_MAX:
        newest = newest[:THREAD_MAX]
        older = rows.count() - THREAD_MAX
    entries = [ThreadEntry(m, m.files, hearing_flag(demand, m)) for m in reversed(newest)]
    request = context.get("request")
    error_for = context.get("error_for", "")
    return Thread(
        entries=entries,
        older=older,
        message_form=_posted(request, MessageForm, "desk_record_message", error_for=error_for),
        status_form=_posted(request, StatusUpdateForm, "desk_status_update", error_for=error_for),
        response_form=_posted(
            request, NoncomplianceResponseForm, "desk_noncompliance_response", error_for=error_for
        ),
        can_acknowledge=acknowledge_refusal(demand) is None,
        open_notice=noncompliance_response_refusal(demand) is None,
        can_send_letters=letter_refusal(demand) is None,
    )
