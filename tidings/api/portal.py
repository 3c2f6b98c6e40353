"""The authority portal's API: an authority submits orders and reads only its own demands.

Every endpoint needs a user token with ``portal:read`` (reads) or ``portal:write``
(changes) whose account speaks for an authority (role ``authority``, bound by
``AuthorityMember``); anyone else gets 403, and a demand of another authority
answers 404 exactly as a demand that does not exist. Items carry their public
outcome only (``legal.portal_queries``): never a reviewer, a decision or match
reason, evidence or the audit record.

Lists page as the rest of the API: ``max_id``/``since_id``/``min_id``/``limit``
and a ``Link`` header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from tidings.api.admin_legal import (
    ERRORS,
    ErrorOut,
    _body_doc,
    _column,
    _targets_text,
    aware,
    read_body,
)
from tidings.api.auth import require_user
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.api.params import request_params
from tidings.api.serializers import iso
from tidings.legal.actions.portal import (
    attachments_from_uploads,
    check_portal_member,
    do_send_portal_message,
    do_submit_order,
)
from tidings.legal.intake.decode import DEFAULT_MAX_BYTES, check_size
from tidings.legal.models import CorrespondenceKind, Demand, DemandKind
from tidings.legal.portal_queries import (
    ItemOutcome,
    ThreadMessage,
    access_portal_attachment,
    access_portal_demand,
    item_outcomes,
    outcome_counts,
    portal_demands_page,
    portal_items,
    portal_items_page,
    thread,
)
from tidings.lib.downloads import download_response
from tidings.lib.errors import InvalidInput
from tidings.social.models import Account

router = Router(tags=["portal: authorities"])

PREFIX = "/api/v1/portal"
ITEMS_LIMIT = 40


def portal_user(request: HttpRequest, scope: str) -> Account:
    """The token's account if the token carries ``scope`` and the account speaks for an authority."""
    auth = require_user(request, scope)
    check_portal_member(auth.account)
    assert auth.account is not None
    return auth.account


# -- shapes ----------------------------------------------------------------------------


class PortalAuthorityOut(Schema):
    name: str
    country: str


class OutcomeCountsOut(Schema):
    """Items by public outcome."""

    pending: int
    withheld: int
    declined: int
    lifted: int
    expired: int
    not_actionable: int
    duplicate: int


class PortalDemandOut(Schema):
    id: str
    authority: PortalAuthorityOut
    reference: str
    country: str
    legal_basis: str
    legal_basis_code: str
    kind: str
    received_at: str
    status: str
    confidential: bool
    counts: OutcomeCountsOut


class PortalItemOut(Schema):
    id: str
    line_number: int
    place: str
    raw: str
    outcome: str = Field(
        description="pending, withheld, declined, lifted, expired, not_actionable or duplicate."
    )
    text: str = Field(description="The outcome in words, as the authority may read it.")
    country_codes: list[str] = Field(description="Where withheld (XX: everywhere).")
    withheld_since: str | None
    withheld_until: str | None = Field(
        description="When the withholding ends, ended or was lifted; null: until further notice."
    )


class PortalDemandDetailOut(PortalDemandOut):
    items: list[PortalItemOut] = Field(description="The first 40 lines; the rest under /items.")


class PortalAttachmentOut(Schema):
    id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


class PortalMessageOut(Schema):
    id: str
    direction: str = Field(description="inbound (from the authority) or outbound (from us).")
    kind: str
    channel: str
    subject: str
    text: str
    at: str | None
    attachments: list[PortalAttachmentOut]


class SubmitOut(Schema):
    demand: PortalDemandOut
    items: list[PortalItemOut]
    blank_lines: int


def _demand_json(demand: Demand, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "id": str(demand.id),
        "authority": {"name": demand.authority.name, "country": demand.authority.country},
        "reference": demand.reference,
        "country": demand.country,
        "legal_basis": demand.legal_basis,
        "legal_basis_code": demand.legal_basis_code,
        "kind": demand.kind,
        "received_at": iso(demand.received_at),
        "status": demand.status,
        "confidential": demand.confidential,
        "counts": counts,
    }


def _item_json(item: ItemOutcome) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "line_number": item.line_number,
        "place": item.place,
        "raw": item.raw,
        "outcome": item.outcome,
        "text": item.text,
        "country_codes": list(item.countries),
        "withheld_since": iso(item.since),
        "withheld_until": iso(item.until),
    }


