"""What an authority's member sees in the portal: its own demands, their outcomes, their thread.

One rule decides access: a member reads the demands of the Authority it speaks
for (``actions.portal.check_portal_member``) and no other; any other demand,
existing or not, is ``NotFound`` with the same words, so an id tells nothing.

What is shown is public by construction: each item's outcome is derived from
its review state, its match status and its withholding's countries and times,
with fixed texts (``OUTCOME_TEXTS``). Nothing here reads reviewers, decision
reasons, match reasons, evidence, lift reasons or the audit log, and a message's
author is "us" or the authority, never a staff member's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Count, Prefetch, QuerySet

from tidings.legal.actions.portal import check_portal_member
from tidings.legal.models import (
    Attachment,
    Correspondence,
    Demand,
    DemandItem,
    Direction,
    MatchStatus,
    ReviewState,
    Withholding,
)
from tidings.lib.countries import withheld_where
from tidings.lib.errors import NotFound
from tidings.lib.ids import row_id
from tidings.social.models import Account
from tidings.social.queries import Cursor, page_by_cursor

NO_SUCH_DEMAND = "There is no such demand."
NO_SUCH_ATTACHMENT = "There is no such attachment."


class Outcome:
    WITHHELD = "withheld"
    DECLINED = "declined"
    PENDING = "pending"
    LIFTED = "lifted"
    EXPIRED = "expired"
    NOT_ACTIONABLE = "not_actionable"
    DUPLICATE = "duplicate"


OUTCOMES = (
    Outcome.PENDING,
    Outcome.WITHHELD,
    Outcome.DECLINED,
    Outcome.LIFTED,
    Outcome.EXPIRED,
    Outcome.NOT_ACTIONABLE,
    Outcome.DUPLICATE,
)

#: The public words for each outcome; the same in every jurisdiction (no rule pack named).
OUTCOME_TEXTS: dict[str, str] = {
    Outcome.PENDING: "Under review.",
    Outcome.DECLINED: (
        "Declined: after review, we did not find that this content should be withheld "
        "under the law the order invokes."
    ),
    Outcome.NOT_ACTIONABLE: (
        "Not actionable: this line does not identify an account or post on this service."
    ),
    Outcome.DUPLICATE: "Repeats an earlier line of this order.",
}


@dataclass(frozen=True)
class ItemOutcome:
    """One line of an order as its authority may see it."""

    id: int
    line_number: int
    place: str
    raw: str
    outcome: str
    text: str
    countries: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class ThreadMessage:
    message: Correspondence
    attachments: list[Attachment] = field(default_factory=list)
    text: str = ""

    @property
    def letter_html(self) -> str:
        """The letter we generated and sent (our own template's output, escaped when made)."""
        if self.message.direction == Direction.OUTBOUND:
            return self.message.document_html
        return ""

    @property
    def from_authority(self) -> bool:
        return self.message.direction == Direction.INBOUND

    @property
    def at(self) -> datetime | None:
        return self.message.received_at or self.message.sent_at or self.message.created_at


# -- access ----------------------------------------------------------------------------


def portal_demands_of(acting_user: Account | None) -> QuerySet[Demand]:
    """The demands of the authority ``acting_user`` speaks for (``NotPermitted`` for others)."""
    authority = check_portal_member(acting_user)
    return Demand.objects.filter(authority=authority).select_related("authority")


def access_portal_demand(demand_id: int | str, *, acting_user: Account | None) -> Demand:
    """One of the member's own demands; ``NotFound`` for every other id, existing or not."""
    demands = portal_demands_of(acting_user)
    number = row_id(demand_id)
    found = demands.filter(id=number).first() if number is not None else None
    if found is None:
        raise NotFound(NO_SUCH_DEMAND)
    return found


def access_portal_attachment(demand: Demand, attachment_id: int | str) -> Attachment:
    """An attachment of a message in ``demand``'s thread (already accessed), or ``NotFound``."""
    number = row_id(attachment_id)
    found = (
        Attachment.objects.filter(id=number, correspondence__demand_id=demand.id).first()
        if number is not None
        else None
    )
    if found is None:
        raise NotFound(NO_SUCH_ATTACHMENT)
    return found


# -- lists -----------------------------------------------------------------------------


def portal_demands_page(acting_user: Account | None, cursor: Cursor) -> list[Demand]:
    """The member's demands, newest first (ids are time-ordered)."""
    return page_by_cursor(portal_demands_of(acting_user), "id", cursor, cursor.limit)


def outcome_counts(demand_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per demand: items by outcome, from states alone (expiry is read from the clock)."""
    counts: dict[int, dict[str, int]] = {d: dict.fromkeys(OUTCOMES, 0) for d in demand_ids}
    rows = (
        DemandItem.objects.filter(demand_id__in=demand_ids)
        .values_list("demand_id", "match_status", "review_state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for demand_id, match, state, n in rows:
        counts[demand_id][_coarse_outcome(match, state)] += n
    return counts


def _coarse_outcome(match: str, state: str) -> str:
    if match == MatchStatus.DUPLICATE:
        return Outcome.DUPLICATE
    if match != MatchStatus.MATCHED:
        return Outcome.NOT_ACTIONABLE
    return {
        ReviewState.WITHHELD: Outcome.WITHHELD,
        ReviewState.DECLINED: Outcome.DECLINED,
        ReviewState.LIFTED: Outcome.LIFTED,
    }.get(state, Outcome.PENDING)


def _when(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def item_outcome(item: DemandItem, withholding: Withholding | None, now: datetime) -> ItemOutcome:
    """The public outcome of ``item``; ``withholding`` is its latest, if any."""
    outcome = _coarse_outcome(item.match_status, item.review_state)
    countries: tuple[str, ...] = ()
    since = until = None
    text = OUTCOME_TEXTS.get(outcome, "")
    if withholding is not None and outcome in (Outcome.WITHHELD, Outcome.LIFTED):
        countries = tuple(sorted(withholding.countries))
        since, until = withholding.starts_at, withholding.ends_at
        where = withheld_where(countries)
        if withholding.lifted_at is not None:
            outcome, until = Outcome.LIFTED, withholding.lifted_at
            text = f"Was withheld {where}; reinstated on {_when(withholding.lifted_at)}."
        elif withholding.ends_at is not None and withholding.ends_at <= now:
            outcome = Outcome.EXPIRED
            text = f"Was withheld {where} until {_when(withholding.ends_at)}; that time has passed."
        else:
            outcome = Outcome.WITHHELD
            end = f"until {_when(until)}" if until else "until further notice"
            text = f"Withheld {where} {end}."
    elif outcome == Outcome.LIFTED:
        text = "Was withheld; reinstated."
    elif outcome == Outcome.WITHHELD:
        text = "Withheld."
    return ItemOutcome(
        id=item.id,
        line_number=item.line_number,
        place=item.place or f"line {item.line_number}",
        raw=item.raw,
        outcome=outcome,
        text=text,
        countries=countries,
        since=since,
        until=until,
    )


def item_outcomes(items: Iterable[DemandItem], now: datetime) -> list[ItemOutcome]:
    """Outcomes of ``items`` in the order given, with one query for their withholdings."""
    items = list(items)
    latest: dict[int, Withholding] = {}
    rows = Withholding.objects.filter(demand_item_id__in=[i.id for i in items]).order_by("id")
    for withholding in rows.only(
        "id", "demand_item_id", "countries", "starts_at", "ends_at", "lifted_at"
    ):
        latest[withholding.demand_item_id] = withholding  # later ids win
    return [item_outcome(i, latest.get(i.id), now) for i in items]


_ITEM_FIELDS = ("id", "demand_id", "line_number", "place", "raw", "match_status", "review_state")


def portal_items(demand: Demand) -> QuerySet[DemandItem]:
    """The items of ``demand``, with only the columns the portal may show."""
    return DemandItem.objects.filter(demand=demand).only(*_ITEM_FIELDS)


def portal_items_page(demand: Demand, cursor: Cursor) -> list[DemandItem]:
    return page_by_cursor(portal_items(demand), "id", cursor, cursor.limit)


# -- the thread ------------------------------------------------------------------------


def thread(demand: Demand) -> list[ThreadMessage]:
    """Every message of ``demand``'s thread, oldest first, with its attachments (not their bytes)."""
    attachments = Attachment.objects.defer("content").order_by("id")
    messages = (
        Correspondence.objects.filter(demand=demand)
        .prefetch_related(Prefetch("attachments", queryset=attachments))
        .order_by("created_at", "id")
    )
    return [
        ThreadMessage(m, list(m.attachments.all()), m.body or _document_text(m.document_html))
        for m in messages
    ]


def _document_text(html: str) -> str:
    """A generated document's words, for a message that has no text of its own."""
    if not html:
        return ""
    from django.utils.html import strip_tags

    spaced = _CELL_END.sub(" \t", _BLOCK_END.sub("\n", html))
    lines = (" ".join(line.split()) for line in strip_tags(spaced).splitlines())
    return "\n".join(line for line in lines if line)


#: Where a generated letter's blocks and table cells end, so its words keep their lines.
_BLOCK_END = re.compile(
    r"<br\s*/?>|</(?:p|div|tr|h[1-6]|li|address|header|footer|section|caption)>", re.I
)
_CELL_END = re.compile(r"</t[dh]>", re.I)
