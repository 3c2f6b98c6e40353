"""Telling people when their content is withheld or reinstated.

Each notice says what, where, which authority and legal basis, and how to
appeal. It becomes an in-app notification and an e-mail. Sending is a queued
task enqueued in the deciding transaction (so a decision that commits always
has its notices queued), except for a confidential demand, whose notices wait
unsent until a legal admin releases them (the release enqueues them).

Delivery is idempotent: notice rows are locked while their notifications are
created, each e-mail is sent under a claim recorded on its row, and each step
is recorded (``notified_at``, ``emailed_at``), so a second run, a double
release, two workers or a retry after a partial failure never deliver anything
twice. ``sent_at`` is set only when both are done.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from tidings.legal.appeals import appeal_form_url, appeal_pack, clock_promises, routes_text
from tidings.legal.models import LegalNotice, NoticeKind, Withholding
from tidings.lib.countries import country_name
from tidings.social.models import Notification, NotificationKind
from tidings.tasks import retry_while_locked, task

logger = logging.getLogger(__name__)

#: Notices delivered per queued task.
NOTICE_BATCH = 100
#: How long a worker's claim on sending a notice's e-mail holds before others take over.
EMAIL_CLAIM_LEASE = timedelta(minutes=10)

APPEAL_TEXT = (
    "If you believe this is wrong, you can appeal: {url} (reference {reference}). "
    "Your appeal will be {promises}. We will review it and may contest the order with "
    "the authority."
)


def appeal_text(withholding: Withholding, reference: str) -> str:
    """How to appeal ``withholding``: the form, our clocks, and the routes beyond us of its pack."""
    pack = appeal_pack(withholding)
    text = APPEAL_TEXT.format(
        url=appeal_form_url(withholding),
        reference=reference,
        promises=clock_promises(pack) or "reviewed by our legal team",
    )
    routes = routes_text(pack)
    if routes:
        text += " " + routes.replace("of this decision", "of our decision on your appeal")
    return text


def _places(countries: Sequence[str]) -> str:
    return " and ".join(country_name(c) for c in countries)


def compose_notice(withholding: Withholding, kind: str) -> tuple[str, str]:
    """(subject, body) of the notice for ``withholding``."""
    item = withholding.demand_item
    demand = item.demand if item else None
    if withholding.account_id:
        what = f"Your account @{withholding.account.username}"
        detail = ""
    else:
        what = f"Your post of {withholding.post.created_at:%d %B %Y}"
        detail = f" (id {withholding.post_id})"
    places = _places(withholding.countries)
    if kind == NoticeKind.WITHHELD:
        subject = f"{what} has been withheld in {places}"
        until = f" until {withholding.ends_at:%d %B %Y, %H:%M} UTC" if withholding.ends_at else ""
        lines = [
            f"{what}{detail} has been withheld in {places}{until} in response to a legal demand."
        ]
        lines.append("It remains visible everywhere else, and to you.")
    else:
        subject = f"{what} has been reinstated in {places}"
        lines = [f"{what}{detail} is visible again in {places}."]
        if withholding.lift_reason:
            lines.append(f"Reason: {withholding.lift_reason}.")
    if demand is not None:
        lines.append(f"Authority: {demand.authority.name} ({country_name(demand.country)}).")
        basis = " ".join(filter(None, [demand.legal_basis_code, demand.legal_basis]))
        if basis:
            lines.append(f"Legal basis: {basis}.")
    reference = f"W-{withholding.id}"
    if kind == NoticeKind.WITHHELD:
        lines.append(appeal_text(withholding, reference))
    return subject, "\n\n".join(lines)


def is_held_back(withholding: Withholding) -> bool:
    item = withholding.demand_item
    return bool(item and item.demand.confidential and item.demand.notices_released_at is None)


def create_notices(withholdings: Iterable[Withholding], kind: str) -> list[LegalNotice]:
    """Notices to the owners; those not held back are queued in the current transaction."""
    withholdings = list(withholdings)
    notices = []
    for withholding in withholdings:
        recipient_id = withholding.account_id or withholding.post.author_id
        subject, body = compose_notice(withholding, kind)
        notices.append(
            LegalNotice(
                withholding=withholding,
                recipient_id=recipient_id,
                kind=kind,
                subject=subject,
                body=body,
            )
        )
    LegalNotice.objects.bulk_create(notices, batch_size=500)
    enqueue_notices(
        [n.id for n, w in zip(notices, withholdings, strict=True) if not is_held_back(w)]
    )
    return notices


def enqueue_notices(notice_ids: Sequence[int]) -> None:
    """Queue delivery of these notices, ``NOTICE_BATCH`` per task, in the current transaction."""
    ids = list(notice_ids)
    for start in range(0, len(ids), NOTICE_BATCH):
        send_notices.enqueue(ids[start : start + NOTICE_BATCH])


class NoticeDeliveryFailed(Exception):
    """Some notices of a batch could not be delivered; the batch is retried."""


@task()
def send_notices(notice_ids: list[int]) -> int:
    """Deliver each of these notices not yet sent; returns how many this run completed.

    First every in-app notification (one transaction for the batch), then each
    e-mail. Raises :class:`NoticeDeliveryFailed` when any e-mail could not be
    sent; the retry skips what was done.
    """
    notify_in_app(notice_ids)
    mail_connection = get_connection()
    done, failed, first_error = 0, [], None
    for notice_id in notice_ids:
        try:
            done += email_notice(notice_id, mail_connection=mail_connection)
        except Exception as error:
            logger.warning("Legal notice %s not delivered: %s", notice_id, error)
            failed.append(notice_id)
            first_error = first_error or error
    if failed:
        raise NoticeDeliveryFailed(
            f"{len(failed)} of {len(notice_ids)} notices not delivered "
            f"(first: {failed[0]}: {first_error})"
        ) from first_error
    return done


@transaction.atomic
def notify_in_app(notice_ids: Sequence[int]) -> int:
    """Create the in-app notification of each notice that has none yet; returns how many.

    The notices' rows stay locked (in id order) from the check to the record,
    so two workers never both notify.
    """
    notices = list(
        LegalNotice.objects.select_for_update()
        .filter(id__in=notice_ids, notified_at=None, sent_at=None)
        .order_by("id")
        .only("id", "recipient_id", "subject", "body")
    )
    from tidings.streaming.events import publish_notifications

    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=n.recipient_id,
                actor_id=n.recipient_id,
                kind=NotificationKind.LEGAL,
                message=f"{n.subject}.\n\n{n.body}",
            )
            for n in notices
        ]
    )
    publish_notifications(n.id for n in created)
    LegalNotice.objects.filter(id__in=[n.id for n in notices]).update(notified_at=timezone.now())
    return len(notices)


class NoticeBeingSent(Exception):
    """Another worker is sending this notice's e-mail right now; look again later."""


