"""The review state graph of a demand item; only actions move an item, and only along an edge."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count
from django.utils import timezone

from tidings.legal.models import (
    REVIEW_TRANSITIONS,
    Demand,
    DemandItem,
    DemandStatus,
    MatchStatus,
)
from tidings.lib.errors import InvalidInput


def allowed_moves(review_state: str) -> frozenset[str]:
    """The review states an item in ``review_state`` may move to (none once declined)."""
    return REVIEW_TRANSITIONS.get(review_state, frozenset())


def check_move(item: DemandItem, to: str) -> None:
    if to not in allowed_moves(item.review_state):
        raise InvalidInput(
            f"Line {item.line_number} is {item.review_state}; it cannot become {to}."
        )


def move_items(
    items: Sequence[DemandItem], to: str, *, reason: str, reviewer_id: int | None
) -> None:
    """Move every item to ``to`` (all or none: an illegal move for any raises before any write)."""
    for item in items:
        check_move(item, to)
    now = timezone.now()
    DemandItem.objects.filter(id__in=[i.id for i in items]).update(
        review_state=to, decision_reason=reason, reviewer_id=reviewer_id, decided_at=now
    )
    for item in items:
        item.review_state, item.decision_reason = to, reason
        item.reviewer_id, item.decided_at = reviewer_id, now


def derived_status(counts: dict[str, int], matched_total: int) -> str:
    """A demand's status from its items: received → in_review → actioned → closed."""
    decided = sum(n for state, n in counts.items() if state != "pending")
    if decided == 0:
        return DemandStatus.RECEIVED
    if decided < matched_total or counts.get("escalated", 0):
        return DemandStatus.IN_REVIEW
    if counts.get("withheld", 0):
        return DemandStatus.ACTIONED
    return DemandStatus.CLOSED


#: Statuses set by the dialogue with the authority, not derived from items: a withdrawn
#: demand stays withdrawn; a non-compliance notice stays until answered.
STICKY_STATUSES = frozenset({DemandStatus.WITHDRAWN, DemandStatus.NONCOMPLIANCE_NOTICE})


def refresh_demand_status(demand: Demand) -> str:
    """Derive the status from the items, and stamp ``actioned_at`` the first time none is left undecided."""
    counts = dict(
        DemandItem.objects.filter(demand=demand, match_status=MatchStatus.MATCHED)
        .values_list("review_state")
        .annotate(n=Count("id"))
    )
    status = derived_status(counts, sum(counts.values()))
    changes: dict[str, object] = {}
    undecided = counts.get("pending", 0) + counts.get("escalated", 0)
    if demand.actioned_at is None and undecided == 0 and sum(counts.values()):
        changes["actioned_at"] = demand.actioned_at = timezone.now()
    if demand.status in STICKY_STATUSES:
        status = demand.status
    elif status != demand.status:
        changes["status"] = demand.status = status
    if changes:
        Demand.objects.filter(id=demand.id).update(**changes)
    return status


__all__ = [
    "MatchStatus",
    "allowed_moves",
    "check_move",
    "derived_status",
    "move_items",
    "refresh_demand_status",
]
