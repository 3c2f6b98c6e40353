"""Telling an account what a moderator did to it: an in-app notice and an e-mail, both queued.

The notice is the record of the action (Mastodon's "strike") and names the way
to contest it: the appeal form of that notice (``moderation_appeals``), open to
the account for ``TIDINGS_MODERATION_APPEAL_DAYS`` days, suspended or not.
Moderators decide those appeals; the legal desk's appeals against withholdings
are another flow (``tidings.legal.appeals``). Delivery is a task enqueued in
the acting transaction; each step is recorded on the notice row
(``notified_at``, ``emailed_at``) under its lock, so a retry or a second worker
delivers nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tidings.social.models import Account, Notification, NotificationKind, Post
from tidings.social.models_moderation import ModerationAction, ModerationNotice, Report
from tidings.social.moderation_appeals import appeal_closes_at, appeal_form_url
from tidings.tasks import task

APPEAL_TEXT = (
    "If you think this was a mistake, appeal it by {closes:%d %B %Y}: {url} "
    "(reference {reference}). A moderator will look at it again and tell you the outcome."
)

SUBJECTS = {
    ModerationAction.WARN: "A warning from the moderators",
    ModerationAction.LIMIT: "Your account @{handle} has been limited",
    ModerationAction.SUSPEND: "Your account @{handle} has been suspended",
    ModerationAction.DELETE_POST: "Your post of {date} has been removed by a moderator",
}


def create_moderation_notice(
    account: Account,
    action: str,
    *,
    text: str,
    report: Report | None = None,
    post: Post | None = None,
    post_date: str = "",
) -> ModerationNotice:
    """A notice to ``account`` of ``action`` (about ``post``, for a removal), naming its appeal
    form and the last day to use it; its delivery is queued in the current transaction."""
    notice = ModerationNotice(recipient=account, report=report, action=action, post=post)
    notice.subject = SUBJECTS[ModerationAction(action)].format(
        handle=account.username, date=post_date
    )
    lines = [f"{notice.subject}."]
    if action == ModerationAction.LIMIT:
        lines.append(
            "Your posts no longer appear in public timelines, hashtag pages, search or trends; "
            "your followers still see them, and anyone can open your profile."
        )
    if text.strip():
        lines.append(f"The moderator's note: {text.strip()}")
    lines.append(
        APPEAL_TEXT.format(
            closes=appeal_closes_at(notice),
            url=appeal_form_url(notice),
            reference=notice.reference,
        )
    )
    notice.body = "\n\n".join(lines)
    notice.save(force_insert=True)
    send_moderation_notice.enqueue(notice.id)
    return notice


@task()
def send_moderation_notice(notice_id: int) -> bool:
    """Deliver the notice (in-app, then e-mail) unless done already; True if this run finished it."""
    with transaction.atomic():
        notice = (
            ModerationNotice.objects.select_for_update()
            .select_related("recipient")
            .filter(id=notice_id)
            .first()
        )
        if notice is None or notice.emailed_at is not None:
            return False
        now = timezone.now()
        if notice.notified_at is None:
            Notification.objects.create(
                recipient_id=notice.recipient_id,
                actor_id=notice.recipient_id,
                kind=NotificationKind.MODERATION,
                message=notice.body,
            )
            notice.notified_at = now
        if notice.recipient.email:
            # Under the row lock: a second worker waits, then finds it e-mailed.
            send_mail(
                notice.subject,
                notice.body,
                settings.DEFAULT_FROM_EMAIL,
                [notice.recipient.email],
                fail_silently=False,
            )
        notice.emailed_at = now
        notice.save(update_fields=["notified_at", "emailed_at"])
        return True
