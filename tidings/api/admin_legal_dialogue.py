"""The legal desk's admin API for a demand's thread with its authority.

Read the thread, record a message (JSON with base64 attachments, or multipart
with ``attachments`` files), download an attachment, and the acts of the
dialogue: acknowledge, send a status update, record a non-compliance notice,
answer it, record a withdrawal (lifts every live withholding) or a hearing
notice. Tokens need ``admin:read`` (reads) or ``admin:write`` (changes) and an
account that may use the desk; each change is one ``do_*`` action.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from tidings.api.admin_legal import ERRORS, PREFIX, ErrorOut, _body_doc, aware, desk_user, read_body
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.api.params import request_params
from tidings.api.serializers import iso
from tidings.legal.actions.correspondence import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENTS_MAX,
    MB,
    NewAttachment,
    do_record_correspondence,
)
from tidings.legal.actions.dialogue import (
    do_acknowledge_demand,
    do_receive_noncompliance_notice,
    do_record_hearing_notice,
    do_respond_to_noncompliance,
    do_send_status_update,
    do_withdraw_demand,
    hearing_flag,
)
from tidings.legal.models import Attachment, Channel, Correspondence, Demand
from tidings.legal.queries import access_demand
from tidings.legal.thread import access_attachment, attachment_download
from tidings.lib.errors import InvalidInput
from tidings.social.queries import page_by_cursor

router = Router(tags=["admin: legal desk"])

THREAD = f"{PREFIX}/demands/{{demand_id}}"
#: Base64 text of one attachment may be at most this long (the decoded limit, encoded).
_B64_MAX_CHARS = (ATTACHMENT_MAX_BYTES + 2) // 3 * 4


# -- shapes -------------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: str
    filename: str
    content_type: str = Field(..., description="Sniffed from the bytes: a PDF or an image type.")
    size: int
    sha256: str
    url: str


class CorrespondenceOut(Schema):
    id: str
    demand_id: str
    direction: str = Field(..., description="inbound (from the authority) or outbound (to it).")
    kind: str
    channel: str
    subject: str
    body: str
    document_html: str = Field(..., description="The generated letter as sent (outbound), or ''.")
    sent_at: str | None
    received_at: str | None
    created_at: str
    created_by: str | None = Field(None, description="Handle of who recorded it.")
    attachments: list[AttachmentOut]
    short_notice: str | None = Field(
        None, description="For the hearing notice in force: its notice was shorter than the rule."
    )


class AttachmentIn(Schema):
    filename: str = ""
    content_base64: str = Field(..., description="The file, base64-encoded (at most 10 MB).")


class MessageIn(Schema):
    """A message to record. In a multipart body, files go as ``attachments`` (or ``attachments[]``)."""

    direction: str = Field(..., description="inbound or outbound.")
    kind: str = Field(..., description="order, clarification_request, representation, ...")
    channel: str = Field(..., description="portal, email, letter or hand_delivery.")
    subject: str = ""
    body: str = ""
    sent_at: datetime | None = None
    received_at: datetime | None = None
    attachments: list[AttachmentIn] = Field(default_factory=list)


class NoticeIn(Schema):
    """A notice from the authority (non-compliance, withdrawal) as received."""

    body: str = ""
    channel: str = Field(Channel.EMAIL.value, description="portal, email, letter or hand_delivery.")
    received_at: datetime | None = Field(None, description="When it reached us (now if absent).")
    attachments: list[AttachmentIn] = Field(default_factory=list)


class HearingIn(NoticeIn):
    hearing_at: datetime = Field(..., description="When the hearing is.")


class StatusUpdateIn(Schema):
    note: str = Field("", description="A paragraph added to the letter (optional).")


class ResponseIn(Schema):
    body: str = Field(..., description="Our answer to the non-compliance notice.")


def _doc(model: type[Schema]) -> dict[str, Any]:
    schema = model.model_json_schema()
    multipart = {
        **schema,
        "properties": {
            **{k: v for k, v in schema["properties"].items() if k != "attachments"},
            "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}},
        },
    }
    return _body_doc(schema, multipart=multipart)


# -- conversions -----------------------------------------------------------------------------------


def attachment_json(request: HttpRequest, demand_id: int, message_id: int, a: Attachment) -> dict:
    path = f"{PREFIX}/demands/{demand_id}/correspondence/{message_id}/attachments/{a.id}"
    return {
        "id": str(a.id),
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "url": request.build_absolute_uri(path),
    }


def message_json(request: HttpRequest, demand: Demand, message: Correspondence) -> dict:
    files = getattr(message, "files", None)
    if files is None:
        files = list(message.attachments.defer("content").order_by("id"))
    return {
        "id": str(message.id),
        "demand_id": str(message.demand_id),
        "direction": message.direction,
        "kind": message.kind,
        "channel": message.channel,
        "subject": message.subject,
        "body": message.body,
        "document_html": message.document_html,
        "sent_at": iso(message.sent_at),
        "received_at": iso(message.received_at),
        "created_at": iso(message.created_at),
        "created_by": message.created_by.username if message.created_by_id else None,
        "attachments": [attachment_json(request, demand.id, message.id, a) for a in files],
        "short_notice": hearing_flag(demand, message),
    }


def created(request: HttpRequest, demand: Demand, message: Correspondence) -> HttpResponse:
    demand.refresh_from_db()
    return json_response(message_json(request, demand, message), status=201)


def _decode(item: AttachmentIn) -> NewAttachment:
    text = item.content_base64 or ""
    name = (item.filename or "attachment").replace("\x00", "")[:80]
    if len(text) > _B64_MAX_CHARS:
        raise InvalidInput(f"{name} is over {ATTACHMENT_MAX_BYTES // MB} MB.")
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{name}: content_base64 is not valid base64.") from None
    return NewAttachment(item.filename, content)


def attachments_of(request: HttpRequest, listed: list[AttachmentIn]) -> list[NewAttachment]:
    """Base64 attachments of a JSON body, or files of a multipart one; count and size first."""
    files = request_params(request)["_files"]
    uploads = files.getlist("attachments") + files.getlist("attachments[]")
    if len(listed) + len(uploads) > ATTACHMENTS_MAX:
        raise InvalidInput(f"At most {ATTACHMENTS_MAX} attachments per message.")
    for upload in uploads:
        if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
            raise InvalidInput(
                f"{(upload.name or 'attachment')[:80]} is over {ATTACHMENT_MAX_BYTES // MB} MB."
            )
    found = [_decode(item) for item in listed]
    found += [NewAttachment(u.name or "attachment", u.read()) for u in uploads]
    return found


# -- the thread -----------------------------------------------------------------------------------


@router.get(
    f"{THREAD}/correspondence",
    response={200: list[CorrespondenceOut], **ERRORS},
    summary="A demand's correspondence with its authority",
)
def list_correspondence(
    request: HttpRequest, demand_id: str, query: Query[PageQuery]
) -> HttpResponse:
    """Every message, inbound and outbound, newest recorded first, with its attachments' links."""
    account = desk_user(request, "admin:read")
    demand = access_demand(demand_id, acting_user=account)
    rows = Correspondence.objects.filter(demand=demand).select_related("created_by")
    rows = rows.prefetch_related(
        Prefetch(
            "attachments",
            queryset=Attachment.objects.defer("content").order_by("id"),
            to_attr="files",
        )
    )
    page = page_by_cursor(rows, "id", cursor(request), cursor(request).limit)
    return paged_response(
        request, [message_json(request, demand, m) for m in page], [m.id for m in page]
    )