def _message_json(request: HttpRequest, demand: Demand, entry: ThreadMessage) -> dict[str, Any]:
    message = entry.message
    return {
        "id": str(message.id),
        "direction": message.direction,
        "kind": message.kind,
        "channel": message.channel,
        "subject": message.subject,
        "text": entry.text,
        "at": iso(entry.at),
        "attachments": [
            {
                "id": str(a.id),
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "url": request.build_absolute_uri(
                    f"{PREFIX}/demands/{demand.id}/attachments/{a.id}"
                ),
            }
            for a in entry.attachments
        ],
    }


def _first_items(demand: Demand) -> list[dict[str, Any]]:
    items = portal_items(demand).order_by("id")[:ITEMS_LIMIT]
    return [_item_json(i) for i in item_outcomes(items, timezone.now())]


# -- submitting an order ---------------------------------------------------------------


class OrderIn(Schema):
    """A new order from the token's authority, in its country, received now. ``targets`` (a list
    of handles or post links, or pasted lines) or, in a multipart body, ``file``."""

    reference: str = Field("", description="Your reference number for the order.")
    legal_basis: str = Field("", description="The law the order invokes, in words.")
    legal_basis_code: str = Field("", description="Its code, e.g. IN-ITA-69A.")
    kind: str = Field(DemandKind.ORDER.value, description="order, emergency_order or court_order.")
    confidential: bool | None = Field(
        None, description="Omitted or null: the law of your country decides (India: confidential)."
    )
    targets: list[str] | str | None = None
    column: str | int | None = Field(
        None, description="For a file: the column to read (header name or 1-based number)."
    )


def _order_doc() -> dict:
    schema = OrderIn.model_json_schema()
    multipart = {
        **schema,
        "properties": {
            **schema["properties"],
            "file": {"type": "string", "format": "binary", "description": "The order file."},
        },
    }
    return _body_doc(schema, multipart=multipart)


@router.post(
    f"{PREFIX}/demands",
    openapi_extra=_order_doc(),
    response={201: SubmitOut, **ERRORS, 413: ErrorOut},
    summary="Submit an order",
)
def submit_order(request: HttpRequest) -> HttpResponse:
    """Every line becomes an item; the authority and country are the token's own.

    Answers 201 with the demand and its first 40 lines; an unreadable file is a 422
    and creates nothing.
    """
    account = portal_user(request, "portal:write")
    data = read_body(request, OrderIn)
    upload = request_params(request)["_files"].get("file")
    column = None
    if upload is not None:
        check_size(upload.size or 0, DEFAULT_MAX_BYTES)
        payload: bytes | str = upload.read()
        filename, content_type = upload.name or "", upload.content_type or ""
        column = _column(data.column)
    elif data.targets is not None:
        payload, filename, content_type = _targets_text(data.targets), "", "text/plain"
    else:
        raise InvalidInput("Send the targets, or upload the order as a file named 'file'.")
    submitted = do_submit_order(
        payload,
        reference=data.reference,
        legal_basis=data.legal_basis,
        legal_basis_code=data.legal_basis_code,
        kind=data.kind,
        confidential=data.confidential,
        filename=filename,
        content_type=content_type,
        column=column,
        acting_user=account,
    )
    demand = submitted.result.demand
    body = {
        "demand": _demand_json(demand, outcome_counts([demand.id])[demand.id]),
        "items": _first_items(demand),
        "blank_lines": len(submitted.result.order.blank_lines),
    }
    return json_response(body, status=201)


# -- reading ---------------------------------------------------------------------------


@router.get(
    f"{PREFIX}/demands",
    response={200: list[PortalDemandOut], **ERRORS},
    summary="Your authority's demands, newest first",
)
def list_demands(request: HttpRequest, query: Query[PageQuery]) -> HttpResponse:
    account = portal_user(request, "portal:read")
    demands = portal_demands_page(account, cursor(request))
    counts = outcome_counts([d.id for d in demands])
    data = [_demand_json(d, counts[d.id]) for d in demands]
    return paged_response(request, data, [d.id for d in demands])


