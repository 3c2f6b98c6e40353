"""Mastodon's admin API for reports and accounts, for moderators (and admins).

Every endpoint needs a user token with ``admin:read`` (reads) or ``admin:write``
(changes) whose account may handle reports (``Permission.MODERATE_REPORTS``);
anyone else, legal staff included, gets 403. Reported posts and accounts are
shown as ``tidings.visibility.evidence`` lets staff see them: whatever their
privacy or suspension, but never past a withholding in the moderator's country.

``POST /api/v1/admin/accounts/:id/action`` takes ``type`` ``none`` (a warning,
when ``text`` or ``report_id`` is given), ``silence`` (limit: the account's posts
leave public timelines, search and trends but stay for its followers) or
``suspend``; ``disable`` and ``sensitive`` are not offered here and answer 422.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from tidings.api.auth import ApiAuth, require_user
from tidings.api.errors import ApiError
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.api.params import as_bool, body_doc, parse
from tidings.api.serializers import Serializer, iso
from tidings.social.actions import (
    do_assign_report,
    do_limit_account,
    do_moderator_suspend,
    do_reopen_report,
    do_resolve_report,
    do_warn_account,
)
from tidings.social.models import Account, Role
from tidings.social.models_moderation import Report, ReportStatus
from tidings.social.queries import page_by_cursor
from tidings.social.reports import access_report, report_queue
from tidings.social.roles import Permission, check_permission
from tidings.visibility import withheld_account_for
from tidings.visibility.evidence import access_account_as_staff, report_evidence

router = Router(tags=["admin: moderation"])


def _moderator(request: HttpRequest, scope: str) -> ApiAuth:
    auth = require_user(request, scope)
    check_permission(auth.account, Permission.MODERATE_REPORTS)
    return auth


def admin_account_json(ser: Serializer, account: Account) -> dict[str, Any]:
    """Mastodon's Admin::Account; name and bio left out where the account is withheld for staff."""
    public = ser.account(account)
    if withheld_account_for(ser.viewer, account) is not None:
        public.update(display_name="", note="")
    return {
        "id": str(account.id),
        "username": account.username,
        "domain": None,
        "created_at": iso(account.created_at),
        "email": account.email,
        "ip": None,
        "ips": [],
        "locale": "en",
        "invite_request": None,
        "role": {
            "id": account.role,
            "name": Role(account.role).label,
            "color": "",
            "permissions": "0",
            "highlighted": account.role != Role.USER,
        },
        "confirmed": account.email_confirmed_at is not None,
        "approved": account.approved,
        "disabled": not account.is_active,
        "silenced": account.limited_at is not None,
        "suspended": account.is_suspended,
        "sensitized": False,
        "account": public,
    }


def admin_report_json(ser: Serializer, report: Report) -> dict[str, Any]:
    """Mastodon's Admin::Report: its posts as staff may see them (withheld or removed ones left out)."""
    evidence = report_evidence(ser.viewer, report.posts.select_related("author").order_by("id"))
    shown = [e.post for e in evidence if e.state == "shown"]
    resolved = report.status in (ReportStatus.RESOLVED, ReportStatus.DISMISSED)
    return {
        "id": str(report.id),
        "action_taken": resolved,
        "action_taken_at": iso(report.closed_at),
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forward,
        "created_at": iso(report.created_at),
        "updated_at": iso(report.updated_at),
        "account": admin_account_json(ser, report.reporter),
        "target_account": admin_account_json(ser, report.target),
        "assigned_account": admin_account_json(ser, report.assignee) if report.assignee else None,
        "action_taken_by_account": admin_account_json(ser, report.closed_by)
        if report.closed_by
        else None,
        "statuses": ser.statuses(shown),
        "rules": [],
        # Tidings' own: the queue status, what was done, and the demand made of it, if any.
        "status": report.status,
        "action": report.action_taken or None,
        "demand_id": str(report.demand_id) if report.demand_id else None,
    }


class ReportsQuery(PageQuery):
    resolved: str | None = None
    account_id: str | None = None
    target_account_id: str | None = None


def _id_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        raise ApiError(422, "Validation failed: an account id is a number") from None


@router.get("/api/v1/admin/reports", summary="Reports (unresolved unless resolved=true)")
def list_reports(request: HttpRequest, query: Query[ReportsQuery]) -> HttpResponse:
    auth = _moderator(request, "admin:read")
    reports = report_queue(
        resolved=as_bool(query.resolved),
        reporter_id=_id_or_none(query.account_id),
        target_id=_id_or_none(query.target_account_id),
    )
    page = page_by_cursor(reports.order_by(), "id", cursor(request, default_limit=40), 40)
    ser = Serializer(request, auth.viewer)
    return paged_response(request, [admin_report_json(ser, r) for r in page], [r.id for r in page])


