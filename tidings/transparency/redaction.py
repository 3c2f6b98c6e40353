"""The redaction policy: what the public may read of a demand, in one place.

Every public surface (the notice pages, the notices list and its feed, banners
and the 451 page, the Lumen and DSA exports) asks this module, never the
models directly:

- **Details** (the order's reference, the text of its legal basis, the targets
  it named) are public when the order is not confidential; a confidential one
  is published ``TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS`` after receipt, or
  earlier when a legal admin publishes it (``do_publish_demand``). Before then
  its notice says who asked, where, when, under which statute (the basis code
  alone) and what was done, in counts.
- **Targets**: accounts of public figures and outlets (verified accounts, news
  outlets, journalists, politicians, celebrities, organisations, unions), and
  posts by them, are named with their outcome; private individuals are only
  counted, by scope and outcome. Nothing here reads a reviewer, a decision
  reason, a match reason or a lift reason: outcomes are the portal's public
  words (``legal.portal_queries.item_outcome``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q

from tidings.legal.models import Demand, DemandItem, DemandKind, MatchStatus
from tidings.legal.portal_queries import OUTCOMES, Outcome, item_outcomes, outcome_counts
from tidings.legal.queries import expired_items
from tidings.social.models import Account, AccountKind

#: Account kinds whose name is public interest: named on notices and in exports.
PUBLIC_FIGURE_KINDS = frozenset(
    {
        AccountKind.NEWS,
        AccountKind.JOURNALIST,
        AccountKind.POLITICIAN,
        AccountKind.CELEBRITY,
        AccountKind.ORGANISATION,
        AccountKind.UNION,
    }
)


def is_public_figure(account: Account) -> bool:
    """Named in public (a public figure or outlet) rather than only counted (a private person)."""
    return account.verified or account.kind in PUBLIC_FIGURE_KINDS


def publication_due_at(demand: Demand) -> datetime | None:
    """When a confidential order's details become public by the clock (None: never by itself)."""
    days = settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS
    if not demand.confidential or days is None:
        return None
    return demand.received_at + timedelta(days=days)


def details_published(demand: Demand, now: datetime) -> bool:
    """Whether the order's reference, legal basis text and named targets may be shown."""
    if not demand.confidential or demand.published_at is not None:
        return True
    due = publication_due_at(demand)
    return due is not None and due <= now


def public_reference(demand: Demand, now: datetime) -> str:
    """The order's own reference, or "" while it is confidential."""
    return demand.reference if details_published(demand, now) else ""


def public_legal_basis(demand: Demand, now: datetime) -> str:
    """The legal basis as the public may read it: code and text once published, the code alone
    (the statute, never the order's wording) before."""
    code, text = demand.legal_basis_code.strip(), demand.legal_basis.strip()
    if not text or not details_published(demand, now):
        return code
    return f"{text} ({code})" if code else text


@dataclass(frozen=True)
class NamedTarget:
    """A public figure's account or post named by an order, and what was done."""

    scope: str  # "account" or "status"
    handle: str
    display_name: str
    kind: str  # the account kind's label ("News outlet")
    url: str
    outcome: str  # one of ``portal_queries.OUTCOMES``
    text: str  # the outcome in public words
    countries: tuple[str, ...] = ()


@dataclass
class PublicTargets:
    """The targets of an order under the redaction policy."""

    named: list[NamedTarget] = field(default_factory=list)
    #: (scope, outcome) → how many private individuals' accounts or posts.
    counted: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: Lines that named nothing on this service, and repeated lines.
    not_actionable: int = 0
    duplicate: int = 0

    @property
    def counted_rows(self) -> list[tuple[str, str, int]]:
        """(scope, outcome, count), accounts first, in outcome order."""
        order = {outcome: i for i, outcome in enumerate(OUTCOMES)}
        return sorted(
            ((scope, outcome, n) for (scope, outcome), n in self.counted.items()),
            key=lambda row: (row[0] != "account", order.get(row[1], 99)),
        )


def site_url() -> str:
    """This platform's canonical address (``TIDINGS_DOMAIN``)."""
    scheme = "https" if settings.TIDINGS_HTTPS else "http"
    return f"{scheme}://{settings.DOMAIN}"


