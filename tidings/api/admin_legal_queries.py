"""Reads behind the legal-desk admin API: pages of demands, items and withholdings, and counts.

Each page costs a fixed number of queries whatever its size. Like the web desk,
these reads show content as it is (reviewers must see what they decide on), so
they do not go through ``tidings.visibility``; the API lets only desk staff
reach them (``roles.check_desk_access``).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from tidings.legal.models import Demand, DemandItem, Withholding
from tidings.legal.queries import with_expiry
from tidings.lib.errors import InvalidInput, NotFound
from tidings.social.queries import Cursor, page_by_cursor

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


def demands_page(cursor: Cursor) -> list[Demand]:
    return page_by_cursor(Demand.objects.select_related("authority"), "id", cursor, cursor.limit)


def items_page(
    demand: Demand,
    cursor: Cursor,
    *,
    match_status: str | None = None,
    review_state: str | None = None,
) -> list[DemandItem]:
    """Items of ``demand`` by id like every list (last line first), optionally filtered."""
    items = with_expiry(
        DemandItem.objects.filter(demand=demand).select_related("account", "suggested_account"),
        timezone.now(),
    )
    if match_status:
        items = items.filter(match_status=match_status)
    if review_state:
        items = items.filter(review_state=review_state)
    return page_by_cursor(items, "id", cursor, cursor.limit)


def first_items(demand: Demand, limit: int) -> list[DemandItem]:
    """The first ``limit`` lines of ``demand``, in line order."""
    return list(
        with_expiry(
            DemandItem.objects.filter(demand=demand).select_related("account", "suggested_account"),
            timezone.now(),
        ).order_by("id")[:limit]
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
    return page_by_cursor(rows, "id", cursor, cursor.limit)


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
