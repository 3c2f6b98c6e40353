"""The legal desk's admin API: take orders in, review their items, withhold, lift, confirm.

Every endpoint needs a user token with ``admin:read`` (reads) or ``admin:write``
(changes) whose account may use the desk (``roles.check_desk_access``); anyone
else gets 403. Each change is one ``do_*`` action of ``tidings.legal.actions``,
which also enforces what only a legal admin may do (withhold everywhere,
confirm emergency orders, release confidential notices, publish a confidential
order's details).

Lists are paged as the rest of the API (and as Mastodon clients expect):
``max_id``/``since_id``/``min_id``/``limit`` (at most 40), highest id first, and a
``Link`` header whose ``rel="next"`` goes on to lower ids. Item ids follow line
order, so a demand's items come last line first; to read an order from its first
line, start at ``min_id=0`` and follow ``rel="prev"``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from tidings.api.admin_legal_queries import (
    access_withholding,
    check_id,
    demands_page,
    first_items,
    items_page,
    withholdings_page,
)
from tidings.api.admin_legal_serializers import (
    DemandItemOut,
    DemandOut,
    ImportOut,
    WithholdingOut,
    demand_json,
    item_json,
    withholding_json,
)
from tidings.api.auth import require_user
from tidings.api.errors import ApiError
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.api.params import M, parse, request_params
from tidings.legal.actions.decisions import (
    do_confirm_demand,
    do_decide_items,
    do_release_notices,
)
from tidings.legal.actions.intake import do_import_demand
from tidings.legal.actions.publication import do_publish_demand
from tidings.legal.actions.suggestions import do_accept_suggestion
from tidings.legal.actions.withholding import do_lift_withholding
from tidings.legal.durations import parse_until
from tidings.legal.intake.decode import DEFAULT_MAX_BYTES, check_size
from tidings.legal.models import AuthorityKind, Demand, DemandKind
from tidings.legal.queries import (
    access_demand,
    access_demand_item,
    counts_by_demand,
    demand_counts,
)
from tidings.legal.roles import check_desk_access
from tidings.lib.errors import InvalidInput
from tidings.social.models import Account

router = Router(tags=["admin: legal desk"])

PREFIX = "/api/v1/admin/legal"
ITEMS_LIMIT = 40


class ErrorOut(Schema):
    error: str


ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# -- request helpers -------------------------------------------------------------------


def desk_user(request: HttpRequest, scope: str) -> Account:
    """The token's account if the token carries ``scope`` and the account may use the desk."""
    auth = require_user(request, scope)
    return check_desk_access(auth.account)


def read_body(request: HttpRequest, model: type[M]) -> M:
    """The body validated by ``model``; oversized or garbled bodies are refused, never a 500."""
    try:
        return parse(request, model)
    except RequestDataTooBig:
        raise ApiError(
            413, "The request body is too large; upload a long order as a file instead."
        ) from None
    except (MultiPartParserError, SuspiciousOperation, BadRequest):
        raise ApiError(400, "The request body could not be read.") from None


def aware(moment: datetime | None) -> datetime | None:
    """Times sent without an offset are taken as UTC."""
    if moment is not None and timezone.is_naive(moment):
        return moment.replace(tzinfo=UTC)
    return moment


def demand_response(request: HttpRequest, demand: Demand) -> HttpResponse:
    return json_response(demand_json(request, demand, demand_counts(demand).by_key))


def _body_doc(schema: dict[str, Any], *, multipart: dict[str, Any] | None = None) -> dict:
    content = {
        "application/json": {"schema": schema},
        "application/x-www-form-urlencoded": {"schema": schema},
        "multipart/form-data": {"schema": multipart or schema},
    }
    return {"requestBody": {"content": content, "required": True}}


# -- taking an order in ---------------------------------------------------------------------