@router.get("/api/v1/admin/reports/{report_id}", summary="A report")
def get_report(request: HttpRequest, report_id: str) -> HttpResponse:
    auth = _moderator(request, "admin:read")
    report = access_report(auth.account, report_id)
    return json_response(admin_report_json(Serializer(request, auth.viewer), report))


def _change(request: HttpRequest, report_id: str, change) -> HttpResponse:
    auth = _moderator(request, "admin:write")
    report = access_report(auth.account, report_id)
    change(report, auth.account)
    report = access_report(auth.account, report_id)
    return json_response(admin_report_json(Serializer(request, auth.viewer), report))


@router.post("/api/v1/admin/reports/{report_id}/assign_to_self", summary="Assign to me")
def assign_to_self(request: HttpRequest, report_id: str) -> HttpResponse:
    return _change(
        request, report_id, lambda r, me: do_assign_report(r, assignee=me, acting_user=me)
    )


@router.post("/api/v1/admin/reports/{report_id}/unassign", summary="Unassign")
def unassign(request: HttpRequest, report_id: str) -> HttpResponse:
    return _change(
        request, report_id, lambda r, me: do_assign_report(r, assignee=None, acting_user=me)
    )


@router.post("/api/v1/admin/reports/{report_id}/resolve", summary="Resolve")
def resolve(request: HttpRequest, report_id: str) -> HttpResponse:
    return _change(request, report_id, lambda r, me: do_resolve_report(r, acting_user=me))


@router.post("/api/v1/admin/reports/{report_id}/reopen", summary="Reopen")
def reopen(request: HttpRequest, report_id: str) -> HttpResponse:
    return _change(request, report_id, lambda r, me: do_reopen_report(r, acting_user=me))


class AccountsQuery(PageQuery):
    local: str | None = None
    remote: str | None = None
    active: str | None = None
    pending: str | None = None
    disabled: str | None = None
    silenced: str | None = None
    suspended: str | None = None
    staff: str | None = None
    username: str | None = None


@router.get("/api/v1/admin/accounts", summary="Accounts (v1 filters)")
def list_accounts(request: HttpRequest, query: Query[AccountsQuery]) -> HttpResponse:
    auth = _moderator(request, "admin:read")
    accounts = Account.objects.all()
    if as_bool(query.remote):
        accounts = accounts.none()  # no remote accounts here
    if as_bool(query.silenced):
        accounts = accounts.filter(limited_at__isnull=False)
    if as_bool(query.active):
        accounts = accounts.filter(suspended_at__isnull=True, is_active=True, approved=True)
    if as_bool(query.pending):
        accounts = accounts.filter(approved=False)
    if as_bool(query.disabled):
        accounts = accounts.filter(is_active=False)
    if as_bool(query.suspended):
        accounts = accounts.filter(suspended_at__isnull=False)
    if as_bool(query.staff):
        accounts = accounts.exclude(role=Role.USER)
    if query.username:
        accounts = accounts.filter(username__istartswith=query.username.strip()[:30])
    page = page_by_cursor(accounts, "id", cursor(request, default_limit=100), 100)
    ser = Serializer(request, auth.viewer)
    return paged_response(request, [admin_account_json(ser, a) for a in page], [a.id for a in page])


@router.get("/api/v1/admin/accounts/{account_id}", summary="An account")
def get_account(request: HttpRequest, account_id: str) -> HttpResponse:
    auth = _moderator(request, "admin:read")
    account = access_account_as_staff(account_id)
    return json_response(admin_account_json(Serializer(request, auth.viewer), account))


class AccountActionIn(Schema):
    type: str = "none"
    text: str = ""
    report_id: str | None = None
    warning_preset_id: str | None = None
    send_email_notification: bool | str = True


@router.post(
    "/api/v1/admin/accounts/{account_id}/action",
    openapi_extra=body_doc(AccountActionIn),
    summary="Warn, limit or suspend an account",
)
def account_action(request: HttpRequest, account_id: str) -> HttpResponse:
    auth = _moderator(request, "admin:write")
    data = parse(request, AccountActionIn)
    account = access_account_as_staff(account_id)
    report = access_report(auth.account, data.report_id) if data.report_id else None
    if data.type == "suspend":
        do_moderator_suspend(account, text=data.text, report=report, acting_user=auth.account)
    elif data.type == "silence":
        do_limit_account(account, text=data.text, report=report, acting_user=auth.account)
    elif data.type == "none":
        if data.text.strip() or report is not None:
            do_warn_account(account, text=data.text, report=report, acting_user=auth.account)
    elif data.type in ("disable", "sensitive"):
        raise ApiError(
            422, f"Validation failed: The action {data.type!r} is not offered; warn or suspend"
        )
    else:
        raise ApiError(422, f"Validation failed: Unknown action type {data.type[:20]!r}")
    return json_response({})
