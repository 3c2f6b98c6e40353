"""Reporting from the web, and the moderators' queue: the list, a report's page, its actions.

Every view: sign-in → ``access_*`` (visibility for what a reporter names,
``access_report`` for staff) → one ``do_*`` action → redirect with what was done,
or the page again with the refusal and its status.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tidings.legal.roles import can_use_desk
from tidings.lib.errors import InvalidInput, TidingsError
from tidings.social.actions import (
    do_assign_report,
    do_dismiss_report,
    do_file_report,
    do_limit_account,
    do_moderator_delete_post,
    do_moderator_suspend,
    do_reopen_report,
    do_report_to_demand,
    do_resolve_report,
    do_warn_account,
)
from tidings.social.models import Account, Post
from tidings.social.models_moderation import (
    REPORT_COMMENT_MAX_LENGTH,
    ModerationAppeal,
    ModerationAppealStatus,
    ReportCategory,
    ReportStatus,
)
from tidings.social.reports import access_report, can_moderate, report_queue
from tidings.social.roles import Permission, check_permission
from tidings.visibility import access_account, access_post
from tidings.visibility.evidence import report_evidence
from tidings.web.views.base import handles_errors, sign_in_required, signed_in

QUEUE_PAGE = 50


def _report_form(request: HttpRequest, target: Account, post: Post | None) -> HttpResponse:
    user = signed_in(request)
    context = {
        "target": target,
        "post": post,
        "categories": ReportCategory.choices,
        "max_chars": REPORT_COMMENT_MAX_LENGTH,
        "category": request.POST.get("category", ReportCategory.OTHER),
        "comment": request.POST.get("comment", ""),
    }
    if request.method == "POST":
        try:
            do_file_report(
                target,
                posts=[post] if post else [],
                category=context["category"],
                comment=context["comment"],
                acting_user=user,
            )
        except InvalidInput as error:
            context["error"] = error.message
            return render(request, "web/moderation/report_form.html", context, status=422)
        messages.success(
            request, f"Thank you: your report about @{target.username} is with the moderators."
        )
        return redirect("web:report_sent", handle=target.username)
    return render(request, "web/moderation/report_form.html", context)


@require_http_methods(["GET", "POST"])
@sign_in_required
@handles_errors
def report_account(request: HttpRequest, handle: str) -> HttpResponse:
    """Report an account the signed-in viewer can see."""
    return _report_form(request, access_account(request.viewer, handle), None)  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
@sign_in_required
@handles_errors
def report_post(request: HttpRequest, handle: str, post_id: int) -> HttpResponse:
    """Report one post the signed-in viewer can see (451 where it is withheld, as when read)."""
    post = access_post(request.viewer, post_id)  # type: ignore[attr-defined]
    original = post.repost_of if post.repost_of_id else post
    return _report_form(request, original.author, original)


@sign_in_required
@handles_errors
def report_sent(request: HttpRequest, handle: str) -> HttpResponse:
    """The confirmation after a report (the flash message says what was sent)."""
    return render(request, "web/moderation/report_sent.html", {"handle": handle})


@sign_in_required
@handles_errors
def queue(request: HttpRequest) -> HttpResponse:
    """Reports, open ones first; ``?status=`` and ``?category=`` narrow it."""
    check_permission(signed_in(request), Permission.MODERATE_REPORTS)
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    status = status if status in ReportStatus.values else ""
    category = category if category in ReportCategory.values else ""
    reports = report_queue(status=status, category=category)[:QUEUE_PAGE]
    context = {
        "pending_appeals": ModerationAppeal.objects.filter(
            status=ModerationAppealStatus.PENDING
        ).count(),
        "reports": reports,
        "status": status,
        "category": category,
        "statuses": ReportStatus.choices,
        "categories": ReportCategory.choices,
    }
    return render(request, "web/moderation/queue.html", context)


def _report_page(
    request: HttpRequest, report_id: int, *, error: str = "", status: int = 200
) -> HttpResponse:
    user = signed_in(request)
    report = access_report(user, report_id)
    evidence = report_evidence(
        request.viewer,  # type: ignore[attr-defined]
        report.posts.select_related("author").order_by("id"),
    )
    context = {
        "report": report,
        "evidence": evidence,
        "error": error,
        "moderator": can_moderate(user),
        "legal_staff": can_use_desk(user),
        "is_pending": report.is_pending,
    }
    return render(request, "web/moderation/report.html", context, status=status)


@sign_in_required
@handles_errors
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """One report: who, about whom, the posts as evidence, and the moderators' actions."""
    return _report_page(request, report_id)


def _post_of(report, post_id: str) -> Post:
    post = report.posts.filter(id=post_id if post_id.isdigit() else 0).first()
    if post is None:
        raise InvalidInput("Choose one of the reported posts.")
    return post


ACTIONS = {
    "assign": ("Assigned to you.", lambda r, me, form: do_assign_report(r, assignee=me, acting_user=me)),
    "unassign": ("Unassigned.", lambda r, me, form: do_assign_report(r, assignee=None, acting_user=me)),
    "resolve": ("Resolved.", lambda r, me, form: do_resolve_report(r, acting_user=me)),
    "dismiss": ("Dismissed.", lambda r, me, form: do_dismiss_report(r, acting_user=me)),
    "reopen": ("Reopened.", lambda r, me, form: do_reopen_report(r, acting_user=me)),
    "warn": (
        "The account was warned.",
        lambda r, me, form: do_warn_account(
            r.target, text=form.get("text", ""), report=r, acting_user=me
        ),
    ),
    "limit": (
        "The account was limited.",
        lambda r, me, form: do_limit_account(
            r.target, text=form.get("text", ""), report=r, acting_user=me
        ),
    ),
    "suspend": (
        "The account was suspended.",
        lambda r, me, form: do_moderator_suspend(
            r.target, text=form.get("text", ""), report=r, acting_user=me
        ),
    ),
    "delete_post": (
        "The post was removed.",
        lambda r, me, form: do_moderator_delete_post(
            _post_of(r, form.get("post_id", "")), text=form.get("text", ""), report=r, acting_user=me
        ),
    ),
    "demand": (
        "A draft demand was made on the legal desk.",
        lambda r, me, form: do_report_to_demand(
            r,
            country=form.get("country", ""),
            authority_name=form.get("authority", "") or "User report",
            acting_user=me,
        ),
    ),
}  # fmt: skip


@require_POST
@sign_in_required
@handles_errors
def report_action(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    """Run one of ``ACTIONS`` on the report; the page again with the refusal if it fails."""
    if action not in ACTIONS:
        raise InvalidInput(f"Unknown action {action[:20]!r}.")
    user = signed_in(request)
    report = access_report(user, report_id)
    done, act = ACTIONS[action]
    try:
        act(report, user, request.POST)
    except InvalidInput as error:
        return _report_page(request, report_id, error=error.message, status=422)
    except TidingsError:
        raise
    messages.success(request, done)
    return redirect("web:moderation_report", report_id=report.id)
