"""E-mailing the desk's letters to the authority, with their PDF attached.

A letter is sent through the portal (it is in the thread the authority's
members read) and by e-mail to every address in ``Authority.contact``. The
e-mail is a queued task enqueued in the action's transaction, so it goes out
only once the letter is committed; a failed send is retried by the queue.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email

from tidings.legal.documents import platform_name
from tidings.legal.models import Attachment, Authority, Correspondence
from tidings.tasks import task

_ADDRESS = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+")
#: At most this many addresses are taken from an authority's contact text.
MAX_RECIPIENTS = 10


def contact_addresses(authority: Authority) -> list[str]:
    """The valid e-mail addresses written in the authority's contact text, in order, once each."""
    found: list[str] = []
    for match in _ADDRESS.findall(authority.contact or ""):
        address = match.rstrip(".")
        try:
            validate_email(address)
        except ValidationError:
            continue
        if address.lower() not in (a.lower() for a in found):
            found.append(address)
    return found[:MAX_RECIPIENTS]


def enqueue_letter_email(message: Correspondence) -> bool:
    """Queue the e-mail of ``message`` if its authority has an address; True if queued."""
    if not contact_addresses(message.demand.authority):
        return False
    send_letter_email.enqueue(message.id)
    return True


@task()
def send_letter_email(message_id: int) -> int:
    """Send the letter to the authority's addresses with its attachments; returns how many went."""
    message = (
        Correspondence.objects.select_related("demand__authority").filter(id=message_id).first()
    )
    if message is None:
        return 0
    recipients = contact_addresses(message.demand.authority)
    if not recipients:
        return 0
    demand = message.demand
    email = EmailMessage(
        subject=message.subject or f"{message.get_kind_display()}: {demand.reference}",
        body="\n\n".join(
            filter(
                None,
                [
                    f"Please find attached our {message.get_kind_display().lower()} "
                    f"concerning your reference {demand.reference}.",
                    message.body,
                    f"The legal team, {platform_name()}",
                ],
            )
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    for attachment in Attachment.objects.filter(correspondence=message).order_by("id"):
        email.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return email.send(fail_silently=False)
