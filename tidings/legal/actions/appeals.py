"""Appeals by the people whose content is withheld: filing, acknowledging, granting, rejecting.

Design: **acknowledgement is an act of the desk** (``do_acknowledge_appeal``), so
the "acknowledge within 24 hours" clock measures when a person on the legal team
took the appeal up, not the moment the form was sent. Filing still sends the
owner an automatic receipt stating both clocks. Deciding an appeal that nobody
acknowledged acknowledges it at the same moment.

Every message to the owner is a ``LegalNotice`` of kind ``appeal`` on the
withholding, delivered like every legal notice (in-app notification and e-mail,
queued in the same transaction, idempotent). A decision names the routes beyond
us that the withholding's rule pack gives (India: the Grievance Appellate
Committee; EU: out-of-court settlement and the courts).

Lock order (``tidings/lib/locks.py``): filing takes a named lock on
(withholding, owner) and nothing else before the audit chain. Deciding takes
the legal state first (granting lifts a withholding), then the appeal's row,
then whatever lifting takes; so two staff deciding at once run one after the
other and the second finds the appeal decided.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tidings.audit.chain import EventSpec, record_events
from tidings.legal.actions.withholding import do_lift_withholdings
from tidings.legal.appeals import (
    OPEN_STATUSES,
    appeal_pack,
    clock_promises,
    is_live,
    owner_id,
    routes_text,
    subject_text,
    window_closes_at,
)
from tidings.legal.clocks import ClockKey, appeal_clocks
from tidings.legal.models import Appeal, AppealStatus, LegalNotice, NoticeKind, Withholding
from tidings.legal.notices import enqueue_notices
from tidings.legal.roles import check_desk_access
from tidings.lib.countries import withheld_where
from tidings.lib.errors import InvalidInput, NotPermitted, TidingsError
from tidings.lib.locks import lock_legal_state, lock_value
from tidings.social.models import Account

TEXT_MAX_CHARS = 2000
REASON_MAX_CHARS = 2000
#: ``LegalNotice.kind`` of the messages about an appeal (receipt, acknowledgement, decision).
APPEAL_NOTICE = NoticeKind.APPEAL
APPEAL_GRANTED_REASON = "appeal granted"


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
    text = text.replace("\r\n", "\n").strip()  # a browser counts a line break as one character
    if not text:
        raise InvalidInput(f"Write the {what}.")
    if len(text) > limit:
        raise InvalidInput(f"The {what} is {len(text):,} characters; at most {limit:,}.")
    return text


def _reference(appeal: Appeal) -> str:
    return f"A-{appeal.id}"


def _tell_owner(appeal: Appeal, subject: str, body: str) -> LegalNotice:
    """Queue a message about ``appeal`` to its appellant (in-app and e-mail), in this transaction."""
    notice = LegalNotice.objects.create(
        withholding=appeal.withholding,
        recipient_id=appeal.appellant_id,
        kind=APPEAL_NOTICE,
        subject=subject[:200],
        body=body,
    )
    enqueue_notices([notice.id])
    return notice


def _clock_dues(appeal: Appeal) -> dict[ClockKey, str]:
    pack = appeal_pack(appeal.withholding)
    return {c.key: c.local_text(c.due_at) for c in appeal_clocks(appeal, pack)}


def _receipt(appeal: Appeal) -> tuple[str, str]:
    withholding = appeal.withholding
    pack = appeal_pack(withholding)
    dues = _clock_dues(appeal)
    lines = [
        f"Your appeal {_reference(appeal)} against the withholding of "
        f"{subject_text(withholding)} {withheld_where(withholding.countries)} "
        f"(reference W-{withholding.id}) is with our legal team.",
    ]
    promises = clock_promises(pack)
    if promises:
        lines.append(f"It will be {promises}.")
    if ClockKey.APPEAL_ACKNOWLEDGE in dues:
        lines.append(f"Acknowledgement due by {dues[ClockKey.APPEAL_ACKNOWLEDGE]}.")
    if ClockKey.APPEAL_DECIDE in dues:
        lines.append(f"Decision due by {dues[ClockKey.APPEAL_DECIDE]}.")
    lines.append(f"You can follow it at https://{settings.DOMAIN}{reverse('web:appeals')}.")
    return f"We received your appeal {_reference(appeal)}", "\n\n".join(lines)


@transaction.atomic
def do_file_appeal(withholding: Withholding, *, text: str, acting_user: Account) -> Appeal:
    """The owner of the withheld content contests ``withholding``; one audit event.

    Only the owner (the withheld account, or the author of the withheld post)
    may file, while the withholding is in force or within the pack's appeal
    window after the notice; one open appeal per withholding and owner; none
    after an appeal on it was granted. The text is 1 to 2000 characters. The
    owner gets an automatic receipt with the clocks; acknowledging is the desk's.
    """
    if acting_user is None or owner_id(withholding) != acting_user.id:
        raise NotPermitted("Only the owner of the withheld content can appeal against it.")
    text = check_text(text, what="appeal", limit=TEXT_MAX_CHARS)
    lock_value("appeal", f"{withholding.id}:{acting_user.id}")  # lock order: tidings/lib/locks.py
    withholding = Withholding.objects.select_related(
        "account", "post__author", "demand_item__demand__authority"
    ).get(id=withholding.id)  # as it is now, not as the caller loaded it
    now = timezone.now()
    pack = appeal_pack(withholding)
    if not is_live(withholding, now):
        closes = window_closes_at(withholding, pack)
        if closes is not None and now > closes:
            raise InvalidInput(
                f"The time to appeal this withholding ended on {closes:%d %B %Y} "
                f"({pack.appeal_window.source})."  # type: ignore[union-attr]
            )
    appeals = Appeal.objects.filter(withholding=withholding, appellant_id=acting_user.id)
    if appeals.filter(status__in=OPEN_STATUSES).exists():
        raise InvalidInput("You already have an open appeal against this withholding.")
    if appeals.filter(status=AppealStatus.GRANTED).exists():
        raise InvalidInput("Your appeal against this withholding was already granted.")
    appeal = Appeal.objects.create(
        withholding=withholding, appellant=acting_user, text=text, filed_at=now
    )
    _tell_owner(appeal, *_receipt(appeal))
    record_events(
        [
            EventSpec(
                "legal.appeal.file",
                acting_user.id,
                "appeal",
                str(appeal.id),
                {
                    "withholding": withholding.id,
                    "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                    "chars": len(text),
                    "pack": pack.code,
                },
            )
        ]
    )
    return appeal


def appeal_refusal(appeal: Appeal, acting_user: Account) -> TidingsError | None:
    """Why ``acting_user`` cannot decide ``appeal``: it is their own, or it was decided."""
    if appeal.appellant_id == acting_user.id:
        return NotPermitted("You cannot decide your own appeal; another member of the desk must.")
    if appeal.status not in OPEN_STATUSES:
        return InvalidInput(f"Appeal {_reference(appeal)} was already {appeal.status}.")
    return None


def acknowledge_refusal(appeal: Appeal, acting_user: Account) -> TidingsError | None:
    """Why ``acting_user`` cannot acknowledge ``appeal``: as for deciding, or it already was."""
    refusal = appeal_refusal(appeal, acting_user)
    if refusal is None and appeal.status != AppealStatus.FILED:
        refusal = InvalidInput(f"Appeal {_reference(appeal)} was already acknowledged.")
    return refusal


def _lock_open_appeal(appeal: Appeal, acting_user: Account) -> Appeal:
    """The appeal's row, locked and re-read; refuses a decided appeal and one's own."""
    row = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("withholding__account", "withholding__post__author", "appellant")
        .select_related("withholding__demand_item__demand__authority")
        .get(id=appeal.id)
    )
    refusal = appeal_refusal(row, acting_user)
    if refusal is not None:
        raise refusal
    return row


@transaction.atomic
def do_acknowledge_appeal(appeal: Appeal, *, acting_user: Account) -> Appeal:
    """Desk staff take the appeal up: ``acknowledged_at`` is set once and the owner is told."""
    check_desk_access(acting_user)
    row = _lock_open_appeal(appeal, acting_user)
    refusal = acknowledge_refusal(row, acting_user)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    row.status, row.acknowledged_at = AppealStatus.ACKNOWLEDGED, now
    row.save(update_fields=["status", "acknowledged_at"])
    due = _clock_dues(row).get(ClockKey.APPEAL_DECIDE)
    body = f"Our legal team has taken up your appeal {_reference(row)}."
    if due:
        body += f"\n\nA decision is due by {due}."
    _tell_owner(row, f"Your appeal {_reference(row)} has been acknowledged", body)
    record_events(
        [
            EventSpec(
                "legal.appeal.acknowledge",
                acting_user.id,
                "appeal",
                str(row.id),
                {"withholding": row.withholding_id},
            )
        ]
    )
    return row


def _decide(appeal: Appeal, status: str, reason: str, acting_user: Account) -> Appeal:
    now = timezone.now()
    appeal.status, appeal.decided_at, appeal.decided_by = status, now, acting_user
    appeal.decision_reason = reason
    appeal.acknowledged_at = appeal.acknowledged_at or now
    appeal.save(
        update_fields=["status", "decided_at", "decided_by", "decision_reason", "acknowledged_at"]
    )
    return appeal


@transaction.atomic
def do_grant_appeal(appeal: Appeal, *, reason: str, acting_user: Account) -> Appeal:
    """Grant: the withholding is lifted ("appeal granted"; the lift tells the owner it is visible
    again) unless already lifted, and the owner is told of the decision. Audited."""
    check_desk_access(acting_user)
    reason = check_text(reason, what="reason", limit=REASON_MAX_CHARS)
    lock_legal_state()  # lock order: tidings/lib/locks.py
    row = _lock_open_appeal(appeal, acting_user)
    withholding = row.withholding
    lifted = False
    if withholding.lifted_at is None:
        do_lift_withholdings([withholding], reason=APPEAL_GRANTED_REASON, acting_user=acting_user)
        lifted = True
    _decide(row, AppealStatus.GRANTED, reason, acting_user)
    body = (
        f"Your appeal {_reference(row)} was granted: {subject_text(withholding)} is no longer "
        f"withheld {withheld_where(withholding.countries)}.\n\nReason: {reason}"
    )
    _tell_owner(row, f"Your appeal {_reference(row)} was granted", body)
    record_events(
        [
            EventSpec(
                "legal.appeal.grant",
                acting_user.id,
                "appeal",
                str(row.id),
                {"withholding": withholding.id, "reason": reason, "lifted": lifted},
            )
        ]
    )
    return row


@transaction.atomic
def do_reject_appeal(appeal: Appeal, *, reason: str, acting_user: Account) -> Appeal:
    """Reject with a required reason: the withholding stays; the owner is told why and where
    else to go (the pack's external routes). Audited."""
    check_desk_access(acting_user)
    reason = check_text(reason, what="reason", limit=REASON_MAX_CHARS)
    lock_legal_state()  # lock order: tidings/lib/locks.py (the same as granting)
    row = _lock_open_appeal(appeal, acting_user)
    withholding = row.withholding
    _decide(row, AppealStatus.REJECTED, reason, acting_user)
    lines = [
        f"Your appeal {_reference(row)} was rejected: {subject_text(withholding)} remains "
        f"withheld {withheld_where(withholding.countries)}.",
        f"Reason: {reason}",
    ]
    routes = routes_text(appeal_pack(withholding))
    if routes:
        lines.append(routes)
    _tell_owner(row, f"Your appeal {_reference(row)} was rejected", "\n\n".join(lines))
    record_events(
        [
            EventSpec(
                "legal.appeal.reject",
                acting_user.id,
                "appeal",
                str(row.id),
                {"withholding": withholding.id, "reason": reason},
            )
        ]
    )
    return row