@router.post(
    f"{THREAD}/correspondence",
    openapi_extra=_doc(MessageIn),
    response={201: CorrespondenceOut, **ERRORS, 413: ErrorOut},
    summary="Record a message to or from the authority",
)
def record_message(request: HttpRequest, demand_id: str) -> HttpResponse:
    """Attachments: PDF or images (told by their bytes), at most 10 of 10 MB each; else a 422.

    Non-compliance notices, withdrawals and hearing notices change the order:
    record them with their own endpoints.
    """
    account = desk_user(request, "admin:write")
    data = read_body(request, MessageIn)
    demand = access_demand(demand_id, acting_user=account)
    message = do_record_correspondence(
        demand,
        direction=data.direction,
        kind=data.kind,
        channel=data.channel,
        subject=data.subject,
        body=data.body,
        sent_at=aware(data.sent_at),
        received_at=aware(data.received_at),
        attachments=attachments_of(request, data.attachments),
        acting_user=account,
    )
    return created(request, demand, message)


@router.get(
    f"{THREAD}/correspondence/{{message_id}}/attachments/{{attachment_id}}",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file's bytes as stored, as a download of its sniffed type.",
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "image/*": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
    summary="Download an attachment of a demand's correspondence",
)
def download_attachment(
    request: HttpRequest, demand_id: str, message_id: str, attachment_id: str
) -> HttpResponse:
    """Served with ``Content-Disposition: attachment`` and ``X-Content-Type-Options: nosniff``."""
    account = desk_user(request, "admin:read")
    demand = access_demand(demand_id, acting_user=account)
    return attachment_download(access_attachment(demand, message_id, attachment_id))


