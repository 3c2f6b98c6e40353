"""Reading reports: who may open one, and the moderation queue (open first, filtered)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from tidings.lib.errors import NotFound, NotPermitted
from tidings.social.models import Account
from tidings.social.models_moderation import PENDING_STATUSES, Report, ReportCategory
from tidings.social.roles import Permission, has_permission


def can_moderate(account: Account | None) -> bool:
    return has_permission(account, Permission.MODERATE_REPORTS)


def can_open_report(account: Account | None, report: Report) -> bool:
    """Moderators open every report; legal staff those about illegal content (to make a demand)."""
    return can_moderate(account) or (
        report.category == ReportCategory.LEGAL
        and has_permission(account, Permission.USE_LEGAL_DESK)
    )


def access_report(account: Account | None, report_id: int | str) -> Report:
    """The report if ``account`` may open it; ``NotFound`` or ``NotPermitted`` otherwise."""
    if not (can_moderate(account) or has_permission(account, Permission.USE_LEGAL_DESK)):
        raise NotPermitted("Only moderators and admins can handle reports.")
    try:
        report = (
            Report.objects.select_related("reporter", "target", "assignee", "closed_by")
            .filter(id=int(report_id))
            .first()
        )
    except (TypeError, ValueError, OverflowError):
        report = None
    if report is None:
        raise NotFound("Record not found")
    if not can_open_report(account, report):
        raise NotPermitted("Only moderators and admins can handle reports.")
    return report


def report_queue(
    *,
    resolved: bool | None = None,
    status: str = "",
    category: str = "",
    target_id: int | None = None,
    reporter_id: int | None = None,
    assignee_id: int | None = None,
) -> QuerySet[Report]:
    """Reports, open ones first then newest first, narrowed by the filters given."""
    reports = Report.objects.select_related("reporter", "target", "assignee", "closed_by")
    if resolved is not None:
        reports = (
            reports.exclude(status__in=PENDING_STATUSES)
            if resolved
            else reports.filter(status__in=PENDING_STATUSES)
        )
    if status:
        reports = reports.filter(status=status)
    if category:
        reports = reports.filter(category=category)
    if target_id is not None:
        reports = reports.filter(target_id=target_id)
    if reporter_id is not None:
        reports = reports.filter(reporter_id=reporter_id)
    if assignee_id is not None:
        reports = reports.filter(assignee_id=assignee_id)
    pending_first = Case(
        When(status__in=PENDING_STATUSES, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return reports.annotate(closed=pending_first).order_by("closed", "-id")
