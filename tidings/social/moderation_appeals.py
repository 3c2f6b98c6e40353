"""Reads for appeals against moderators' actions: the window, who may file, the queue.

A moderation action is recorded as the ``ModerationNotice`` sent to the account
(Mastodon's "strike"); the account may appeal it once, within
``TIDINGS_MODERATION_APPEAL_DAYS`` days of the notice. Accounts reach only their
own notices (``access_own_notice`` answers ``NotFound`` for anyone else's);
moderators reach every appeal (``access_moderation_appeal``). Legal staff have
no say here, as moderators have none over legal appeals (``tidings.legal.appeals``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tidings.lib.errors import NotFound
from tidings.lib.ids import row_id
from tidings.social.models import Account
from tidings.social.models_moderation import (
    ModerationAction,
    ModerationAppeal,
    ModerationAppealStatus,
    ModerationNotice,
)
from tidings.social.roles import Permission, check_permission

QUEUE_PAGE_SIZE = 100


def appeal_window() -> timedelta:
    return timedelta(days=settings.TIDINGS_MODERATION_APPEAL_DAYS)


def appeal_closes_at(notice: ModerationNotice) -> datetime:
    """The last moment ``notice`` may be appealed."""
    return notice.created_at + appeal_window()


def appeal_form_url(notice: ModerationNotice) -> str:
    """The absolute address of the notice's page, where its appeal form is (for mail and in-app)."""
    return f"https://{settings.DOMAIN}{reverse('web:moderation_notice', args=[notice.id])}"


def filing_refusal(
    notice: ModerationNotice, account: Account | None, now: datetime | None = None
) -> str:
    """Why ``account`` cannot appeal ``notice`` now ("" when it can): the one rule for the
    action, the page and the API."""
    if account is None or notice.recipient_id != account.id:
        return "Only the account this action was taken against can appeal it."
    if notice.action == ModerationAction.NONE:
        return "There is nothing to appeal in this notice."
    if ModerationAppeal.objects.filter(notice_id=notice.id).exists():
        return f"You already appealed {notice.reference}; an action is appealed once."
    if notice.overturned_at is not None:
        return f"{notice.reference} was already overturned."
    closes = appeal_closes_at(notice)
    if (now or timezone.now()) > closes:
        return f"The time to appeal {notice.reference} ended on {closes:%d %B %Y}."
    return ""


def access_own_notice(notice_id: object, *, account: Account) -> ModerationNotice:
    """The notice if it was sent to ``account``; ``NotFound`` for anyone else's, or none."""
    number = row_id(notice_id)
    notice = (
        ModerationNotice.objects.select_related("post").filter(id=number).first()
        if number
        else None
    )
    if notice is None or notice.recipient_id != account.id:
        raise NotFound("There is no such moderation notice for your account.")
    return notice


def own_notices(account: Account) -> list[ModerationNotice]:
    """The moderation notices sent to ``account``, newest first, with their appeals."""
    return list(
        ModerationNotice.objects.filter(recipient_id=account.id)
        .exclude(action=ModerationAction.NONE)
        .select_related("appeal")
        .order_by("-created_at", "-id")[:200]
    )


def appealable_notices(account: Account, now: datetime | None = None) -> list[ModerationNotice]:
    """The notices ``account`` may still appeal, newest first."""
    now = now or timezone.now()
    return [n for n in own_notices(account) if not filing_refusal(n, account, now)]


def _appeals() -> QuerySet[ModerationAppeal]:
    return ModerationAppeal.objects.select_related(
        "appellant", "decided_by", "notice__post", "notice__report"
    )


def own_moderation_appeals(account: Account) -> list[ModerationAppeal]:
    """The moderation appeals ``account`` filed, newest first."""
    return list(_appeals().filter(appellant_id=account.id).order_by("-filed_at", "-id")[:200])


def check_appeal_moderator(account: Account | None) -> Account:
    return check_permission(account, Permission.MODERATE_REPORTS)


def access_moderation_appeal(appeal_id: object, *, acting_user: Account | None) -> ModerationAppeal:
    """The appeal, for moderators; ``NotPermitted`` for anyone else, ``NotFound`` if none."""
    check_appeal_moderator(acting_user)
    number = row_id(appeal_id)
    appeal = _appeals().filter(id=number).first() if number else None
    if appeal is None:
        raise NotFound("There is no such appeal.")
    return appeal


def moderation_appeal_queue(
    *, acting_user: Account | None, status: str = ModerationAppealStatus.PENDING
) -> QuerySet[ModerationAppeal]:
    """Appeals for moderators, oldest filed first; ``status`` "" for every one."""
    check_appeal_moderator(acting_user)
    rows = _appeals().order_by("filed_at", "id")
    if status:
        rows = rows.filter(status=status)
    return rows
