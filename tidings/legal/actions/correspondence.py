"""The thread of letters between the desk and the authority of a demand.

Every message is kept as received or sent, with its attachments verbatim
(PDF and images only, checked by their content, at most ``ATTACHMENT_MAX_BYTES``
each and ``ATTACHMENTS_MAX`` per message). Nothing in a thread is edited or
deleted. An authority's member writes only inbound messages on its own demands.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tidings.audit.chain import EventSpec, record_events
from tidings.audit.events import AuditAction
from tidings.legal.models import (
    Attachment,
    Channel,
    Correspondence,
    CorrespondenceKind,
    Demand,
    Direction,
)
from tidings.legal.roles import can_use_desk, check_can_correspond
from tidings.lib.errors import InvalidInput
from tidings.social.models import Account

MB = 1024 * 1024
ATTACHMENT_MAX_BYTES = 10 * MB
ATTACHMENTS_MAX = 10
BODY_MAX_CHARS = 50_000
SUBJECT_MAX_CHARS = 300

#: Accepted attachment types, told apart by their first bytes (never by name or header).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
ACCEPTED = "PDF, PNG, JPEG, GIF or WebP"


#: Inbound kinds that change the order, recorded only by their own acts (``actions.dialogue``),
#: with the admin API's endpoint for each.
ACTED_ON: dict[str, str] = {
    CorrespondenceKind.NONCOMPLIANCE_NOTICE: "noncompliance",
    CorrespondenceKind.WITHDRAWAL: "withdraw",
    CorrespondenceKind.HEARING_NOTICE: "hearing",
}


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content: bytes


def sniff_type(content: bytes) -> str | None:
    """The MIME type of an accepted attachment from its bytes, None for anything else."""
    for signature, mime in _SIGNATURES:
        if content.startswith(signature):
            return mime
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_attachments(attachments: Sequence[NewAttachment]) -> list[tuple[NewAttachment, str]]:
    if len(attachments) > ATTACHMENTS_MAX:
        raise InvalidInput(f"At most {ATTACHMENTS_MAX} attachments per message.")
    checked = []
    for attachment in attachments:
        name = (attachment.filename or "attachment").replace("\x00", "")[:255]
        if len(attachment.content) > ATTACHMENT_MAX_BYTES:
            raise InvalidInput(
                f"{name[:80]} is {len(attachment.content) / MB:.1f} MB; "
                f"attachments may be at most {ATTACHMENT_MAX_BYTES // MB} MB."
            )
        if not attachment.content:
            raise InvalidInput(f"{name[:80]} is empty.")
        mime = sniff_type(attachment.content)
        if mime is None:
            raise InvalidInput(f"{name[:80]} is not a {ACCEPTED} file.")
        checked.append((NewAttachment(name, attachment.content), mime))
    return checked


def _clean(text: str, limit: int, what: str) -> str:
    text = (text or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise InvalidInput(f"The {what} is {len(text):,} characters; at most {limit:,}.")
    return text


@transaction.atomic
def do_record_correspondence(
    demand: Demand,
    *,
    direction: str,
    kind: str,
    channel: str,
    subject: str = "",
    body: str = "",
    document_html: str = "",
    sent_at: datetime | None = None,
    received_at: datetime | None = None,
    attachments: Sequence[NewAttachment] = (),
    acting_user: Account,
    audit_action: str = "legal.correspondence",
    audit_data: dict[str, object] | None = None,
) -> Correspondence:
    """Add one message to ``demand``'s thread (and its attachments); one audit event.

    Inbound messages default to received now; outbound to sent now. A moment
    in the future is refused. Members of the authority may only write inbound
    messages through the portal. ``audit_action`` lets the acts built on this
    (acknowledging, answering a notice) record themselves under their own name,
    with ``audit_data`` added to the event's data.
    """
    check_can_correspond(acting_user, demand)
    if direction not in Direction.values:
        raise InvalidInput("A message is inbound (from the authority) or outbound (to it).")
    if kind not in CorrespondenceKind.values:
        raise InvalidInput(
            f"Unknown kind {kind!r}; choose one of {', '.join(CorrespondenceKind.values)}."
        )
    if channel not in Channel.values:
        raise InvalidInput(
            f"Unknown channel {channel!r}; choose one of {', '.join(Channel.values)}."
        )
    if (
        direction == Direction.INBOUND
        and kind in ACTED_ON
        and audit_action == AuditAction.LEGAL_CORRESPONDENCE
    ):
        raise InvalidInput(
            f"A {CorrespondenceKind(kind).label.lower()} changes the order; "
            f"record it as one (admin API: POST …/demands/{{id}}/{ACTED_ON[kind]})."
        )
    if not can_use_desk(acting_user) and (
        direction != Direction.INBOUND or channel != Channel.PORTAL
    ):
        raise InvalidInput("Through the portal you can only send messages to us.")
    subject = _clean(subject, SUBJECT_MAX_CHARS, "subject")
    body = _clean(body, BODY_MAX_CHARS, "message")
    checked = check_attachments(attachments)
    if not (subject or body or checked or document_html):
        raise InvalidInput("A message needs a subject, a text or an attachment.")
    now = timezone.now()
    for moment, what in ((sent_at, "sent"), (received_at, "received")):
        if moment is not None and moment > now:
            raise InvalidInput(f"The {what} time is in the future.")
    if direction == Direction.INBOUND:
        received_at = received_at or now
    else:
        sent_at = sent_at or now
    message = Correspondence.objects.create(
        demand=demand,
        direction=direction,
        kind=kind,
        channel=channel,
        subject=subject,
        body=body,
        document_html=document_html,
        sent_at=sent_at,
        received_at=received_at,
        created_by=acting_user,
        created_at=now,
    )
    stored = Attachment.objects.bulk_create(
        Attachment(
            correspondence=message,
            filename=attachment.filename,
            content_type=mime,
            size=len(attachment.content),
            sha256=hashlib.sha256(attachment.content).hexdigest(),
            content=attachment.content,
            created_at=now,
        )
        for attachment, mime in checked
    )
    record_events(
        [
            EventSpec(
                audit_action,
                acting_user.id,
                "demand",
                str(demand.id),
                {
                    "message": message.id,
                    "direction": direction,
                    "kind": kind,
                    "channel": channel,
                    "attachments": [
                        {"name": a.filename, "sha256": a.sha256, "size": a.size} for a in stored
                    ],
                    **(audit_data or {}),
                },
            )
        ]
    )
    return message
