"""Telling people when their content is withheld or reinstated.

Each notice says what, where, which authority and legal basis, and how to
appeal. It becomes an in-app notification and an e-mail once sent; a notice
of a confidential demand waits (unsent) until a legal admin releases it.
Sending happens after the deciding transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tidings.legal.models import LegalNotice, NoticeKind, Withholding
from tidings.lib.countries import country_name
from tidings.social.models import Notification, NotificationKind

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
    """Notices to the owners; those not held back are sent after commit."""
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
    ready = [n.id for n, w in zip(notices, withholdings, strict=True) if not is_held_back(w)]
    if ready:
        transaction.on_commit(lambda: send_notices(ready))
    return notices


def send_notices(notice_ids: Sequence[int]) -> int:
    """Deliver unsent notices: one in-app notification and one e-mail each. Returns how many."""
    notices = list(
        LegalNotice.objects.select_related("recipient").filter(id__in=notice_ids, sent_at=None)
    )
    now = timezone.now()
    Notification.objects.bulk_create(
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
    for notice in notices:
        if notice.recipient.email:
            send_mail(
                notice.subject,
                notice.body,
                settings.DEFAULT_FROM_EMAIL,
                [notice.recipient.email],
                fail_silently=True,
            )
    LegalNotice.objects.filter(id__in=[n.id for n in notices]).update(sent_at=now)
    return len(notices)
