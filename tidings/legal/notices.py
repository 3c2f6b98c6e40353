"""Telling people when their content is withheld or reinstated.

Each notice says what, where, which authority and legal basis, and how to
appeal. It becomes an in-app notification and an e-mail. Sending is a queued
task enqueued in the deciding transaction (so a decision that commits always
has its notices queued), except for a confidential demand, whose notices wait
unsent until a legal admin releases them (the release enqueues them).

Delivery is idempotent: each notice row is locked while its notification is
created and again while its e-mail is sent, and each step is recorded on the
row (``notified_at``, ``emailed_at``), so a second run, a double release or a
retry after a partial failure never delivers anything twice. ``sent_at`` is set
only when both are done.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tidings.legal.models import LegalNotice, NoticeKind, Withholding
from tidings.lib.countries import country_name
from tidings.social.models import Notification, NotificationKind
from tidings.tasks import task

logger = logging.getLogger(__name__)

#: Notices delivered per queued task.
NOTICE_BATCH = 100

APPEAL_TEXT = (
    "If you believe this is wrong, you can appeal: reply to this e-mail or write to "
    "the legal team at {email}, quoting reference {reference}. We will review your appeal "
    "and may contest the order with the authority."
)


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
        lines.append(APPEAL_TEXT.format(email=settings.DEFAULT_FROM_EMAIL, reference=reference))
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
    """Deliver each notice not yet sent; returns how many this run completed.

    Raises :class:`NoticeDeliveryFailed` when any could not be delivered; the
    retry skips what was done (see :func:`deliver_notice`).
    """
    done, failed = 0, []
    for notice_id in notice_ids:
        try:
            done += deliver_notice(notice_id)
        except Exception as error:
            logger.warning("Legal notice %s not delivered: %s", notice_id, error)
            failed.append(notice_id)
    if failed:
        raise NoticeDeliveryFailed(
            f"{len(failed)} of {len(notice_ids)} notices not delivered (first: {failed[0]})"
        )
    return done


def _locked_unsent(notice_id: int) -> LegalNotice | None:
    return (
        LegalNotice.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .filter(id=notice_id, sent_at=None)
        .first()
    )


def deliver_notice(notice_id: int) -> bool:
    """Notify in the app, then e-mail, each at most once; True if this call completed the notice.

    Each step holds the notice's row lock from its check to its record, so two
    workers never both deliver it. A failed e-mail leaves the notice unsent
    (the notification stays: it was delivered) and raises.
    """
    with transaction.atomic():
        notice = _locked_unsent(notice_id)
        if notice is None:
            return False
        if notice.notified_at is None:
            Notification.objects.create(
                recipient_id=notice.recipient_id,
                actor_id=notice.recipient_id,
                kind=NotificationKind.LEGAL,
                message=f"{notice.subject}.\n\n{notice.body}",
            )
            notice.notified_at = timezone.now()
            notice.save(update_fields=["notified_at"])
    with transaction.atomic():
        notice = _locked_unsent(notice_id)
        if notice is None:
            return False
        if notice.emailed_at is None and notice.recipient.email:
            send_mail(
                notice.subject,
                notice.body,
                settings.DEFAULT_FROM_EMAIL,
                [notice.recipient.email],
                fail_silently=False,
            )
            notice.emailed_at = timezone.now()
        notice.sent_at = timezone.now()
        notice.save(update_fields=["emailed_at", "sent_at"])
    return True
