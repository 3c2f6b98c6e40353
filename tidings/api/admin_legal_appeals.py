"""The legal desk's admin API for appeals: the queue, and acknowledging, granting, rejecting.

Same rules as the rest of the admin API (``tidings.api.admin_legal``): a user
token with ``admin:read`` or ``admin:write`` whose account may use the desk.
Each change is one action of ``tidings.legal.actions.appeals``.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from tidings.api.admin_legal import ERRORS, _body_doc, desk_user, read_body
from tidings.api.admin_legal_queries import check_id
from tidings.api.appeals import AppealOut, appeal_json
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.legal.actions.appeals import (
    do_acknowledge_appeal,
    do_grant_appeal,
    do_reject_appeal,
)
from tidings.legal.appeals import OPEN_STATUSES, access_appeal, appeal_row
from tidings.legal.models import Appeal
from tidings.lib.errors import InvalidInput, NotFound
from tidings.social.queries import page_by_cursor

router = Router(tags=["admin: legal desk"])

PREFIX = "/api/v1/admin/legal/appeals"


class AppealsQuery(PageQuery):
    status: Literal["open", "all", "filed", "acknowledged", "granted", "rejected"] = Field(
        "open", description="open (filed or acknowledged, the default), all, or one status."
    )


class AdminAppealOut(AppealOut):
    appellant_username: str
    decided_by_id: str | None
    demand_id: str | None
    overdue: bool = Field(description="A clock of this appeal is overdue now.")


def admin_appeal_json(appeal: Appeal, now=None) -> dict[str, object]:
    row = appeal_row(appeal, now or timezone.now())
    item = appeal.withholding.demand_item
    return {
        **appeal_json(row),
        "appellant_username": appeal.appellant.username,
        "decided_by_id": str(appeal.decided_by_id) if appeal.decided_by_id else None,
        "demand_id": str(item.demand_id) if item else None,
        "overdue": row.overdue,
    }


def _access(request: HttpRequest, appeal_id: str, scope: str):
    account = desk_user(request, scope)
    try:
        number = check_id(appeal_id, "The appeal id")
    except InvalidInput:
        raise NotFound("There is no such appeal.") from None
    return account, access_appeal(number, acting_user=account)


@router.get(
    PREFIX,
    response={200: list[AdminAppealOut], **ERRORS},
    summary="Appeals, newest first (open ones unless asked), with their clocks",
)
def list_appeals(request: HttpRequest, query: Query[AppealsQuery]) -> HttpResponse:
    """Paged like every list (``max_id``/``since_id``/``min_id``/``limit``, ``Link`` header)."""
    desk_user(request, "admin:read")
    rows = Appeal.objects.select_related(
        "appellant", "withholding__account", "withholding__post__author"
    ).select_related("withholding__demand_item__demand")
    if query.status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif query.status != "all":
        rows = rows.filter(status=query.status)
    page = page_by_cursor(rows, "id", cursor(request), cursor(request).limit)
    now = timezone.now()
    return paged_response(request, [admin_appeal_json(a, now) for a in page], [a.id for a in page])


@router.get(
    f"{PREFIX}/{{appeal_id}}",
    response={200: AdminAppealOut, **ERRORS},
    summary="One appeal with its clocks",
)
def get_appeal(request: HttpRequest, appeal_id: str) -> HttpResponse:
    """404 for an unknown id."""
    _, appeal = _access(request, appeal_id, "admin:read")
    return json_response(admin_appeal_json(appeal))


@router.post(
    f"{PREFIX}/{{appeal_id}}/acknowledge",
    response={200: AdminAppealOut, **ERRORS},
    summary="Acknowledge an appeal (meets its acknowledge clock; the owner is told)",
)
def acknowledge(request: HttpRequest, appeal_id: str) -> HttpResponse:
    """A 422 when it was already acknowledged or decided."""
    account, appeal = _access(request, appeal_id, "admin:write")
    return json_response(admin_appeal_json(do_acknowledge_appeal(appeal, acting_user=account)))


class DecisionIn(Schema):
    reason: str = Field("", description="Why; required, sent to the appellant (at most 2000).")


@router.post(
    f"{PREFIX}/{{appeal_id}}/grant",
    openapi_extra=_body_doc(DecisionIn.model_json_schema()),
    response={200: AdminAppealOut, **ERRORS},
    summary="Grant an appeal: its withholding is lifted (reason: appeal granted)",
)
def grant(request: HttpRequest, appeal_id: str) -> HttpResponse:
    """A 422 when already decided or without a reason; 403 for one's own appeal."""
    account, appeal = _access(request, appeal_id, "admin:write")
    data = read_body(request, DecisionIn)
    decided = do_grant_appeal(appeal, reason=data.reason, acting_user=account)
    return json_response(admin_appeal_json(decided))


@router.post(
    f"{PREFIX}/{{appeal_id}}/reject",
    openapi_extra=_body_doc(DecisionIn.model_json_schema()),
    response={200: AdminAppealOut, **ERRORS},
    summary="Reject an appeal: the withholding stays; the owner is told the routes beyond us",
)
def reject(request: HttpRequest, appeal_id: str) -> HttpResponse:
    """A 422 when already decided or without a reason; 403 for one's own appeal."""
    account, appeal = _access(request, appeal_id, "admin:write")
    data = read_body(request, DecisionIn)
    decided = do_reject_appeal(appeal, reason=data.reason, acting_user=account)
    return json_response(admin_appeal_json(decided))
