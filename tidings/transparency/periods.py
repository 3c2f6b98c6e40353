"""The period a transparency report covers: a half-year (``?period=2026-H2``) or dates (``?from=&to=``).

A period is ``[start, end)`` in UTC over ``Demand.received_at``; ``to`` is
inclusive as a date (the report runs to the end of that day). Anything else
is refused with a message a reader can act on (400).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.http import QueryDict

from tidings.lib.errors import TidingsError

FIRST_YEAR = 2000
HALF_YEAR = re.compile(r"(\d{4})-H([12])")
DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class BadPeriod(TidingsError):
    status = 400


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    #: "2026-H2", or "2026-01-01 to 2026-03-31".
    label: str
    #: The query parameters that name this period (for links to charts and downloads).
    params: dict[str, str]

    @property
    def slug(self) -> str:
        """For file names: "2026-H2" or "2026-01-01_2026-03-31"."""
        return self.label.replace(" to ", "_")


def half_year(year: int, half: int) -> Period:
    start = datetime(year, 1 if half == 1 else 7, 1, tzinfo=UTC)
    end = datetime(year, 7, 1, tzinfo=UTC) if half == 1 else datetime(year + 1, 1, 1, tzinfo=UTC)
    label = f"{year}-H{half}"
    return Period(start, end, label, {"period": label})


def half_year_containing(moment: datetime) -> Period:
    moment = moment.astimezone(UTC)
    return half_year(moment.year, 1 if moment.month <= 6 else 2)


def current_half_year(now: datetime) -> Period:
    return half_year_containing(now)


def _check_year(year: int, now: datetime) -> None:
    last = now.astimezone(UTC).year + 1
    if not FIRST_YEAR <= year <= last:
        raise BadPeriod(f"The year must be between {FIRST_YEAR} and {last}.")


def _day(value: str, name: str, now: datetime) -> date:
    match = DAY.fullmatch(value)
    if not match:
        raise BadPeriod(f"'{name}' must be a date written YYYY-MM-DD, e.g. 2026-07-01.")
    _check_year(int(match[1]), now)
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise BadPeriod(f"'{name}' is not a date of the calendar.") from None


def check_period(params: QueryDict | dict[str, str], *, now: datetime) -> Period:
    """The period ``params`` ask for; the current half-year when they name none."""
    period = params.get("period")
    start, end = params.get("from"), params.get("to")
    if period is not None and (start is not None or end is not None):
        raise BadPeriod("Choose either a half-year (period) or a range of dates (from and to).")
    if period is not None:
        match = HALF_YEAR.fullmatch(period)
        if not match:
            raise BadPeriod(
                "'period' must be a half-year written YYYY-H1 or YYYY-H2, e.g. 2026-H2."
            )
        _check_year(int(match[1]), now)
        return half_year(int(match[1]), int(match[2]))
    if start is None and end is None:
        return current_half_year(now)
    if start is None or end is None:
        raise BadPeriod("A range of dates needs both 'from' and 'to' (YYYY-MM-DD).")
    first, last = _day(start, "from", now), _day(end, "to", now)
    if first > last:
        raise BadPeriod("'from' must not be after 'to'.")
    return Period(
        datetime(first.year, first.month, first.day, tzinfo=UTC),
        datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1),
        f"{first.isoformat()} to {last.isoformat()}",
        {"from": first.isoformat(), "to": last.isoformat()},
    )