# -- the acts of the dialogue ---------------------------------------------------------------------


@router.post(
    f"{THREAD}/acknowledge",
    response={201: CorrespondenceOut, **ERRORS},
    summary="Acknowledge receipt of an order",
)
def acknowledge(request: HttpRequest, demand_id: str) -> HttpResponse:
    """Sends the acknowledgement (portal, and e-mail with its PDF); once per order, then 422."""
    account = desk_user(request, "admin:write")
    demand = access_demand(demand_id, acting_user=account)
    return created(request, demand, do_acknowledge_demand(demand, acting_user=account))


@router.post(
    f"{THREAD}/status_update",
    openapi_extra=_body_doc(StatusUpdateIn.model_json_schema()),
    response={201: CorrespondenceOut, **ERRORS},
    summary="Send the authority a status update",
)
def status_update(request: HttpRequest, demand_id: str) -> HttpResponse:
    """A letter with the outcome of every item (withheld where and until when, declined, pending)."""
    account = desk_user(request, "admin:write")
    data = read_body(request, StatusUpdateIn)
    demand = access_demand(demand_id, acting_user=account)
    message = do_send_status_update(demand, note=data.note, acting_user=account)
    return created(request, demand, message)


def _record_notice(
    request: HttpRequest, demand_id: str, action: Callable[..., Any]
) -> HttpResponse:
    """An inbound notice (``NoticeIn``) carried out by ``action``, answered with the message."""
    account = desk_user(request, "admin:write")
    data = read_body(request, NoticeIn)
    demand = access_demand(demand_id, acting_user=account)
    message = action(
        demand,
        received_at=aware(data.received_at),
        body=data.body,
        attachments=attachments_of(request, data.attachments),
        channel=data.channel,
        acting_user=account,
    )
    return created(request, demand, message)


@router.post(
    f"{THREAD}/noncompliance",
    openapi_extra=_doc(NoticeIn),
    response={201: CorrespondenceOut, **ERRORS, 413: ErrorOut},
    summary="Record a non-compliance notice from the authority",
)
def noncompliance(request: HttpRequest, demand_id: str) -> HttpResponse:
    """The order's status becomes ``noncompliance_notice`` until answered; its clock starts."""
    return _record_notice(request, demand_id, do_receive_noncompliance_notice)


@router.post(
    f"{THREAD}/noncompliance_response",
    openapi_extra=_body_doc(ResponseIn.model_json_schema()),
    response={201: CorrespondenceOut, **ERRORS},
    summary="Answer a non-compliance notice",
)
def noncompliance_response(request: HttpRequest, demand_id: str) -> HttpResponse:
    """A letter with our answer and every item's outcome; the status is derived from the items again."""
    account = desk_user(request, "admin:write")
    data = read_body(request, ResponseIn)
    demand = access_demand(demand_id, acting_user=account)
    message = do_respond_to_noncompliance(demand, body=data.body, acting_user=account)
    return created(request, demand, message)


@router.post(
    f"{THREAD}/withdraw",
    openapi_extra=_doc(NoticeIn),
    response={201: CorrespondenceOut, **ERRORS, 413: ErrorOut},
    summary="Record the authority's withdrawal of an order",
)
def withdraw(request: HttpRequest, demand_id: str) -> HttpResponse:
    """Every live withholding is lifted ("order withdrawn") and its owner told; status ``withdrawn``."""
    return _record_notice(request, demand_id, do_withdraw_demand)


@router.post(
    f"{THREAD}/hearing",
    openapi_extra=_doc(HearingIn),
    response={201: CorrespondenceOut, **ERRORS, 413: ErrorOut},
    summary="Record a hearing notice from the authority",
)
def hearing(request: HttpRequest, demand_id: str) -> HttpResponse:
    """Sets the hearing; notice shorter than the rule's minimum is recorded and flagged."""
    account = desk_user(request, "admin:write")
    data = read_body(request, HearingIn)
    demand = access_demand(demand_id, acting_user=account)
    message = do_record_hearing_notice(
        demand,
        hearing_at=aware(data.hearing_at),
        received_at=aware(data.received_at),
        body=data.body,
        attachments=attachments_of(request, data.attachments),
        channel=data.channel,
        acting_user=account,
    )
    return created(request, demand, message)
