"""Appeals against moderators' actions: filing one, and a moderator approving or rejecting it.

Approving reverses the action, as Mastodon does for an appealed strike: a
suspension is lifted, a limit removed, a warning marked overturned. A removed
post cannot come back: removal erases its text (``remove_post``), so approving
overturns the removal and says so to the account in plain words.

A suspension or limit is lifted only when it is the one the notice announced
(it began no later than the notice): one put in place later, for another
reason, stays.

Lock order (``tidings/lib/locks.py``): filing locks the notice row; deciding
locks the appeal row, then the notice row, then updates the account row
(lifting), and the audit chain head last. Two moderators deciding at once
run one after the other; the second is told who decided first.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.actions.accounts import do_unsuspend_account
from tidings.social.actions.moderation import do_unlimit_account
from tidings.social.models import Account, Notification, NotificationKind
from tidings.social.models_moderation import (
    APPEAL_REASON_MAX_LENGTH,
    APPEAL_TEXT_MAX_LENGTH,
    ModerationAction,
    ModerationAppeal,
    ModerationAppealStatus,
    ModerationNotice,
)
from tidings.social.moderation_appeals import check_appeal_moderator, filing_refusal
from tidings.tasks import task

__all__ = [
    "do_approve_moderation_appeal",
    "do_file_moderation_appeal",
    "do_reject_moderation_appeal",
]

APPEAL_APPROVED_REASON = "appeal approved"
POST_NOT_RESTORED = (
    "The post itself cannot be brought back: its text was erased when it was removed. "
    "The removal no longer counts against your account, and you may post it again."
)


def check_text(text: object, *, what: str, limit: int) -> str:
    """Stripped ``text``; refuses non-text, NUL, lone surrogates, blank and over-long text."""
    if not isinstance(text, str):
        raise InvalidInput(f"The {what} must be text.")
    if "\x00" in text:
        raise InvalidInput(f"The {what} contains a NUL character; remove it and send it again.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"The {what} is not valid Unicode text.") from None
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput(f"Write the {what}.")
    if len(text) > limit:
        raise InvalidInput(f"The {what} is {len(text):,} characters; at most {limit:,}.")
    return text


@transaction.atomic
def do_file_moderation_appeal(
    notice: ModerationNotice, *, text: str, acting_user: Account
) -> ModerationAppeal:
    """The account ``notice`` was sent to contests the action; one audit event.

    Only that account (suspended or not), once per notice, within the window
    (``filing_refusal``); the text is 1 to ``APPEAL_TEXT_MAX_LENGTH`` characters.
    """
    if acting_user is None or notice.recipient_id != acting_user.id:
        raise NotPermitted("Only the account this action was taken against can appeal it.")
    text = check_text(text, what="appeal", limit=APPEAL_TEXT_MAX_LENGTH)
    # Under the notice's row lock: a second filing waits, then finds the first.
    notice = ModerationNotice.objects.select_for_update().get(id=notice.id)
    refusal = filing_refusal(notice, acting_user)
    if refusal:
        raise InvalidInput(refusal)
    try:
        with transaction.atomic():
            appeal = ModerationAppeal.objects.create(
                notice=notice, appellant=acting_user, text=text
            )
    except IntegrityError:  # the same appeal committed meanwhile (one per notice)
        raise InvalidInput(filing_refusal(notice, acting_user) or "Already appealed.") from None
    record_event(
        "moderation.appeal.file",
        actor_id=acting_user.id,
        subject_type="moderation_appeal",
        subject_id=appeal.id,
        data={
            "notice": notice.id,
            "action": notice.action,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "chars": len(text),
        },
    )
    return appeal


def _lock_pending(appeal: ModerationAppeal, acting_user: Account) -> ModerationAppeal:
    """The appeal's row, locked and re-read; refuses a decided appeal and one's own."""
    check_appeal_moderator(acting_user)
    row = (
        ModerationAppeal.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .get(id=appeal.id)
    )
    if row.appellant_id == acting_user.id:
        raise NotPermitted("You cannot decide your own appeal; another moderator must.")
    if not row.is_pending:
        by = f" by @{row.decided_by.username}" if row.decided_by else ""
        raise InvalidInput(
            f"Appeal {row.reference} was already {row.status}{by}; nothing was changed."
        )
    return row


def _decide(
    appeal: ModerationAppeal, status: str, reason: str, acting_user: Account, note: str = ""
) -> None:
    appeal.status, appeal.decision_reason, appeal.reversal_note = status, reason, note
    appeal.decided_at, appeal.decided_by = timezone.now(), acting_user
    appeal.save(
        update_fields=["status", "decision_reason", "reversal_note", "decided_at", "decided_by"]
    )
    send_moderation_appeal_decision.enqueue(appeal.id)


def _reverse(notice: ModerationNotice, acting_user: Account) -> dict[str, object]:
    """Undo what ``notice`` announced, as far as it can be; what was done, for the audit event."""
    account = Account.objects.get(id=notice.recipient_id)
    done: dict[str, object] = {}
    if notice.action == ModerationAction.SUSPEND:
        this_one = account.suspended_at is not None and account.suspended_at <= notice.created_at
        if this_one and not hasattr(account, "deletion"):
            do_unsuspend_account(account, reason=APPEAL_APPROVED_REASON, acting_user=acting_user)
        done["unsuspended"] = this_one and not hasattr(account, "deletion")
    elif notice.action == ModerationAction.LIMIT:
        this_one = account.limited_at is not None and account.limited_at <= notice.created_at
        if this_one:
            do_unlimit_account(account, acting_user=acting_user)
        done["unlimited"] = this_one
    elif notice.action == ModerationAction.DELETE_POST:
        done["post"] = notice.post_id
        done["post_restored"] = False
    ModerationNotice.objects.filter(id=notice.id).update(overturned_at=timezone.now())
    return done


@transaction.atomic
def do_approve_moderation_appeal(
    appeal: ModerationAppeal, *, reason: str, acting_user: Account
) -> ModerationAppeal:
    """Approve: the action is reversed (``_reverse``), the notice marked overturned, the
    appellant told. Moderators only; once."""
    reason = check_text(reason, what="reason", limit=APPEAL_REASON_MAX_LENGTH)
    row = _lock_pending(appeal, acting_user)
    notice = ModerationNotice.objects.select_for_update().get(id=row.notice_id)
    done = _reverse(notice, acting_user)
    note = POST_NOT_RESTORED if notice.action == ModerationAction.DELETE_POST else ""
    _decide(row, ModerationAppealStatus.APPROVED, reason, acting_user, note)
    record_event(
        "moderation.appeal.approve",
        actor_id=acting_user.id,
        subject_type="moderation_appeal",
        subject_id=row.id,
        data={"notice": notice.id, "action": notice.action, "reason": reason, **done},
    )
    return row


@transaction.atomic
def do_reject_moderation_appeal(
    appeal: ModerationAppeal, *, reason: str, acting_user: Account
) -> ModerationAppeal:
    """Reject with a required reason: the action stands; the appellant is told why."""
    reason = check_text(reason, what="reason", limit=APPEAL_REASON_MAX_LENGTH)
    row = _lock_pending(appeal, acting_user)
    _decide(row, ModerationAppealStatus.REJECTED, reason, acting_user)
    record_event(
        "moderation.appeal.reject",
        actor_id=acting_user.id,
        subject_type="moderation_appeal",
        subject_id=row.id,
        data={"notice": row.notice_id, "reason": reason},
    )
    return row


OUTCOMES = {
    ModerationAction.WARN: "the warning is withdrawn",
    ModerationAction.LIMIT: "the limit on your account is removed",
    ModerationAction.SUSPEND: "your account is no longer suspended",
    ModerationAction.DELETE_POST: "the removal of your post is overturned",
}


def decision_message(appeal: ModerationAppeal) -> tuple[str, str]:
    """The subject and text telling the appellant the decision (in-app and by e-mail)."""
    notice = appeal.notice
    ref = f"{appeal.reference} (of {notice.reference})"
    if appeal.status == ModerationAppealStatus.APPROVED:
        subject = f"Your appeal {appeal.reference} was approved"
        lines = [f"Your appeal {ref} was approved: {OUTCOMES[ModerationAction(notice.action)]}."]
    else:
        subject = f"Your appeal {appeal.reference} was rejected"
        lines = [f"Your appeal {ref} was rejected: the moderators' decision stands."]
    lines.append(f"The moderator's reason: {appeal.decision_reason}")
    if appeal.reversal_note:
        lines.append(appeal.reversal_note)
    path = reverse("web:moderation_notice", args=[notice.id])
    lines.append(f"The notice and your appeal: https://{settings.DOMAIN}{path}")
    return subject, "\n\n".join(lines)


@task()
def send_moderation_appeal_decision(appeal_id: int) -> bool:
    """Tell the appellant the decision (in-app, then e-mail) unless done; True if this run did."""
    with transaction.atomic():
        appeal = (
            ModerationAppeal.objects.select_for_update(of=("self",))
            .select_related("appellant", "notice")
            .filter(id=appeal_id)
            .first()
        )
        if appeal is None or appeal.is_pending or appeal.emailed_at is not None:
            return False
        subject, body = decision_message(appeal)
        now = timezone.now()
        if appeal.notified_at is None:
            Notification.objects.create(
                recipient_id=appeal.appellant_id,
                actor_id=appeal.appellant_id,
                kind=NotificationKind.MODERATION,
                message=body,
            )
            appeal.notified_at = now
        if appeal.appellant.email:
            send_mail(
                subject, body, settings.DEFAULT_FROM_EMAIL, [appeal.appellant.email]
            )  # under the row lock: a second worker waits, then finds it e-mailed
        appeal.emailed_at = now
        appeal.save(update_fields=["notified_at", "emailed_at"])
        return True
