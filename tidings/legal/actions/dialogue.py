"""The dialogue with the authority: letters we send, and the notices it sends us.

Every act here adds one message to the demand's thread (through
``do_record_correspondence``, audited under the act's own name) and moves
the demand's due-process moments (its clocks read them):

- we acknowledge receipt (``acknowledged_at``), send a status update with the
  outcome of every item (``authority_informed_at``) and answer a non-compliance
  notice (``noncompliance_answered_at``; the status is derived from the items
  again). Each letter is kept as HTML with its PDF attached, and e-mailed with
  the PDF to the authority's contact address once committed;
- the authority sends a non-compliance notice (status ``noncompliance_notice``
  until answered), withdraws the order (every live withholding is lifted with
  reason "order withdrawn", its owners are told; status ``withdrawn``, final),
  or calls a hearing (``hearing_at``; a notice shorter than the pack's minimum
  is recorded anyway and flagged).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tidings.legal.actions.correspondence import NewAttachment, do_record_correspondence
from tidings.legal.actions.intake import check_imported, import_refusal
from tidings.legal.actions.withholding import lift_withholdings
from tidings.legal.clocks import demand_pack
from tidings.legal.correspondence_mail import contact_addresses, enqueue_letter_email
from tidings.legal.documents import Letter, letter_for, local, render_html, render_pdf, zone_of
from tidings.legal.models import (
    Channel,
    Correspondence,
    CorrespondenceKind,
    Demand,
    DemandItem,
    DemandStatus,
    Direction,
    MatchStatus,
    Withholding,
)
from tidings.legal.roles import check_can_correspond, check_desk_access
from tidings.legal.states import derived_status
from tidings.lib.errors import InvalidInput
from tidings.lib.locks import lock_legal_state
from tidings.social.models import Account

WITHDRAWN_REASON = "order withdrawn"
RESPONSE_MAX_CHARS = 20_000


def _lock(demand: Demand) -> None:
    """Take the legal state, then ``demand``'s row, and re-read it (lock order: tidings/lib/locks.py).

    The legal state first, as every act that decides or lifts does: these acts
    set the demand's status and dates, which deciding and lifting also write.
    """
    lock_legal_state()
    fresh = Demand.objects.select_for_update().get(id=demand.id)
    for field in Demand._meta.concrete_fields:
        setattr(demand, field.attname, getattr(fresh, field.attname))


def _withdrawn_refusal(demand: Demand) -> str | None:
    if demand.status != DemandStatus.WITHDRAWN:
        return None
    when = f" on {demand.withdrawn_at:%d %B %Y}" if demand.withdrawn_at else ""
    return f"The authority withdrew this order{when}; nothing more is sent on it."


def _check(refusal: str | None) -> None:
    if refusal is not None:
        raise InvalidInput(refusal)


def _check_not_withdrawn(demand: Demand) -> None:
    _check(_withdrawn_refusal(demand))


def letter_refusal(demand: Demand) -> str | None:
    """Why no letter (status update) can be sent on ``demand``: its import is unfinished, or
    the order was withdrawn. None: one can."""
    return import_refusal(demand.status) or _withdrawn_refusal(demand)


def acknowledge_refusal(demand: Demand) -> str | None:
    """Why ``demand``'s receipt cannot be acknowledged (a letter cannot go, or it already was)."""
    refusal = letter_refusal(demand)
    if refusal is None and demand.acknowledged_at is not None:
        refusal = f"This order was already acknowledged on {demand.acknowledged_at:%d %B %Y}."
    return refusal


def noncompliance_response_refusal(demand: Demand) -> str | None:
    """Why there is nothing to answer: no non-compliance notice is open on ``demand``."""
    if demand.status != DemandStatus.NONCOMPLIANCE_NOTICE:
        return "There is no open non-compliance notice on this order to answer."
    return None


