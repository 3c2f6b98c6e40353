"""Which demands and withholdings the exports cover, and the date window asked for."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from tidings.legal.models import Demand, DemandStatus, Withholding
from tidings.lib.errors import NotFound
from tidings.transparency.periods import check_day, check_day_order, day_bounds

#: A demand still being written, or whose import was given up, is not an order we acted on.
UNFINISHED = (DemandStatus.IMPORTING, DemandStatus.DISCARDED)
NO_SUCH_NOTICE = "There is no such notice."
_MAX_ID = 2**63


#: The export command's options for the first and last day.
OPTIONS = {"from": "--from", "to": "--to"}


def check_export_date(value: str | None, option: str) -> date | None:
    """A day as ``transparency.periods`` reads it, or None when not given; ``BadPeriod`` otherwise."""
    if value is None or not value.strip():
        return None
    return check_day(value, option, now=timezone.now())


def check_date_window(start: date | None, end: date | None) -> None:
    check_day_order(start, end, OPTIONS)


def exported_demands(start: date | None = None, end: date | None = None) -> QuerySet[Demand]:
    """Demands received from ``start`` to ``end`` (UTC days, both included), oldest first."""
    demands = Demand.objects.exclude(status__in=UNFINISHED).select_related("authority")
    after, before = day_bounds(start, end)
    if after is not None:
        demands = demands.filter(received_at__gte=after)
    if before is not None:
        demands = demands.filter(received_at__lt=before)
    return demands.order_by("received_at", "id")


def exported_withholdings(
    start: date | None = None, end: date | None = None
) -> QuerySet[Withholding]:
    """Withholdings decided on a demand, applied from ``start`` to ``end`` (UTC days), by id."""
    rows = (
        Withholding.objects.filter(demand_item__isnull=False)
        .exclude(demand_item__demand__status__in=UNFINISHED)
        .select_related("demand_item__demand__authority", "account", "post")
    )
    after, before = day_bounds(start, end)
    if after is not None:
        rows = rows.filter(starts_at__gte=after)
    if before is not None:
        rows = rows.filter(starts_at__lt=before)
    return rows.order_by("id")


def access_exported_demand(demand_id: int | str) -> Demand:
    """A demand the exports cover; ``NotFound`` (same words) for any other id, junk included."""
    text = str(demand_id).strip()
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else 0
    found = None
    if 0 < number < _MAX_ID:
        found = exported_demands().filter(id=number).first()
    if found is None:
        raise NotFound(NO_SUCH_NOTICE)
    return found