class DemandIn(Schema):
    """A new order. ``targets`` (a list of handles or post links, one per line, or pasted text)
    or, in a multipart body, ``file`` (the order as received: text, CSV or TSV)."""

    authority: str = Field("", description="Name of the authority that sent the order.")
    authority_kind: str = Field(AuthorityKind.MINISTRY.value, description="ministry, court, ...")
    country: str = Field("", description="ISO 3166-1 alpha-2 code of the ordering country.")
    reference: str = Field("", description="The authority's reference number.")
    legal_basis: str = ""
    legal_basis_code: str = ""
    kind: str = Field(DemandKind.ORDER.value, description="order, emergency_order or court_order.")
    received_at: datetime | None = Field(
        None, description="When the order arrived (now if absent)."
    )
    confidential: bool | None = Field(
        None, description="Hold notices back; absent: as the rule pack says (India: yes)."
    )
    targets: list[str] | str | None = None
    column: str | int | None = Field(
        None, description="For a file: the column to read (header name or 1-based number)."
    )


def _import_doc() -> dict:
    schema = DemandIn.model_json_schema()
    multipart = {
        **schema,
        "properties": {
            **schema["properties"],
            "file": {"type": "string", "format": "binary", "description": "The order file."},
        },
    }
    return _body_doc(schema, multipart=multipart)


def _targets_text(targets: list[str] | str) -> str:
    if isinstance(targets, str):
        return targets
    if not targets:
        raise InvalidInput("The list of targets is empty; name at least one account or post.")
    if any("\n" in t or "\r" in t for t in targets):
        raise InvalidInput("Each target must be one line; send several targets as a list.")
    return "\n".join(targets)


def _column(value: str | int | None) -> str | int | None:
    if isinstance(value, str):
        value = value.strip()
        if value.isdigit():
            return int(value)
        return value or None
    return value


@router.post(
    f"{PREFIX}/demands",
    openapi_extra=_import_doc(),
    response={201: ImportOut, **ERRORS, 413: ErrorOut},
    summary="Take an order in",
)
def import_demand(request: HttpRequest) -> HttpResponse:
    """Every line becomes an item (kept verbatim); an unreadable file is a 422 and creates nothing.

    Answers 201 with the demand, its first 40 items in line order and the number
    of blank lines skipped; the rest are read from the demand's items.
    """
    account = desk_user(request, "admin:write")
    data = read_body(request, DemandIn)
    upload = request_params(request)["_files"].get("file")
    column = None
    if upload is not None:
        check_size(upload.size or 0, DEFAULT_MAX_BYTES)  # before reading it into memory
        payload: bytes | str = upload.read()
        filename, content_type = upload.name or "", upload.content_type or ""
        column = _column(data.column)
    elif data.targets is not None:
        payload, filename, content_type = _targets_text(data.targets), "", "text/plain"
    else:
        raise InvalidInput("Send the targets, or upload the order as a file named 'file'.")
    result = do_import_demand(
        payload,
        authority_name=data.authority,
        authority_kind=data.authority_kind,
        country=data.country,
        reference=data.reference,
        legal_basis=data.legal_basis,
        legal_basis_code=data.legal_basis_code,
        kind=data.kind,
        received_at=aware(data.received_at),
        confidential=data.confidential,
        filename=filename,
        content_type=content_type,
        column=column,
        acting_user=account,
    )
    demand = result.demand
    items = first_items(demand, ITEMS_LIMIT)
    body = {
        "demand": demand_json(request, demand, demand_counts(demand).by_key),
        "items": [item_json(i) for i in items],
        "blank_lines": len(result.order.blank_lines),
    }
    return json_response(body, status=201)


# -- reading demands and their items -------------------------------------------------------------


@router.get(
    f"{PREFIX}/demands", response={200: list[DemandOut], **ERRORS}, summary="Demands, newest first"
)
def list_demands(request: HttpRequest, query: Query[PageQuery]) -> HttpResponse:
    """Newest recorded first (ids are time-ordered)."""
    desk_user(request, "admin:read")
    demands = demands_page(cursor(request))
    counts = counts_by_demand([d.id for d in demands])
    data = [demand_json(request, d, counts[d.id].by_key) for d in demands]
    return paged_response(request, data, [d.id for d in demands])