def _send_letter(
    demand: Demand,
    letter: Letter,
    *,
    kind: str,
    body: str = "",
    acting_user: Account,
    audit_action: str,
    audit_data: dict[str, object] | None = None,
) -> Correspondence:
    """Store the letter outbound (HTML and its PDF) and queue its e-mail after commit."""
    pdf = render_pdf(letter)
    addresses = contact_addresses(demand.authority)
    message = do_record_correspondence(
        demand,
        direction=Direction.OUTBOUND,
        kind=kind,
        channel=Channel.PORTAL,
        subject=f"{letter.title}: {demand.reference}"[:300],
        body=body,
        document_html=render_html(letter),
        attachments=[NewAttachment(letter.filename, pdf)],
        acting_user=acting_user,
        audit_action=audit_action,
        audit_data={"emailed_to": addresses, **(audit_data or {})},
    )
    enqueue_letter_email(message)
    return message


# -- letters we send -------------------------------------------------------------------------------


@transaction.atomic
def do_acknowledge_demand(demand: Demand, *, acting_user: Account) -> Correspondence:
    """Acknowledge receipt of the order (once); meets the acknowledge clock."""
    check_desk_access(acting_user)
    _lock(demand)  # re-reads the demand: the refusal sees its committed status
    _check(acknowledge_refusal(demand))
    count = DemandItem.objects.filter(demand=demand).count()
    letter = letter_for(
        demand,
        "Acknowledgement of receipt",
        [
            f"We acknowledge receipt of your order {demand.reference}, received on "
            f"{local(demand.received_at, zone_of(demand))}, naming {count} "
            f"item{'s' if count != 1 else ''}.",
            "Each item is being reviewed. We will inform you of the effect given to the order.",
        ],
        with_table=False,
    )
    message = _send_letter(
        demand,
        letter,
        kind=CorrespondenceKind.ACKNOWLEDGEMENT,
        acting_user=acting_user,
        audit_action="legal.acknowledge",
    )
    demand.acknowledged_at = message.sent_at
    Demand.objects.filter(id=demand.id).update(acknowledged_at=message.sent_at)
    return message


def _outcome_summary(demand: Demand) -> str:
    items = DemandItem.objects.filter(demand=demand, match_status=MatchStatus.MATCHED)
    counts = dict(items.values_list("review_state").annotate(n=Count("id")))
    withheld = counts.get("withheld", 0) + counts.get("lifted", 0)
    pending = counts.get("pending", 0) + counts.get("escalated", 0)
    identified = sum(counts.values())
    return (
        f"Of the {identified} item{'s' if identified != 1 else ''} we could identify: "
        f"{withheld} withheld, {counts.get('declined', 0)} declined, {pending} still under "
        "review. The table below gives the outcome of each item."
    )


@transaction.atomic
def do_send_status_update(
    demand: Demand, *, note: str = "", acting_user: Account
) -> Correspondence:
    """Tell the authority the effect given to each item; the first one meets the inform clock."""
    check_desk_access(acting_user)
    _lock(demand)  # re-reads the demand: the refusal sees its committed status
    _check(letter_refusal(demand))
    note = _text(note, "note", required=False)
    letter = letter_for(
        demand,
        "Status update",
        [
            f"This is the status of your order {demand.reference} as of today.",
            _outcome_summary(demand),
            note,
        ],
        with_table=True,
    )
    message = _send_letter(
        demand,
        letter,
        kind=CorrespondenceKind.STATUS_UPDATE,
        body=note,
        acting_user=acting_user,
        audit_action="legal.status_update",
    )
    if demand.authority_informed_at is None:
        demand.authority_informed_at = message.sent_at
        Demand.objects.filter(id=demand.id).update(authority_informed_at=message.sent_at)
    return message


