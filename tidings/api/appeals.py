"""Appeals in the client API: the owner of withheld content files one and follows its clocks.

``POST /api/v1/tidings/appeals`` (scope ``write:accounts``) and ``GET
/api/v1/tidings/appeals`` (scope ``read:accounts``). The rules are the action's
(``tidings.legal.actions.appeals.do_file_appeal``); a withholding of someone
else's content answers 404, as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from tidings.api.admin_legal import ERRORS, _body_doc, read_body
from tidings.api.auth import require_user
from tidings.api.pagination import json_response
from tidings.api.serializers import iso
from tidings.legal.actions.appeals import TEXT_MAX_CHARS, do_file_appeal
from tidings.legal.appeals import AppealRow, access_own_withholding, appeal_row, own_appeals

router = Router(tags=["appeals"])

PATH = "/api/v1/tidings/appeals"


class ClockOut(Schema):
    key: str = Field(description="appeal_acknowledge or appeal_decide")
    label: str
    due_at: str
    met_at: str | None
    state: str = Field(description="due, overdue, met or met_late")
    text: str = Field(description='E.g. "due in 5 h", "met at 2021-02-11 09:30 IST".')
    law: bool = Field(description="True when the law sets this clock; false for our own policy.")
    source: str


class RouteOut(Schema):
    name: str
    source: str
    within_days: int | None
    url: str


class AppealOut(Schema):
    id: str
    withholding_id: str
    appellant_id: str
    text: str
    status: str = Field(description="filed, acknowledged, granted or rejected")
    filed_at: str
    acknowledged_at: str | None
    decided_at: str | None
    decision_reason: str
    rule_pack: str
    clocks: list[ClockOut]
    external_routes: list[RouteOut]


def appeal_json(row: AppealRow) -> dict[str, Any]:
    """An appeal with its clocks and the routes beyond us of its rule pack."""
    appeal, now = row.appeal, row.now
    return {
        "id": str(appeal.id),
        "withholding_id": str(appeal.withholding_id),
        "appellant_id": str(appeal.appellant_id),
        "text": appeal.text,
        "status": appeal.status,
        "filed_at": iso(appeal.filed_at),
        "acknowledged_at": iso(appeal.acknowledged_at),
        "decided_at": iso(appeal.decided_at),
        "decision_reason": appeal.decision_reason,
        "rule_pack": row.pack.code,
        "clocks": [
            {
                "key": str(c.key),
                "label": c.label,
                "due_at": iso(c.due_at),
                "met_at": iso(c.met_at),
                "state": str(c.state(now)),
                "text": c.text(now),
                "law": c.law,
                "source": c.rule.source,
            }
            for c in row.clocks
        ],
        "external_routes": [
            {
                "name": r.name,
                "source": r.source,
                "within_days": r.within.days if r.within else None,
                "url": r.url,
            }
            for r in row.pack.external_routes
        ],
    }


class AppealIn(Schema):
    withholding_id: str | int = Field(
        description="The withholding of your account or post to appeal."
    )
    text: str = Field(description=f"Why it should be reversed: 1 to {TEXT_MAX_CHARS} characters.")


@router.post(
    PATH,
    openapi_extra=_body_doc(AppealIn.model_json_schema()),
    response={200: AppealOut, **ERRORS},
    summary="Appeal a withholding of your account or post",
)
def file_appeal(request: HttpRequest) -> HttpResponse:
    """Only the owner, while it is in force or within the appeal window; one open appeal at a
    time. A receipt stating the clocks is sent in the app and by e-mail."""
    account = require_user(request, "write:accounts").account
    data = read_body(request, AppealIn)
    withholding = access_own_withholding(data.withholding_id, account=account)
    appeal = do_file_appeal(withholding, text=data.text, acting_user=account)
    return json_response(appeal_json(appeal_row(appeal)))


@router.get(
    PATH,
    response={200: list[AppealOut], **ERRORS},
    summary="Your appeals, newest first, with their clocks",
)
def list_appeals(request: HttpRequest) -> HttpResponse:
    """Every appeal the caller filed (at most 200), decided ones included."""
    account = require_user(request, "read:accounts").account
    now = timezone.now()
    return json_response([appeal_json(appeal_row(a, now)) for a in own_appeals(account)])
