"""Deciding the items of a demand, single or in bulk, and confirming emergency orders.

A bulk decision is one transaction: every item moves along the review state
graph, every withholding is created, and one audit event per item (and per
withholding) is written, or nothing is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from django.db import transaction
from django.utils import timezone

from tidings.audit.chain import EventSpec, record_events
from tidings.legal.actions.intake import import_refusal
from tidings.legal.actions.withholding import (
    build_withholding,
    check_countries,
    check_until,
    withhold_event,
)
from tidings.legal.clocks import demand_pack
from tidings.legal.jurisdictions import withholding_refusal
from tidings.legal.models import (
    Demand,
    DemandItem,
    DemandKind,
    DemandStatus,
    LegalNotice,
    MatchStatus,
    NoticeKind,
    ReviewState,
    Withholding,
)
from tidings.legal.notices import create_notices, enqueue_notices
from tidings.legal.roles import check_desk_access, check_desk_admin, is_desk_admin
from tidings.legal.states import allowed_moves, move_items, refresh_demand_status
from tidings.legal.withheld import bump_version, index_ends, index_withholdings
from tidings.lib.errors import InvalidInput
from tidings.lib.locks import lock_legal_state
from tidings.social.models import Account

#: An emergency order's withholdings lapse this long after receipt unless confirmed, where
#: its rule pack has no lapse rule of its own (India's: Blocking Rules 2009, Rule 9, 48 h).
EMERGENCY_LAPSE = timedelta(hours=48)


def emergency_lapse(demand: Demand) -> timedelta:
    rule = demand_pack(demand).emergency_lapse
    return rule.within if rule is not None and rule.within is not None else EMERGENCY_LAPSE


Action = Literal["withhold", "decline", "escalate"]
ACTIONS: dict[str, str] = {
    "withhold": ReviewState.WITHHELD,
    "decline": ReviewState.DECLINED,
    "escalate": ReviewState.ESCALATED,
}


def emergency_lapse_at(demand: Demand) -> datetime | None:
    """When an unconfirmed emergency order's withholdings lapse (None if not applicable)."""
    if demand.kind != DemandKind.EMERGENCY_ORDER or demand.confirmed_at is not None:
        return None
    return demand.received_at + emergency_lapse(demand)


LAPSED = "This emergency order has lapsed; a legal admin must confirm it first."


def decision_refusal(status: str | None) -> str | None:
    """Why no item of a demand in ``status`` can be decided (None: its items can be)."""
    refusal = import_refusal(status)
    if refusal is None and status == DemandStatus.WITHDRAWN:
        refusal = "The authority withdrew this order; its items can no longer be decided."
    return refusal


def withhold_refusal(demand: Demand, now: datetime) -> str | None:
    """Why nothing of ``demand`` can be withheld at ``now`` (its rule pack, or a lapsed emergency)."""
    refusal = withholding_refusal(demand_pack(demand), demand.kind)
    if refusal is None:
        lapse = emergency_lapse_at(demand)
        if lapse is not None and lapse <= now:
            refusal = LAPSED
    return refusal


def needs_admin(item: DemandItem) -> bool:
    """An escalated item is decided by a legal admin."""
    return item.review_state == ReviewState.ESCALATED


def item_actions(item: DemandItem, acting_user: Account | None, *, can_withhold: bool) -> list[str]:
    """The decisions ``acting_user`` may apply to ``item``: the state graph's moves, withholding
    only a matched item (and only where ``can_withhold``), an escalated item only as a legal admin."""
    if needs_admin(item) and not is_desk_admin(acting_user):
        return []
    moves = allowed_moves(item.review_state)
    return [
        action
        for action, to in ACTIONS.items()
        if to in moves
        and (action != "withhold" or (can_withhold and item.match_status == MatchStatus.MATCHED))
    ]


def _select_items(demand: Demand, item_ids: Sequence[int] | str) -> list[DemandItem]:
    items = (
        DemandItem.objects.select_for_update(of=("self",))
        .select_related("account", "post", "post__author")
        .filter(demand=demand)
    )
    if item_ids == "all_matched":
        items = items.filter(match_status=MatchStatus.MATCHED, review_state=ReviewState.PENDING)
        found = list(items.order_by("line_number"))
        if not found:
            raise InvalidInput("No matched items are waiting for a decision.")
        return found
    if isinstance(item_ids, str):
        raise InvalidInput('item_ids must be a list of ids or "all_matched".')
    try:
        wanted = {int(i) for i in item_ids}
    except (TypeError, ValueError):
        raise InvalidInput("item_ids must be whole numbers.") from None
    if any(not 0 < i < 2**63 for i in wanted):
        raise InvalidInput("item_ids must be ids of this demand's items.")
    if not wanted:
        raise InvalidInput("Select at least one item.")
    found = list(items.filter(id__in=wanted).order_by("line_number"))
    missing = wanted - {i.id for i in found}
    if missing:
        raise InvalidInput(f"Item {min(missing)} is not part of this demand.")
    return found


