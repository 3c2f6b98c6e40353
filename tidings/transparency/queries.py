"""What the public may know of a demand: who asked, under what law, and what was done.

A confidential demand's notice says that an order was received and acted on,
but not its reference, legal basis text or the items it named.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from tidings.legal.models import Demand, DemandItem, MatchStatus, Withholding
from tidings.lib.errors import NotFound


@dataclass(frozen=True)
class PublicNotice:
    demand: Demand
    confidential: bool
    items: int
    withheld: int
    declined: int
    lifted: int
    in_review: int


def access_public_notice(demand_id: int | str) -> PublicNotice:
    try:
        demand = Demand.objects.select_related("authority").get(id=int(demand_id))
    except (Demand.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("There is no such notice.") from None
    by_state = dict(
        DemandItem.objects.filter(demand=demand, match_status=MatchStatus.MATCHED)
        .values_list("review_state")
        .annotate(n=Count("id"))
    )
    items = DemandItem.objects.filter(demand=demand).count()
    return PublicNotice(
        demand,
        demand.confidential,
        items,
        withheld=by_state.get("withheld", 0),
        declined=by_state.get("declined", 0),
        lifted=by_state.get("lifted", 0),
        in_review=by_state.get("pending", 0) + by_state.get("escalated", 0),
    )


def access_withholding_notice(withholding_id: int | str) -> Withholding:
    try:
        return Withholding.objects.select_related("demand_item__demand__authority").get(
            id=int(withholding_id)
        )
    except (Withholding.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("There is no such notice.") from None
