"""The legal-desk admin API's entities (Demand, DemandItem, Withholding) as plain dicts.

Ids are strings and times are Mastodon's ``iso`` form, as everywhere in the API.
The ``*Out`` schemas only document the shapes in ``/api/openapi.json``; the
dicts are built by hand and rendered with orjson.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Schema

from tidings.api.serializers import iso
from tidings.legal.clocks import Clock, demand_clocks, demand_pack
from tidings.legal.models import Demand, DemandItem, MatchStatus, ReviewState, Withholding
from tidings.legal.queries import shown_review_state
from tidings.transparency.redaction import details_public_at

#: The keys of ``Demand.counts``: items by match status, then matched items by review state.
COUNT_KEYS = (*MatchStatus.values, *ReviewState.values, "expired")


class AuthorityOut(Schema):
    id: str
    name: str
    country: str
    kind: str


class CountsOut(Schema):
    """Items by match status; review states count matched items only (the ones decided).

    ``expired`` counts withheld items whose withholdings have all ended (``ends_at``
    passed); they are not counted in ``withheld``.
    """

    matched: int
    unknown: int
    invalid: int
    duplicate: int
    pending: int
    withheld: int
    declined: int
    escalated: int
    lifted: int
    expired: int  # withheld items whose withholdings all ended by the clock


class RulePackOut(Schema):
    code: str
    name: str


class ClockOut(Schema):
    """One clock: due and met moments (UTC), its state, and whether it is law or our policy."""

    key: str
    label: str
    due_at: str
    met_at: str | None
    state: Literal["due", "overdue", "met", "met_late"]
    law: bool
    source: str


class DemandOut(Schema):
    id: str
    authority: AuthorityOut
    reference: str
    country: str
    legal_basis: str
    legal_basis_code: str
    kind: str
    received_at: str
    due_at: str | None
    confidential: bool
    status: str
    confirmed_at: str | None
    notices_released_at: str | None
    #: When a legal admin published this confidential order's details (None: not by hand).
    published_at: str | None
    #: When its details (reference, legal basis text, named targets) became or become public
    #: on its notice: its receipt if not confidential; None: only when a legal admin publishes.
    details_public_at: str | None
    counts: CountsOut
    public_notice_url: str
    rule_pack: RulePackOut
    clocks: list[ClockOut]


class ItemAccountOut(Schema):
    id: str
    acct: str
    display_name: str
    followers_count: int
    kind: str
    verified: bool


class SuggestedAccountOut(Schema):
    """A local account offered for an unknown line (e.g. the namesake of a handle elsewhere)."""

    id: str
    handle: str


class DemandItemOut(Schema):
    id: str
    line_number: int
    raw: str
    target: str
    match_status: str
    match_reason: str
    #: The stored state, or "expired" for a withheld item whose withholding ended by the clock.
    review_state: str
    decision_reason: str
    reviewer_id: str | None
    decided_at: str | None
    account: ItemAccountOut | None
    status_id: str | None
    suggested_account: SuggestedAccountOut | None


class ImportOut(Schema):
    demand: DemandOut
    items: list[DemandItemOut]
    blank_lines: int


class WithholdingOut(Schema):
    id: str
    scope: Literal["account", "status"]
    account_id: str | None
    status_id: str | None
    country_codes: list[str]
    starts_at: str
    ends_at: str | None
    lifted_at: str | None
    lift_reason: str
    demand_id: str | None
    demand_item_id: str | None
    active: bool


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)


def clock_json(clock: Clock, now: datetime) -> dict[str, Any]:
    return {
        "key": str(clock.key),
        "label": clock.label,
        "due_at": iso(clock.due_at),
        "met_at": iso(clock.met_moment(now)),
        "state": str(clock.state(now)),
        "law": clock.law,
        "source": clock.source,
    }


def demand_json(request: HttpRequest, demand: Demand, counts: Mapping[str, int]) -> dict[str, Any]:
    """A Demand; ``demand.authority`` must be loaded and ``counts`` keyed by ``COUNT_KEYS``."""
    authority = demand.authority
    pack, now = demand_pack(demand), timezone.now()
    notice = reverse("transparency:demand_notice", args=[demand.id])
    return {
        "id": str(demand.id),
        "authority": {
            "id": str(authority.id),
            "name": authority.name,
            "country": authority.country,
            "kind": authority.kind,
        },
        "reference": demand.reference,
        "country": demand.country,
        "legal_basis": demand.legal_basis,
        "legal_basis_code": demand.legal_basis_code,
        "kind": demand.kind,
        "received_at": iso(demand.received_at),
        "due_at": iso(demand.due_at),
        "confidential": demand.confidential,
        "status": demand.status,
        "confirmed_at": iso(demand.confirmed_at),
        "notices_released_at": iso(demand.notices_released_at),
        "published_at": iso(demand.published_at),
        "details_public_at": iso(details_public_at(demand)),
        "counts": {key: counts.get(key, 0) for key in COUNT_KEYS},
        "public_notice_url": request.build_absolute_uri(notice),
        "rule_pack": {"code": pack.code, "name": pack.name},
        "clocks": [clock_json(c, now) for c in demand_clocks(demand)],
    }


def item_json(item: DemandItem) -> dict[str, Any]:
    """A DemandItem; ``item.account`` and ``item.suggested_account`` should be loaded
    (select_related) to avoid a query each."""
    account = item.account if item.account_id else None
    return {
        "id": str(item.id),
        "line_number": item.line_number,
        "raw": item.raw,
        "target": item.target,
        "match_status": item.match_status,
        "match_reason": item.match_reason,
        "review_state": shown_review_state(item),
        "decision_reason": item.decision_reason,
        "reviewer_id": _id(item.reviewer_id),
        "decided_at": iso(item.decided_at),
        "account": None
        if account is None
        else {
            "id": str(account.id),
            "acct": account.username,
            "display_name": account.display_name,
            "followers_count": account.followers_count,
            "kind": account.kind,
            "verified": account.verified,
        },
        "status_id": _id(item.post_id),
        "suggested_account": None
        if not item.suggested_account_id
        else {"id": str(item.suggested_account_id), "handle": item.suggested_account.username},
    }


def is_active(withholding: Withholding, now: datetime) -> bool:
    """In force at ``now``: the same rule as ``Withholding.objects.active_at``."""
    return (
        withholding.lifted_at is None
        and withholding.starts_at <= now
        and (withholding.ends_at is None or withholding.ends_at > now)
    )


def withholding_json(withholding: Withholding, now: datetime) -> dict[str, Any]:
    """A Withholding; ``withholding.demand_item`` should be loaded for ``demand_id``."""
    item = withholding.demand_item if withholding.demand_item_id else None
    return {
        "id": str(withholding.id),
        "scope": withholding.scope,
        "account_id": _id(withholding.account_id),
        "status_id": _id(withholding.post_id),
        "country_codes": list(withholding.countries),
        "starts_at": iso(withholding.starts_at),
        "ends_at": iso(withholding.ends_at),
        "lifted_at": iso(withholding.lifted_at),
        "lift_reason": withholding.lift_reason,
        "demand_id": _id(item.demand_id if item is not None else None),
        "demand_item_id": _id(withholding.demand_item_id),
        "active": is_active(withholding, now),
    }