@transaction.atomic
def do_decide_items(
    demand: Demand,
    item_ids: Sequence[int] | str,
    *,
    action: str,
    reason: str,
    countries: Sequence[str] | None = None,
    until: datetime | None = None,
    acting_user: Account,
) -> list[DemandItem]:
    """Withhold, decline or escalate items of ``demand``; ``item_ids`` may be ``"all_matched"``.

    Withholding defaults to the demand's country; an escalated item can only be
    decided by a legal admin; only matched items can be withheld.
    """
    check_desk_access(acting_user)
    if action not in ACTIONS:
        raise InvalidInput(f"Unknown action {action!r}; choose withhold, decline or escalate.")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("A reason is required for every decision.")
    lock_legal_state()  # lock order: tidings/lib/locks.py
    refusal = decision_refusal(
        Demand.objects.filter(id=demand.id).values_list("status", flat=True).first()
    )
    if refusal is not None:
        raise InvalidInput(refusal)
    items = _select_items(demand, item_ids)
    if any(needs_admin(i) for i in items):
        check_desk_admin(acting_user, "decide an escalated item")
    now = timezone.now()
    withholdings: list[Withholding] = []
    if action == "withhold":
        refusal = withhold_refusal(demand, now)
        if refusal is not None:
            raise InvalidInput(refusal)
        unmatched = [i for i in items if i.match_status != MatchStatus.MATCHED]
        if unmatched:
            raise InvalidInput(
                f"Line {unmatched[0].line_number} is {unmatched[0].match_status}; "
                "only matched items can be withheld."
            )
        codes = check_countries(countries or [demand.country], acting_user=acting_user)
        requested = check_until(until, now=now)
        lapse = emergency_lapse_at(demand)
        ends_at = min(filter(None, [requested, lapse]), default=None)
        if ends_at is not None and ends_at <= now:
            raise InvalidInput(LAPSED)
        for item in items:
            withholding = build_withholding(
                account=item.account if item.post_id is None else None,
                post=item.post,
                countries=codes,
                until=ends_at,
                demand_item=item,
                reason=reason,
                acting_user=acting_user,
                now=now,
            )
            withholding.requested_ends_at = requested
            withholdings.append(withholding)
    for item in items:
        item.demand = demand
    move_items(items, ACTIONS[action], reason=reason, reviewer_id=acting_user.id)
    events = [
        EventSpec(
            "legal.decide",
            acting_user.id,
            "demand_item",
            str(item.id),
            {"demand": demand.id, "line": item.line_number, "action": action, "reason": reason},
        )
        for item in items
    ]
    if withholdings:
        Withholding.objects.bulk_create(withholdings, batch_size=500)
        index_withholdings(withholdings)
        events += [withhold_event(w, acting_user) for w in withholdings]
        bump_version()
        create_notices(withholdings, NoticeKind.WITHHELD)
    record_events(events)
    refresh_demand_status(demand)
    return items


def confirm_refusal(demand: Demand, now: datetime) -> str | None:
    """Why ``demand`` cannot be confirmed at ``now`` (None: it is an emergency order to confirm)."""
    if demand.kind != DemandKind.EMERGENCY_ORDER:
        return "Only emergency orders need confirming."
    if demand.confirmed_at is not None:
        return "This order is already confirmed."
    if now >= demand.received_at + emergency_lapse(demand):
        return "This emergency order lapsed 48 hours after receipt; it cannot be confirmed."
    return None


@transaction.atomic
def do_confirm_demand(demand: Demand, *, acting_user: Account) -> Demand:
    """A legal admin confirms an emergency order: its live withholdings no longer lapse."""
    check_desk_admin(acting_user, "confirm an emergency order")
    lock_legal_state()  # lock order: tidings/lib/locks.py
    demand.refresh_from_db(fields=["confirmed_at", "confirmed_by"])
    now = timezone.now()
    refusal = confirm_refusal(demand, now)
    if refusal is not None:
        raise InvalidInput(refusal)
    demand.confirmed_at, demand.confirmed_by = now, acting_user
    demand.save(update_fields=["confirmed_at", "confirmed_by"])
    live = list(
        Withholding.objects.select_for_update().active_at(now).filter(demand_item__demand=demand)
    )
    for requested in {w.requested_ends_at for w in live}:
        ids = [w.id for w in live if w.requested_ends_at == requested]
        Withholding.objects.filter(id__in=ids).update(ends_at=requested)
        index_ends(ids, requested)
    record_events(
        [
            EventSpec(
                "legal.confirm",
                acting_user.id,
                "demand",
                str(demand.id),
                {"withholdings_extended": len(live)},
            )
        ]
    )
    if live:
        bump_version()
    return demand


def release_refusal(demand: Demand) -> str | None:
    """Why ``demand`` has no held-back notices to release (None: it has)."""
    if not demand.confidential:
        return "This order is not confidential; its notices went out when decided."
    if demand.notices_released_at is not None:
        return "The notices of this order were already released."
    return None


@transaction.atomic
def do_release_notices(demand: Demand, *, acting_user: Account) -> int:
    """A legal admin lets the held-back notices of a confidential demand go out (queued here)."""
    check_desk_admin(acting_user, "release the notices of a confidential order")
    lock_legal_state()  # lock order: tidings/lib/locks.py
    demand.refresh_from_db(fields=["notices_released_at"])
    refusal = release_refusal(demand)
    if refusal is not None:
        raise InvalidInput(refusal)
    demand.notices_released_at = timezone.now()
    demand.save(update_fields=["notices_released_at"])
    pending = list(
        LegalNotice.objects.filter(
            withholding__demand_item__demand=demand, sent_at=None
        ).values_list("id", flat=True)
    )
    record_events(
        [
            EventSpec(
                "legal.release_notices",
                acting_user.id,
                "demand",
                str(demand.id),
                {"notices": len(pending)},
            )
        ]
    )
    enqueue_notices(pending)
    return len(pending)