@router.get(
    f"{PREFIX}/demands/{{demand_id}}",
    response={200: PortalDemandDetailOut, **ERRORS},
    summary="One of your demands, with the outcome of its first lines",
)
def get_demand(request: HttpRequest, demand_id: str) -> HttpResponse:
    """Another authority's demand is a 404, as one that does not exist."""
    account = portal_user(request, "portal:read")
    demand = access_portal_demand(demand_id, acting_user=account)
    body = _demand_json(demand, outcome_counts([demand.id])[demand.id])
    body["items"] = _first_items(demand)
    return json_response(body)


@router.get(
    f"{PREFIX}/demands/{{demand_id}}/items",
    response={200: list[PortalItemOut], **ERRORS},
    summary="The lines of one of your demands with their outcomes",
)
def list_items(request: HttpRequest, demand_id: str, query: Query[PageQuery]) -> HttpResponse:
    """Last line first like every list; start at ``min_id=0`` and follow ``rel="prev"`` to read in order."""
    account = portal_user(request, "portal:read")
    demand = access_portal_demand(demand_id, acting_user=account)
    items = portal_items_page(demand, cursor(request, default_limit=ITEMS_LIMIT))
    data = [_item_json(i) for i in item_outcomes(items, timezone.now())]
    return paged_response(request, data, [i.id for i in items])


@router.get(
    f"{PREFIX}/demands/{{demand_id}}/correspondence",
    response={200: list[PortalMessageOut], **ERRORS},
    summary="The messages between you and us about one of your demands",
)
def list_correspondence(request: HttpRequest, demand_id: str) -> HttpResponse:
    """Oldest first, with links to download each attachment."""
    account = portal_user(request, "portal:read")
    demand = access_portal_demand(demand_id, acting_user=account)
    return json_response([_message_json(request, demand, m) for m in thread(demand)])


class MessageIn(Schema):
    """A message to us about the demand; attachments (PDF or images) in a multipart body as
    ``attachments``."""

    kind: str = Field(
        CorrespondenceKind.OTHER.value,
        description="other, clarification_request, representation, hearing_notice, "
        "committee_decision, noncompliance_notice or withdrawal.",
    )
    subject: str = ""
    body: str = ""
    hearing_at: datetime | None = Field(
        None, description="For a hearing notice: when the hearing is (ISO 8601)."
    )


def _message_doc() -> dict:
    schema = MessageIn.model_json_schema()
    multipart = {
        **schema,
        "properties": {
            **schema["properties"],
            "attachments": {
                "type": "array",
                "items": {"type": "string", "format": "binary"},
                "description": "PDF, PNG, JPEG, GIF or WebP files, at most 10.",
            },
        },
    }
    return _body_doc(schema, multipart=multipart)


@router.post(
    f"{PREFIX}/demands/{{demand_id}}/correspondence",
    openapi_extra=_message_doc(),
    response={201: PortalMessageOut, **ERRORS, 413: ErrorOut},
    summary="Send us a message about one of your demands",
)
def post_correspondence(request: HttpRequest, demand_id: str) -> HttpResponse:
    """Recorded in the demand's thread as received now, with its attachments verbatim."""
    account = portal_user(request, "portal:write")
    demand = access_portal_demand(demand_id, acting_user=account)
    data = read_body(request, MessageIn)
    files = request_params(request)["_files"]
    uploads = files.getlist("attachments") + files.getlist("attachments[]")
    attachments = attachments_from_uploads(uploads)
    message = do_send_portal_message(
        demand,
        kind=data.kind,
        subject=data.subject,
        body=data.body,
        attachments=attachments,
        hearing_at=aware(data.hearing_at),
        acting_user=account,
    )
    entry = next(m for m in thread(demand) if m.message.id == message.id)
    return json_response(_message_json(request, demand, entry), status=201)


@router.get(
    f"{PREFIX}/demands/{{demand_id}}/attachments/{{attachment_id}}",
    response={200: None, **ERRORS},
    summary="Download an attachment of a message about one of your demands",
)
def download_attachment(request: HttpRequest, demand_id: str, attachment_id: str) -> HttpResponse:
    """The file exactly as it was sent or received."""
    account = portal_user(request, "portal:read")
    demand = access_portal_demand(demand_id, acting_user=account)
    attachment = access_portal_attachment(demand, attachment_id)
    return download_response(
        bytes(attachment.content),
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
