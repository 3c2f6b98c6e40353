"""Reads behind the legal-desk admin API: pages of demands, items and withholdings, and counts.

Each page costs a fixed number of queries whatever its size. Like the web desk,
these reads show content as it is (reviewers must see what they decide on), so
they do not go through ``tidings.visibility``; the API lets only desk staff
reach them (``roles.check_desk_access``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from tidings.legal.models import Demand, DemandItem, MatchStatus, Withholding
from tidings.lib.errors import InvalidInput, NotFound
from tidings.social.queries import Cursor

_MAX_ID = 2**63


def check_id(value: object, what: str) -> int:
    """``value`` as a database id, or ``InvalidInput`` naming ``what``."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"{what} must be a whole number.") from None
    if not 0 < number < _MAX_ID:
        raise InvalidInput(f"{what} is out of range.")
    return number


def newest_first(queryset: QuerySet, cursor: Cursor) -> list:
    """One page by id, newest first, with Mastodon's ``max_id``/``since_id``/``min_id``."""
    if cursor.max_id is not None:
        queryset = queryset.filter(id__lt=cursor.max_id)
    if cursor.since_id is not None:
        queryset = queryset.filter(id__gt=cursor.since_id)
    if cursor.min_id is not None:
        queryset = queryset.filter(id__gt=cursor.min_id)
        return list(reversed(queryset.order_by("id")[: cursor.limit]))
    return list(queryset.order_by("-id")[: cursor.limit])


def counts_by_demand(demand_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per demand, in one grouped query: items by match status, matched items by review state."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        DemandItem.objects.filter(demand_id__in=demand_ids)
        .values_list("demand_id", "match_status", "review_state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for demand_id, status, state, n in rows:
        by = counts[demand_id]
        by[status] = by.get(status, 0) + n
        if status == MatchStatus.MATCHED:
            by[state] = by.get(state, 0) + n
    return {d: counts[d] for d in demand_ids}


def demands_page(cursor: Cursor) -> list[Demand]:
    return newest_first(Demand.objects.select_related("authority"), cursor)


def items_page(
    demand: Demand,
    cursor: Cursor,
    *,
    match_status: str | None = None,
    review_state: str | None = None,
) -> list[DemandItem]:
    """Items of ``demand`` by id like every list (last line first), optionally filtered."""
    items = DemandItem.objects.filter(demand=demand).select_related("account")
    if match_status:
        items = items.filter(match_status=match_status)
    if review_state:
        items = items.filter(review_state=review_state)
    return newest_first(items, cursor)


def first_items(demand: Demand, limit: int) -> list[DemandItem]:
    """The first ``limit`` lines of ``demand``, in line order."""
    return list(
        DemandItem.objects.filter(demand=demand).select_related("account").order_by("id")[:limit]
    )


def withholdings_page(
    cursor: Cursor, *, now: datetime, active: bool | None = None, demand_id: int | None = None
) -> list[Withholding]:
    """Withholdings newest first; ``active`` keeps those in force at ``now`` (or all others)."""
    rows = Withholding.objects.select_related("demand_item")
    if demand_id is not None:
        rows = rows.filter(demand_item__demand_id=demand_id)
    if active is not None:
        in_force = Q(id__in=Withholding.objects.active_at(now).values("id"))
        rows = rows.filter(in_force) if active else rows.exclude(in_force)
    return newest_first(rows, cursor)


def access_withholding(withholding_id: str) -> Withholding:
    """The withholding with this id (its demand item loaded), or ``NotFound``."""
    try:
        number = check_id(withholding_id, "The withholding id")
    except InvalidInput:
        raise NotFound("There is no such withholding.") from None
    found = Withholding.objects.select_related("demand_item").filter(id=number).first()
    if found is None:
        raise NotFound("There is no such withholding.")
    return found