def public_targets(demand: Demand, now: datetime) -> PublicTargets | None:
    """What the notice may say of the order's targets; None while its details are unpublished.

    Costs two queries whatever the order's size (items with their subjects, then
    their withholdings).
    """
    if not details_published(demand, now):
        return None
    items = list(
        DemandItem.objects.filter(demand=demand)
        .select_related("account", "post__author")
        .order_by("line_number")
    )
    targets = PublicTargets()
    base = site_url()
    for item, outcome in zip(items, item_outcomes(items, now), strict=True):
        if item.match_status == MatchStatus.DUPLICATE:
            targets.duplicate += 1
            continue
        owner = item.post.author if item.post else item.account
        if item.match_status != MatchStatus.MATCHED or owner is None:
            targets.not_actionable += 1
            continue
        scope = "status" if item.post is not None else "account"
        if not is_public_figure(owner):
            targets.counted[(scope, outcome.outcome)] += 1
            continue
        path = f"/@{owner.username}" + (f"/{item.post_id}" if scope == "status" else "")
        targets.named.append(
            NamedTarget(
                scope=scope,
                handle=owner.username,
                display_name=owner.display_name or owner.username,
                kind=owner.get_kind_display() if not owner.verified else "Verified account",
                url=base + path,
                outcome=outcome.outcome,
                text=outcome.text,
                countries=outcome.countries,
            )
        )
    return targets


#: Lumen's words for what a platform did about a notice.
ACTION_YES, ACTION_NO, ACTION_PARTIAL, ACTION_PENDING = "Yes", "No", "Partial", "Pending"


def action_taken(outcomes: dict[str, int]) -> str:
    """What was done about an order, from its items' outcome counts (``portal_queries.OUTCOMES``).

    "Yes": every matched line was withheld (even if later reinstated or expired); "No":
    every matched line was declined, or none matched; "Partial": some withheld, others
    declined or still in review; "Pending": nothing withheld yet and some still in review.
    """
    acted = sum(outcomes.get(o, 0) for o in ("withheld", "lifted", "expired"))
    declined, pending = outcomes.get("declined", 0), outcomes.get("pending", 0)
    if acted and not (declined or pending):
        return ACTION_YES
    if acted:
        return ACTION_PARTIAL
    return ACTION_PENDING if pending else ACTION_NO


def details_published_q(now: datetime) -> Q:
    """``details_published`` as a filter on demands, for lists and searches (same rule)."""
    published = Q(confidential=False) | Q(published_at__isnull=False)
    days = settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS
    if days is not None:
        published |= Q(received_at__lte=now - timedelta(days=days))
    return published


def details_public_at(demand: Demand) -> datetime | None:
    """When the order's details became (or will become) public; None: only if a legal admin
    publishes them. An order that is not confidential is public from its receipt."""
    if not demand.confidential:
        return demand.received_at
    due = publication_due_at(demand)
    if demand.published_at is not None and (due is None or demand.published_at < due):
        return demand.published_at
    return due


COURT_ORDER, OTHER_LEGAL_DEMAND = "Court order", "Other legal demand"


def public_kind(demand: Demand) -> str:
    """The kind of demand as published (Lumen's two categories): a court's order or any other."""
    return COURT_ORDER if demand.kind == DemandKind.COURT_ORDER else OTHER_LEGAL_DEMAND


def public_outcome_counts(demand_ids: Sequence[int], now: datetime) -> dict[int, dict[str, int]]:
    """Per demand: its lines by public outcome (``portal_queries.OUTCOMES``), in two queries.

    A withheld line whose withholdings all ended by the clock counts as ``expired``,
    not ``withheld``, as on the desk.
    """
    counts = outcome_counts(demand_ids)
    expired = (
        expired_items(DemandItem.objects.filter(demand_id__in=demand_ids), now)
        .values_list("demand_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for demand_id, n in expired:
        counts[demand_id][Outcome.WITHHELD] -= n
        counts[demand_id][Outcome.EXPIRED] += n
    return counts
