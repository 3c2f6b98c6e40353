"""Appeals of moderators' actions in the API, shaped like the legal appeals (``tidings.api.appeals``).

The account: ``POST /api/v1/tidings/moderation_appeals`` (``write:accounts``) and
``GET /api/v1/tidings/moderation_appeals`` (``read:accounts``); a notice sent to
someone else answers 404, as one that does not exist. A suspended account's
tokens are refused (``tidings.api.auth``): it appeals on the web, where its
session reaches exactly its notices (``tidings.web.suspended``).

Moderators: ``/api/v1/admin/moderation/appeals`` (``admin:read`` / ``admin:write``,
``Permission.MODERATE_REPORTS``; legal staff get 403, as moderators do on the
legal appeals). Each change is one action of
``tidings.social.actions.moderation_appeals``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from tidings.api.admin_legal import ERRORS, _body_doc, read_body
from tidings.api.admin_legal_queries import check_id
from tidings.api.auth import require_user
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.api.serializers import iso
from tidings.lib.errors import InvalidInput, NotFound
from tidings.social.actions.moderation_appeals import (
    do_approve_moderation_appeal,
    do_file_moderation_appeal,
    do_reject_moderation_appeal,
)
from tidings.social.models import Account
from tidings.social.models_moderation import (
    APPEAL_REASON_MAX_LENGTH,
    APPEAL_TEXT_MAX_LENGTH,
    ModerationAppeal,
)
from tidings.social.moderation_appeals import (
    access_moderation_appeal,
    access_own_notice,
    appeal_closes_at,
    check_appeal_moderator,
    own_moderation_appeals,
)
from tidings.social.queries import page_by_cursor

router = Router(tags=["appeals"])

PATH = "/api/v1/tidings/moderation_appeals"
ADMIN_PREFIX = "/api/v1/admin/moderation/appeals"


class ModerationAppealOut(Schema):
    id: str
    notice_id: str
    action: str = Field(description="warn, limit, suspend or delete_post")
    appellant_id: str
    text: str
    status: str = Field(description="pending, approved or rejected")
    filed_at: str
    appeal_closes_at: str = Field(description="The last moment the notice could be appealed.")
    decided_at: str | None
    decision_reason: str
    reversal_note: str = Field(description="What approving could not undo, e.g. a removed post.")
    overturned: bool = Field(description="The action no longer counts against the account.")


def moderation_appeal_json(appeal: ModerationAppeal) -> dict[str, Any]:
    notice = appeal.notice
    return {
        "id": str(appeal.id),
        "notice_id": str(notice.id),
        "action": notice.action,
        "appellant_id": str(appeal.appellant_id),
        "text": appeal.text,
        "status": appeal.status,
        "filed_at": iso(appeal.filed_at),
        "appeal_closes_at": iso(appeal_closes_at(notice)),
        "decided_at": iso(appeal.decided_at),
        "decision_reason": appeal.decision_reason,
        "reversal_note": appeal.reversal_note,
        "overturned": notice.overturned_at is not None,
    }


class ModerationAppealIn(Schema):
    notice_id: str | int = Field(description="The moderation notice (the action) to appeal.")
    text: str = Field(
        description=f"Why it should be reversed: 1 to {APPEAL_TEXT_MAX_LENGTH} characters."
    )


@router.post(
    PATH,
    openapi_extra=_body_doc(ModerationAppealIn.model_json_schema()),
    response={200: ModerationAppealOut, **ERRORS},
    summary="Appeal a moderator's action against your account or post",
)
def file_appeal(request: HttpRequest) -> HttpResponse:
    """Once per action, within the appeal window (TIDINGS_MODERATION_APPEAL_DAYS, 20 days)."""
    account = require_user(request, "write:accounts").account
    data = read_body(request, ModerationAppealIn)
    notice = access_own_notice(data.notice_id, account=account)
    appeal = do_file_moderation_appeal(notice, text=data.text, acting_user=account)
    return json_response(moderation_appeal_json(appeal))


@router.get(
    PATH,
    response={200: list[ModerationAppealOut], **ERRORS},
    summary="Your appeals of moderators' actions, newest first",
)
def list_appeals(request: HttpRequest) -> HttpResponse:
    """Every moderation appeal the caller filed (at most 200), decided ones included."""
    account = require_user(request, "read:accounts").account
    return json_response([moderation_appeal_json(a) for a in own_moderation_appeals(account)])


# -- moderators -------------------------------------------------------------------------


class AdminModerationAppealOut(ModerationAppealOut):
    appellant_username: str
    decided_by_id: str | None
    report_id: str | None


def admin_moderation_appeal_json(appeal: ModerationAppeal) -> dict[str, Any]:
    return {
        **moderation_appeal_json(appeal),
        "appellant_username": appeal.appellant.username,
        "decided_by_id": str(appeal.decided_by_id) if appeal.decided_by_id else None,
        "report_id": str(appeal.notice.report_id) if appeal.notice.report_id else None,
    }


def _moderator(request: HttpRequest, scope: str) -> Account:
    account = require_user(request, scope).account
    check_appeal_moderator(account)
    return account


def _access(request: HttpRequest, appeal_id: str, scope: str) -> tuple[Account, ModerationAppeal]:
    account = _moderator(request, scope)
    try:
        number = check_id(appeal_id, "The appeal id")
    except InvalidInput:
        raise NotFound("There is no such appeal.") from None
    return account, access_moderation_appeal(number, acting_user=account)


class AppealsQuery(PageQuery):
    status: Literal["pending", "all", "approved", "rejected"] = Field(
        "pending", description="pending (the default), all, or one status."
    )


@router.get(
    ADMIN_PREFIX,
    response={200: list[AdminModerationAppealOut], **ERRORS},
    summary="Appeals of moderators' actions, newest first (pending ones unless asked)",
    tags=["admin: moderation"],
)
def admin_list_appeals(request: HttpRequest, query: Query[AppealsQuery]) -> HttpResponse:
    """Paged like every list (``max_id``/``since_id``/``min_id``/``limit``, ``Link`` header)."""
    _moderator(request, "admin:read")
    rows = ModerationAppeal.objects.select_related("appellant", "notice")
    if query.status != "all":
        rows = rows.filter(status=query.status)
    page = page_by_cursor(rows, "id", cursor(request), cursor(request).limit)
    return paged_response(
        request, [admin_moderation_appeal_json(a) for a in page], [a.id for a in page]
    )


@router.get(
    f"{ADMIN_PREFIX}/{{appeal_id}}",
    response={200: AdminModerationAppealOut, **ERRORS},
    summary="One appeal of a moderator's action",
    tags=["admin: moderation"],
)
def admin_get_appeal(request: HttpRequest, appeal_id: str) -> HttpResponse:
    """404 for an unknown id."""
    _, appeal = _access(request, appeal_id, "admin:read")
    return json_response(admin_moderation_appeal_json(appeal))


def _decide(
    request: HttpRequest, appeal_id: str, decide: Callable[..., ModerationAppeal]
) -> HttpResponse:
    """Approve or reject (``decide``) with the body's reason; the appeal as it now stands."""
    account, appeal = _access(request, appeal_id, "admin:write")
    data = read_body(request, DecisionIn)
    decided = decide(appeal, reason=data.reason, acting_user=account)
    return json_response(
        admin_moderation_appeal_json(access_moderation_appeal(decided.id, acting_user=account))
    )