@router.get(
    f"{PREFIX}/demands/{{demand_id}}", response={200: DemandOut, **ERRORS}, summary="A demand"
)
def get_demand(request: HttpRequest, demand_id: str) -> HttpResponse:
    account = desk_user(request, "admin:read")
    return demand_response(request, access_demand(demand_id, acting_user=account))


class ItemsQuery(PageQuery):
    match: Literal["matched", "unknown", "invalid", "duplicate"] | None = None
    state: Literal["pending", "withheld", "declined", "escalated", "lifted"] | None = None


@router.get(
    f"{PREFIX}/demands/{{demand_id}}/items",
    response={200: list[DemandItemOut], **ERRORS},
    summary="A demand's items",
)
def list_items(request: HttpRequest, demand_id: str, query: Query[ItemsQuery]) -> HttpResponse:
    """Filter by ``match`` (match status) and ``state`` (review state); other values are a 422."""
    account = desk_user(request, "admin:read")
    demand = access_demand(demand_id, acting_user=account)
    items = items_page(
        demand,
        cursor(request, default_limit=ITEMS_LIMIT),
        match_status=query.match,
        review_state=query.state,
    )
    return paged_response(request, [item_json(i) for i in items], [i.id for i in items])


# -- deciding -------------------------------------------------------------------------------------


class DecisionIn(Schema):
    item_ids: list[int | str] | str = Field(
        ..., description='Item ids, or "all_matched" for every matched item still pending.'
    )
    action: Literal["withhold", "decline", "escalate"]
    countries: list[str] | str | None = Field(
        None, description="Where to withhold (the demand's country if absent); XX = everywhere."
    )
    until: str | None = Field(
        None,
        description="When a withholding ends (never if absent): a moment (ISO 8601, UTC if no "
        'offset), or a duration from now ("6 hours", "2 days", ISO 8601 "PT6H", "P2D").',
    )
    reason: str = ""


def _until(value: str | None) -> datetime | None:
    """A withholding's end from a moment or a duration; a moment without offset is UTC."""
    return aware(parse_until(value, timezone.now()))


def _item_ids(value: list[int | str] | str) -> list[int] | str:
    if value == "all_matched":
        return value
    values = [value] if isinstance(value, str) else value
    return [check_id(v, "Each of item_ids") for v in values]


def _countries(value: list[str] | str | None) -> list[str] | None:
    if isinstance(value, str):
        return value.replace(",", " ").split()
    return value


@router.post(
    f"{PREFIX}/demands/{{demand_id}}/decisions",
    openapi_extra=_body_doc(DecisionIn.model_json_schema()),
    response={200: list[DemandItemOut], **ERRORS},
    summary="Decide items of a demand",
)
def decide(request: HttpRequest, demand_id: str) -> HttpResponse:
    """Withhold, decline or escalate items, all or none; answers the decided items.

    A reason is required; withholding everywhere (``XX``) and deciding escalated
    items need a legal admin; only matched items can be withheld.
    """
    account = desk_user(request, "admin:write")
    data = read_body(request, DecisionIn)
    demand = access_demand(demand_id, acting_user=account)
    items = do_decide_items(
        demand,
        _item_ids(data.item_ids),
        action=data.action,
        reason=data.reason,
        countries=_countries(data.countries),
        until=_until(data.until),
        acting_user=account,
    )
    return json_response([item_json(i) for i in items])


