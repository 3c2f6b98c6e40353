"""Which demands and withholdings the exports cover, and the date window asked for."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import QuerySet

from tidings.legal.models import Demand, DemandStatus, Withholding
from tidings.lib.errors import InvalidInput, NotFound

#: A demand still being written, or whose import was given up, is not an order we acted on.
UNFINISHED = (DemandStatus.IMPORTING, DemandStatus.DISCARDED)
NO_SUCH_NOTICE = "There is no such notice."
_MAX_ID = 2**63


def check_export_date(value: str | None, option: str) -> date | None:
    """A calendar date written YYYY-MM-DD, or None when not given; ``InvalidInput`` otherwise."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{option} must be a date written YYYY-MM-DD (e.g. 2021-02-01), not {value!r}."
        ) from None


def check_date_window(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise InvalidInput(f"--from ({start}) is after --to ({end}); nothing could match.")


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def exported_demands(start: date | None = None, end: date | None = None) -> QuerySet[Demand]:
    """Demands received from ``start`` to ``end`` (UTC days, both included), oldest first."""
    demands = Demand.objects.exclude(status__in=UNFINISHED).select_related("authority")
    if start is not None:
        demands = demands.filter(received_at__gte=_moment(start))
    if end is not None:
        demands = demands.filter(received_at__lt=_moment(end + timedelta(days=1)))
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
    if start is not None:
        rows = rows.filter(starts_at__gte=_moment(start))
    if end is not None:
        rows = rows.filter(starts_at__lt=_moment(end + timedelta(days=1)))
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