class DecisionIn(Schema):
    reason: str = Field(
        "", description=f"Why; required, sent to the account (at most {APPEAL_REASON_MAX_LENGTH})."
    )


@router.post(
    f"{ADMIN_PREFIX}/{{appeal_id}}/approve",
    openapi_extra=_body_doc(DecisionIn.model_json_schema()),
    response={200: AdminModerationAppealOut, **ERRORS},
    summary="Approve an appeal: the action is reversed (a removed post stays removed)",
    tags=["admin: moderation"],
)
def admin_approve(request: HttpRequest, appeal_id: str) -> HttpResponse:
    """A 422 when already decided (naming who decided) or without a reason."""
    return _decide(request, appeal_id, do_approve_moderation_appeal)


@router.post(
    f"{ADMIN_PREFIX}/{{appeal_id}}/reject",
    openapi_extra=_body_doc(DecisionIn.model_json_schema()),
    response={200: AdminModerationAppealOut, **ERRORS},
    summary="Reject an appeal: the action stands; the account is told why",
    tags=["admin: moderation"],
)
def admin_reject(request: HttpRequest, appeal_id: str) -> HttpResponse:
    """A 422 when already decided (naming who decided) or without a reason."""
    return _decide(request, appeal_id, do_reject_moderation_appeal)