@transaction.atomic
def do_respond_to_noncompliance(
    demand: Demand, *, body: str, acting_user: Account
) -> Correspondence:
    """Answer the open non-compliance notice; the status is the one derived from the items again."""
    check_desk_access(acting_user)
    _lock(demand)
    _check(noncompliance_response_refusal(demand))
    body = _text(body, "response", required=True)
    letter = letter_for(
        demand,
        "Response to a non-compliance notice",
        [
            f"We have received your notice of non-compliance concerning order "
            f"{demand.reference}"
            + (
                f", received on {local(demand.noncompliance_received_at, zone_of(demand))}."
                if demand.noncompliance_received_at
                else "."
            ),
            body,
            "The outcome of each item of the order is as follows.",
        ],
        with_table=True,
    )
    message = _send_letter(
        demand,
        letter,
        kind=CorrespondenceKind.NONCOMPLIANCE_RESPONSE,
        body=body,
        acting_user=acting_user,
        audit_action="legal.noncompliance.respond",
    )
    status = _status_from_items(demand)
    demand.noncompliance_answered_at, demand.status = message.sent_at, status
    Demand.objects.filter(id=demand.id).update(
        noncompliance_answered_at=message.sent_at, status=status
    )
    return message


def _status_from_items(demand: Demand) -> str:
    counts = dict(
        DemandItem.objects.filter(demand=demand, match_status=MatchStatus.MATCHED)
        .values_list("review_state")
        .annotate(n=Count("id"))
    )
    return derived_status(counts, sum(counts.values()))


def _text(text: str, what: str, *, required: bool) -> str:
    text = (text or "").replace("\x00", "").strip()
    if required and not text:
        raise InvalidInput(f"Write the {what}.")
    if len(text) > RESPONSE_MAX_CHARS:
        raise InvalidInput(
            f"The {what} is {len(text):,} characters; at most {RESPONSE_MAX_CHARS:,}."
        )
    return text


# -- notices the authority sends -----------------------------------------------------------------


@transaction.atomic
def do_receive_noncompliance_notice(
    demand: Demand,
    *,
    received_at: datetime | None = None,
    body: str = "",
    attachments: Sequence[NewAttachment] = (),
    channel: str = Channel.PORTAL,
    acting_user: Account,
) -> Correspondence:
    """Record the authority's notice that we have not complied; its answer clock starts.

    Desk staff record one however it came; an authority's member sends one
    through the portal. A later notice restarts the clock.
    """
    check_can_correspond(acting_user, demand)
    _lock(demand)
    check_imported(demand)
    _check_not_withdrawn(demand)
    message = do_record_correspondence(
        demand,
        direction=Direction.INBOUND,
        kind=CorrespondenceKind.NONCOMPLIANCE_NOTICE,
        channel=channel,
        subject=f"Non-compliance notice: {demand.reference}"[:300],
        body=body,
        received_at=received_at,
        attachments=attachments,
        acting_user=acting_user,
        audit_action="legal.noncompliance.receive",
    )
    changes = {
        "status": DemandStatus.NONCOMPLIANCE_NOTICE,
        "noncompliance_received_at": message.received_at,
        "noncompliance_answered_at": None,
    }
    Demand.objects.filter(id=demand.id).update(**changes)
    for name, value in changes.items():
        setattr(demand, name, value)
    return message