def _claim_email(notice_id: int) -> tuple[dict, datetime] | None:
    """Lock the notice and mark its e-mail as being sent by us (a lease).

    Returns (notice fields, our claim time), or None when it needs no e-mail
    (already sent, or no address: then it is marked sent here).
    """
    with transaction.atomic():
        notice = (
            LegalNotice.objects.select_for_update(of=("self",))
            .filter(id=notice_id, sent_at=None, notified_at__isnull=False)
            .values("subject", "body", "emailed_at", "email_claimed_at", "recipient__email")
            .first()
        )
        if notice is None:
            return None
        now = timezone.now()
        if notice["emailed_at"] is not None or not notice["recipient__email"]:
            LegalNotice.objects.filter(id=notice_id).update(sent_at=now)
            return notice, now
        claimed = notice["email_claimed_at"]
        if claimed is not None and claimed > now - EMAIL_CLAIM_LEASE:
            raise NoticeBeingSent(f"Notice {notice_id} is being e-mailed by another worker.")
        LegalNotice.objects.filter(id=notice_id).update(email_claimed_at=now)
        return notice, now


def email_notice(notice_id: int, *, mail_connection: BaseEmailBackend | None = None) -> bool:
    """E-mail the notice at most once and mark it sent; True if this call completed it.

    The e-mail goes out under a claim recorded on the row (no transaction and
    no lock held while the mail server talks), so two workers never both send
    it; another worker's claim counts for ``EMAIL_CLAIM_LEASE``, then it is
    taken to have died. A failed e-mail drops the claim, leaves the notice
    unsent and raises. (If the process dies between the mail server's
    acceptance and the record, the e-mail is sent again after the lease: at
    least once, never silently lost.)
    """
    claim = _claim_email(notice_id)
    if claim is None:
        return False
    notice, claimed_at = claim
    if notice["emailed_at"] is not None or not notice["recipient__email"]:
        return True
    mine = LegalNotice.objects.filter(id=notice_id, email_claimed_at=claimed_at, sent_at=None)
    try:
        send_mail(
            notice["subject"],
            notice["body"],
            settings.DEFAULT_FROM_EMAIL,
            [notice["recipient__email"]],
            fail_silently=False,
            connection=mail_connection,
        )
    except Exception:
        retry_while_locked(partial(mine.update, email_claimed_at=None))
        raise
    now = timezone.now()
    retry_while_locked(partial(mine.update, emailed_at=now, sent_at=now))
    return True
