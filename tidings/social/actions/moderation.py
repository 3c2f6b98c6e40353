"""User reports and moderators' decisions: filing, assigning, closing, and acting on an account.

Lock order (DESIGN invariant 9, ``tidings.lib.locks``): the reporter's account row,
then the report row (taken first thing by an action on the account a report is
about), then the post (``remove_post``), and the audit chain head last.
Every action that reaches an account sends it a notice (``moderation_notices``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.actions.accounts import do_suspend_account
from tidings.social.actions.posts import remove_post
from tidings.social.models import Account, Post, Role
from tidings.social.models_moderation import (
    OPEN_REPORTS_PER_TARGET,
    PENDING_STATUSES,
    REPORT_COMMENT_MAX_LENGTH,
    REPORT_MAX_POSTS,
    ModerationAction,
    Report,
    ReportCategory,
    ReportStatus,
)
from tidings.social.moderation_notices import create_moderation_notice
from tidings.social.roles import Permission, check_permission

NOTE_MAX_LENGTH = 1000

__all__ = [
    "do_assign_report",
    "do_dismiss_report",
    "do_file_report",
    "do_limit_account",
    "do_moderator_delete_post",
    "do_moderator_suspend",
    "do_reopen_report",
    "do_report_to_demand",
    "do_resolve_report",
    "do_unlimit_account",
    "do_warn_account",
]


def check_text(text: str | None, what: str, limit: int) -> str:
    text = text or ""
    if "\x00" in text:
        raise InvalidInput(f"The {what} contains a NUL character.")
    if len(text) > limit:
        raise InvalidInput(
            f"The {what} is at most {limit:,} characters; this one has {len(text):,}."
        )
    return text


def check_category(category: str | None) -> str:
    category = (category or ReportCategory.OTHER).strip().lower()
    if category not in ReportCategory.values:
        raise InvalidInput(
            f"Unknown category {category[:20]!r}; choose one of {', '.join(ReportCategory.values)}."
        )
    return category


def check_moderator(acting_user: Account) -> Account:
    return check_permission(acting_user, Permission.MODERATE_REPORTS)


def _check_may_act_on(acting_user: Account, account: Account) -> None:
    """Moderators act on ordinary users; staff accounts answer to an admin."""
    check_moderator(acting_user)
    if acting_user.id == account.id:
        raise NotPermitted("You cannot moderate your own account.")
    if account.role != Role.USER and acting_user.role != Role.ADMIN:
        raise NotPermitted("Only an admin can act on a staff account.")


@transaction.atomic
def do_file_report(
    target: Account,
    *,
    posts: Sequence[Post] = (),
    category: str = ReportCategory.OTHER,
    comment: str = "",
    forward: bool = False,
    acting_user: Account,
) -> Report:
    """A new open report by ``acting_user`` about ``target`` and some of its posts.

    The caller fetched ``target`` and ``posts`` through ``tidings.visibility`` as the
    reporter, so nobody reports what they may not see. At most
    ``OPEN_REPORTS_PER_TARGET`` pending reports per reporter and target.
    """
    if target.id == acting_user.id:
        raise InvalidInput("You cannot report yourself.")
    category = check_category(category)
    comment = check_text(comment, "comment", REPORT_COMMENT_MAX_LENGTH)
    posts = list({p.id: p for p in posts}.values())
    if len(posts) > REPORT_MAX_POSTS:
        raise InvalidInput(f"A report names at most {REPORT_MAX_POSTS} posts.")
    if any(p.author_id != target.id for p in posts):
        raise InvalidInput("A report names only posts of the account reported.")
    # Under the reporter's row lock: two simultaneous reports cannot both pass the limit.
    Account.objects.select_for_update().filter(id=acting_user.id).first()
    pending = Report.objects.filter(
        reporter=acting_user, target=target, status__in=PENDING_STATUSES
    ).count()
    if pending >= OPEN_REPORTS_PER_TARGET:
        raise InvalidInput(
            f"You already have {pending} open reports about @{target.username}; "
            "a moderator will look at them."
        )
    report = Report.objects.create(
        reporter=acting_user,
        target=target,
        category=category,
        comment=comment,
        forward=bool(forward),
    )
    report.posts.set(posts)
    record_event(
        "report.file",
        actor_id=acting_user.id,
        subject_type="report",
        subject_id=report.id,
        data={
            "target": target.id,
            "posts": [p.id for p in posts],
            "category": category,
            "comment_length": len(comment),
        },
    )
    return report


def _locked(report: Report) -> Report:
    fresh = Report.objects.select_for_update().get(id=report.id)
    report.__dict__.update(fresh.__dict__)
    return report


def _save(report: Report, fields: list[str]) -> None:
    report.updated_at = timezone.now()
    report.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def do_assign_report(report: Report, *, assignee: Account | None, acting_user: Account) -> Report:
    """Assign a pending report to ``assignee`` (a moderator), or unassign it (``None``)."""
    check_moderator(acting_user)
    if assignee is not None:
        check_moderator(assignee)
    _locked(report)
    if not report.is_pending:
        raise InvalidInput("This report is closed; reopen it first.")
    report.assignee = assignee
    report.status = ReportStatus.ASSIGNED if assignee else ReportStatus.OPEN
    _save(report, ["assignee", "status"])
    record_event(
        "report.assign" if assignee else "report.unassign",
        actor_id=acting_user.id,
        subject_type="report",
        subject_id=report.id,
        data={"assignee": assignee.id if assignee else None},
    )
    return report


def _close(report: Report, status: str, action_taken: str, acting_user: Account) -> None:
    report.status = status
    report.action_taken = action_taken
    report.closed_at = timezone.now()
    report.closed_by = acting_user
    _save(report, ["status", "action_taken", "closed_at", "closed_by"])


@transaction.atomic
def do_resolve_report(
    report: Report, *, action_taken: str = ModerationAction.NONE, acting_user: Account
) -> Report:
    """Close a report as dealt with; resolving a closed one changes nothing."""
    check_moderator(acting_user)
    _locked(report)
    if report.is_pending:
        _close(report, ReportStatus.RESOLVED, action_taken, acting_user)
        record_event(
            "report.resolve",
            actor_id=acting_user.id,
            subject_type="report",
            subject_id=report.id,
            data={"action": action_taken},
        )
    return report


@transaction.atomic
def do_dismiss_report(report: Report, *, acting_user: Account) -> Report:
    """Close a report as needing nothing done; dismissing a closed one changes nothing."""
    check_moderator(acting_user)
    _locked(report)
    if report.is_pending:
        _close(report, ReportStatus.DISMISSED, ModerationAction.NONE, acting_user)
        record_event(
            "report.dismiss", actor_id=acting_user.id, subject_type="report", subject_id=report.id
        )
    return report


@transaction.atomic
def do_reopen_report(report: Report, *, acting_user: Account) -> Report:
    """Put a closed report back in the queue, unassigned (what was done to the account stays)."""
    check_moderator(acting_user)
    _locked(report)
    if not report.is_pending:
        report.status, report.assignee = ReportStatus.OPEN, None
        report.closed_at = report.closed_by = None
        _save(report, ["status", "assignee", "closed_at", "closed_by"])
        record_event(
            "report.reopen", actor_id=acting_user.id, subject_type="report", subject_id=report.id
        )
    return report


def _check_report_about(report: Report | None, account: Account) -> None:
    """``report`` (if any) is about ``account``; its row is locked now, before any other."""
    if report is None:
        return
    if report.target_id != account.id:
        raise InvalidInput("That report is about another account.")
    _locked(report)


def _resolve_with(report: Report | None, action: str, acting_user: Account) -> None:
    if report is not None:
        do_resolve_report(report, action_taken=action, acting_user=acting_user)


@transaction.atomic
def do_warn_account(
    account: Account, *, text: str, report: Report | None = None, acting_user: Account
) -> Report | None:
    """Send ``account`` a warning (nothing else changes); resolves ``report`` if given."""
    _check_may_act_on(acting_user, account)
    _check_report_about(report, account)
    text = check_text(text, "note", NOTE_MAX_LENGTH)
    notice = create_moderation_notice(account, ModerationAction.WARN, text=text, report=report)
    record_event(
        "moderation.warn",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=account.id,
        data={"report": report.id if report else None, "notice": notice.id},
    )
    _resolve_with(report, ModerationAction.WARN, acting_user)
    return report


@transaction.atomic
def do_limit_account(
    account: Account, *, text: str, report: Report | None = None, acting_user: Account
) -> Account:
    """Keep ``account``'s posts off public timelines, hashtag pages, search and trends
    (``tidings.visibility``); its followers and its profile still show them."""
    _check_may_act_on(acting_user, account)
    _check_report_about(report, account)
    text = check_text(text, "note", NOTE_MAX_LENGTH)
    Account.objects.filter(id=account.id).update(limited_at=timezone.now())
    account.refresh_from_db(fields=["limited_at"])
    notice = create_moderation_notice(account, ModerationAction.LIMIT, text=text, report=report)
    record_event(
        "moderation.limit",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=account.id,
        data={"report": report.id if report else None, "notice": notice.id},
    )
    _resolve_with(report, ModerationAction.LIMIT, acting_user)
    return account


@transaction.atomic
def do_unlimit_account(account: Account, *, acting_user: Account) -> Account:
    """Lift a limit; lifting where there is none changes nothing."""
    _check_may_act_on(acting_user, account)
    if Account.objects.filter(id=account.id, limited_at__isnull=False).update(limited_at=None):
        record_event(
            "moderation.unlimit",
            actor_id=acting_user.id,
            subject_type="account",
            subject_id=account.id,
        )
    account.refresh_from_db(fields=["limited_at"])
    return account


@transaction.atomic
def do_moderator_suspend(
    account: Account, *, text: str, report: Report | None = None, acting_user: Account
) -> Account:
    """Suspend ``account`` (``do_suspend_account``), tell it why and how to contest it."""
    _check_may_act_on(acting_user, account)
    _check_report_about(report, account)
    text = check_text(text, "note", NOTE_MAX_LENGTH)
    reason = f"report {report.id}" if report else "moderation"
    do_suspend_account(
        account, reason=f"{reason}: {text}" if text else reason, acting_user=acting_user
    )
    create_moderation_notice(account, ModerationAction.SUSPEND, text=text, report=report)
    _resolve_with(report, ModerationAction.SUSPEND, acting_user)
    return account


@transaction.atomic
def do_moderator_delete_post(
    post: Post, *, text: str, report: Report | None = None, acting_user: Account
) -> Post:
    """Remove ``post`` for a moderator: always a tombstone (a report points at it).

    Its text goes unless a legal hold preserves it, exactly as when its author deletes it.
    ``report`` stays pending: it may name more posts; the moderator resolves it after.
    """
    author = post.author
    _check_may_act_on(acting_user, author)
    _check_report_about(report, author)
    text = check_text(text, "note", NOTE_MAX_LENGTH)
    if remove_post(
        post,
        action="moderation.delete_post",
        actor_id=acting_user.id,
        keep_tombstone=True,
        data={"report": report.id if report else None},
    ):
        create_moderation_notice(
            author,
            ModerationAction.DELETE_POST,
            text=text,
            report=report,
            post=post,
            post_date=f"{post.created_at:%d %B %Y} (id {post.id})",
        )
    post.refresh_from_db()
    return post


def report_urls(report: Report) -> list[str]:
    """The reported posts' URLs (or the account's, when no post is named), as an order lists them."""
    base = f"https://{settings.DOMAIN}/@{report.target.username}"
    posts = report.posts.order_by("id").values_list("id", flat=True)
    return [f"{base}/{post_id}" for post_id in posts] or [base]


@transaction.atomic
def do_report_to_demand(
    report: Report,
    *,
    country: str,
    authority_name: str = "User report",
    acting_user: Account,
):
    """Turn a report in category ``legal`` into a draft demand on the legal desk (status received).

    Legal staff only; the demand is made by the intake action, one line per reported
    URL, its reference naming the report, which links to it in turn. Once per report.
    """
    from tidings.legal.actions.intake import do_import_demand
    from tidings.legal.models import AuthorityKind
    from tidings.legal.roles import check_desk_access

    check_desk_access(acting_user)
    _locked(report)
    if report.category != ReportCategory.LEGAL:
        raise InvalidInput("Only a report of illegal content can become a demand.")
    if report.demand_id is not None:
        raise InvalidInput(f"This report is already demand {report.demand_id}.")
    authority_name = check_text(authority_name, "authority", 200).strip() or "User report"
    result = do_import_demand(
        "\n".join(report_urls(report)),
        authority_name=authority_name,
        authority_kind=AuthorityKind.OTHER,
        country=country,
        reference=f"User report {report.id}",
        confidential=False,
        acting_user=acting_user,
    )
    demand = result.demand
    report.demand_id = demand.id
    _save(report, ["demand_id"])
    record_event(
        "report.to_demand",
        actor_id=acting_user.id,
        subject_type="report",
        subject_id=report.id,
        data={"demand": demand.id},
    )
    return demand
