"""The legal desk's "due soon / overdue" clocks in the admin API.

``GET /api/v1/admin/legal/clocks``: every open clock of a demand or an appeal
that is overdue or due within 24 hours, soonest first (the dashboard's list).
Needs a token with ``admin:read`` whose account may use the desk; anyone else
gets 403.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema

from tidings.api.admin_legal import ERRORS, PREFIX, desk_user
from tidings.api.admin_legal_serializers import RulePackOut
from tidings.api.pagination import json_response
from tidings.api.serializers import iso
from tidings.legal.clock_queries import DueClock, access_due_clocks

router = Router(tags=["admin: legal desk"])


class DueClockOut(Schema):
    """An open clock: what it belongs to, when it is due (UTC) and the rule it comes from."""

    subject: str
    demand_id: str | None
    appeal_id: str | None
    title: str
    key: str
    label: str
    due_at: str
    due_local: str
    state: Literal["due", "overdue"]
    text: str
    law: bool
    source: str
    rule_pack: RulePackOut


def due_clock_json(due: DueClock) -> dict[str, Any]:
    c = due.clock
    return {
        "subject": due.subject,
        "demand_id": str(due.demand.id) if due.demand is not None else None,
        "appeal_id": str(due.appeal.id) if due.appeal is not None else None,
        "title": due.title,
        "key": str(c.key),
        "label": c.label,
        "due_at": iso(c.due_at),
        "due_local": c.due_local,
        "state": str(due.state),
        "text": due.text,
        "law": c.law,
        "source": c.source,
        "rule_pack": {"code": due.pack.code, "name": due.pack.name},
    }


@router.get(
    f"{PREFIX}/clocks",
    response={200: list[DueClockOut], **ERRORS},
    summary="Clocks overdue or due within 24 hours, soonest first",
)
def due_clocks(request: HttpRequest) -> HttpResponse:
    """Open clocks of demands (not withdrawn) and undecided appeals; the dashboard's list."""
    account = desk_user(request, "admin:read")
    rows = access_due_clocks(acting_user=account, now=timezone.now())
    return json_response([due_clock_json(d) for d in rows])