@transaction.atomic
def do_withdraw_demand(
    demand: Demand,
    *,
    received_at: datetime | None = None,
    body: str = "",
    attachments: Sequence[NewAttachment] = (),
    channel: str = Channel.PORTAL,
    acting_user: Account,
) -> Correspondence:
    """Record the authority's withdrawal: every live withholding of the order is lifted.

    The lifts carry reason "order withdrawn" and tell the owners as any lift
    does; items still pending can no longer be decided. Final.
    """
    check_can_correspond(acting_user, demand)
    _lock(demand)
    check_imported(demand)
    if demand.status == DemandStatus.WITHDRAWN:
        raise InvalidInput("This order was already withdrawn.")
    now = timezone.now()
    live = list(
        Withholding.objects.filter(demand_item__demand=demand, lifted_at=None)
        .filter(Q(ends_at=None) | Q(ends_at__gt=now))
        .order_by("id")
    )
    if live:  # before the message: the audit chain head is always the last lock taken
        lift_withholdings(live, reason=WITHDRAWN_REASON, acting_user=acting_user)
    message = do_record_correspondence(
        demand,
        direction=Direction.INBOUND,
        kind=CorrespondenceKind.WITHDRAWAL,
        channel=channel,
        subject=f"Withdrawal of order {demand.reference}"[:300],
        body=body,
        received_at=received_at,
        attachments=attachments,
        acting_user=acting_user,
        audit_action="legal.withdraw",
        audit_data={"lifted": [w.id for w in live]},
    )
    demand.status, demand.withdrawn_at = DemandStatus.WITHDRAWN, message.received_at
    Demand.objects.filter(id=demand.id).update(
        status=DemandStatus.WITHDRAWN, withdrawn_at=message.received_at
    )
    return message


@dataclass(frozen=True)
class ShortNotice:
    given: timedelta
    required: timedelta
    rule: str

    @property
    def text(self) -> str:
        return (
            f"short notice: {_hours(self.given)} given, {self.rule} requires "
            f"{_hours(self.required)}"
        )


def _hours(span: timedelta) -> str:
    return f"{max(0, int(span.total_seconds() // 3600))} h"


def _rule_name(source: str) -> str:
    found = re.search(r"Rule \d+[A-Z]?", source)
    return found.group(0) if found else source


def short_notice(demand: Demand, received_at: datetime, hearing_at: datetime) -> ShortNotice | None:
    """The shortfall when a hearing was called with less notice than the pack's minimum."""
    rule = demand_pack(demand).hearing_notice
    if rule is None or rule.within is None:
        return None
    given = hearing_at - received_at
    if given >= rule.within:
        return None
    return ShortNotice(given, rule.within, _rule_name(rule.source))


@transaction.atomic
def do_record_hearing_notice(
    demand: Demand,
    *,
    hearing_at: datetime,
    received_at: datetime | None = None,
    body: str = "",
    attachments: Sequence[NewAttachment] = (),
    channel: str = Channel.PORTAL,
    acting_user: Account,
) -> Correspondence:
    """Record the authority's notice of a hearing; short notice is recorded anyway, and flagged."""
    check_can_correspond(acting_user, demand)
    _lock(demand)
    check_imported(demand)
    _check_not_withdrawn(demand)
    if hearing_at is None:
        raise InvalidInput("Give the date and time of the hearing.")
    received = received_at or timezone.now()
    if hearing_at <= received:
        raise InvalidInput("The hearing must be after the notice was received.")
    short = short_notice(demand, received, hearing_at)
    message = do_record_correspondence(
        demand,
        direction=Direction.INBOUND,
        kind=CorrespondenceKind.HEARING_NOTICE,
        channel=channel,
        subject=f"Hearing on {local(hearing_at, zone_of(demand))}"[:300],
        body=body,
        received_at=received,
        attachments=attachments,
        acting_user=acting_user,
        audit_action="legal.hearing",
        audit_data={
            "hearing_at": hearing_at.isoformat(),
            "short_notice": short.text if short else None,
        },
    )
    demand.hearing_at = hearing_at
    Demand.objects.filter(id=demand.id).update(hearing_at=hearing_at)
    return message


def hearing_flag(demand: Demand, message: Correspondence) -> str | None:
    """The short-notice flag of the hearing notice that set the demand's current hearing."""
    if message.kind != CorrespondenceKind.HEARING_NOTICE or demand.hearing_at is None:
        return None
    if message.received_at is None:
        return None
    latest = (
        Correspondence.objects.filter(demand=demand, kind=CorrespondenceKind.HEARING_NOTICE)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    if latest != message.id:
        return None
    short = short_notice(demand, message.received_at, demand.hearing_at)
    return short.text if short else None
