"""Reporting an account and its posts (``POST /api/v1/reports``), as Mastodon clients do it.

A reporter names only what they can see: the account and each post are fetched
through ``tidings.visibility`` as the reporter, so a post withheld in their
country answers 451 here as it does when read, and one they cannot see 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from tidings.api.auth import require_user
from tidings.api.errors import ApiError
from tidings.api.pagination import json_response
from tidings.api.params import as_bool, body_doc, parse
from tidings.api.serializers import Serializer, iso
from tidings.social.actions import do_file_report
from tidings.social.models_moderation import REPORT_MAX_POSTS, Report
from tidings.visibility import access_account, access_post

router = Router(tags=["reports"])


class ReportIn(Schema):
    account_id: str = ""
    status_ids: list[str] | str = []
    comment: str = ""
    category: str = "other"
    forward: bool | str = False
    rule_ids: list[str] | str = []  # accepted and ignored: the server has no numbered rules


def report_json(ser: Serializer, report: Report) -> dict[str, Any]:
    """Mastodon's Report entity, as the reporter sees it."""
    return {
        "id": str(report.id),
        "action_taken": report.status == "resolved",
        "action_taken_at": iso(report.closed_at) if report.status == "resolved" else None,
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forward,
        "created_at": iso(report.created_at),
        "status_ids": [str(i) for i in report.posts.order_by("id").values_list("id", flat=True)]
        or None,
        "rule_ids": None,
        "target_account": ser.account(report.target),
    }


@router.post("/api/v1/reports", openapi_extra=body_doc(ReportIn), summary="Report an account")
def file_report(request: HttpRequest) -> HttpResponse:
    auth = require_user(request, "write:reports")
    data = parse(request, ReportIn)
    if not data.account_id:
        raise ApiError(422, "Validation failed: account_id is required")
    target = access_account(auth.viewer, data.account_id, by_id=True)
    ids = [data.status_ids] if isinstance(data.status_ids, str) else data.status_ids
    if len(ids) > REPORT_MAX_POSTS:
        raise ApiError(422, f"Validation failed: A report names at most {REPORT_MAX_POSTS} posts")
    posts = [access_post(auth.viewer, i) for i in ids if str(i).strip()]
    report = do_file_report(
        target,
        posts=posts,
        category=data.category,
        comment=data.comment,
        forward=as_bool(data.forward),
        acting_user=auth.account,
    )
    return json_response(report_json(Serializer(request, auth.viewer), report))


@router.post("/api/v1/reports/", include_in_schema=False)
def file_report_slash(request: HttpRequest) -> HttpResponse:
    """The same, where Mastodon.py sends it (with a trailing slash)."""
    return file_report(request)