@router.post(
    f"{PREFIX}/demands/{{demand_id}}/items/{{item_id}}/accept_suggestion",
    response={200: DemandItemOut, **ERRORS},
    summary="Accept an item's suggested account",
)
def accept_suggestion(request: HttpRequest, demand_id: str, item_id: str) -> HttpResponse:
    """An unknown line's suggested account (a namesake of a handle on another server)
    becomes the item's account, matched; a 422 when the item has no suggestion, is not
    unknown, or was decided. Recorded in the audit log with who accepted it.
    """
    account = desk_user(request, "admin:write")
    demand = access_demand(demand_id, acting_user=account)
    item = do_accept_suggestion(access_demand_item(demand, item_id), acting_user=account)
    return json_response(item_json(item))


@router.post(
    f"{PREFIX}/demands/{{demand_id}}/confirm",
    response={200: DemandOut, **ERRORS},
    summary="Confirm an emergency order (legal admin)",
)
def confirm(request: HttpRequest, demand_id: str) -> HttpResponse:
    """Its withholdings stop lapsing 48 h after receipt; a 422 for any other kind of order."""
    account = desk_user(request, "admin:write")
    demand = access_demand(demand_id, acting_user=account)
    return demand_response(request, do_confirm_demand(demand, acting_user=account))


@router.post(
    f"{PREFIX}/demands/{{demand_id}}/release_notices",
    response={200: DemandOut, **ERRORS},
    summary="Release the held-back notices of a confidential order (legal admin)",
)
def release_notices(request: HttpRequest, demand_id: str) -> HttpResponse:
    """The notices are queued with the release; ``notices_released_at`` is set. Once only (then 422)."""
    account = desk_user(request, "admin:write")
    demand = access_demand(demand_id, acting_user=account)
    do_release_notices(demand, acting_user=account)
    return demand_response(request, demand)


@router.post(
    f"{PREFIX}/demands/{{demand_id}}/publish",
    response={200: DemandOut, **ERRORS},
    summary="Publish a confidential order's details on its public notice (legal admin)",
)
def publish(request: HttpRequest, demand_id: str) -> HttpResponse:
    """Its reference, legal basis text and named targets appear on its public notice now,
    not when its delay runs out (``details_public_at``). Final; a 422 when the order is not
    confidential or was already published."""
    account = desk_user(request, "admin:write")
    demand = access_demand(demand_id, acting_user=account)
    do_publish_demand(demand, acting_user=account)
    return demand_response(request, demand)


# -- withholdings -----------------------------------------------------------------------------------


class WithholdingsQuery(PageQuery):
    active: bool | None = Field(None, description="true: only those in force; false: the others.")
    demand_id: str | None = None


@router.get(
    f"{PREFIX}/withholdings",
    response={200: list[WithholdingOut], **ERRORS},
    summary="Withholdings, newest first",
)
def list_withholdings(request: HttpRequest, query: Query[WithholdingsQuery]) -> HttpResponse:
    """Lifted and expired ones included unless ``active`` says otherwise."""
    desk_user(request, "admin:read")
    demand_id = check_id(query.demand_id, "demand_id") if query.demand_id else None
    now = timezone.now()
    rows = withholdings_page(cursor(request), now=now, active=query.active, demand_id=demand_id)
    data = [withholding_json(w, now) for w in rows]
    return paged_response(request, data, [w.id for w in rows])


class LiftIn(Schema):
    reason: str = Field("", description="Why, e.g. order withdrawn, appeal granted.")


@router.post(
    f"{PREFIX}/withholdings/{{withholding_id}}/lift",
    openapi_extra=_body_doc(LiftIn.model_json_schema()),
    response={200: WithholdingOut, **ERRORS},
    summary="Lift a withholding",
)
def lift(request: HttpRequest, withholding_id: str) -> HttpResponse:
    """Reinstates the subject where it was withheld (nothing is deleted); a reason is required."""
    account = desk_user(request, "admin:write")
    data = read_body(request, LiftIn)
    withholding = access_withholding(withholding_id)
    lifted = do_lift_withholding(withholding, reason=data.reason, acting_user=account)
    return json_response(withholding_json(lifted, timezone.now()))
