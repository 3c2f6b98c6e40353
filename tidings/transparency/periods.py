"""Periods and days as readers write them: the one rule the report, the notices and the exports read.

A named period is a year (``2026``), a half-year (``2026-H2``) or a quarter
(``2026-Q3``); a day is ``YYYY-MM-DD``. Both are UTC, in the years
``FIRST_YEAR`` to next year, and surrounding blanks and the letter's case do not
matter. A period is ``[start, end)``; ``to`` is inclusive as a day (it runs to
the end of that day). Given together, a named period and days mean the days they
share. Anything else is ``BadPeriod`` (400) in words that name the parameter and
never repeat the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tidings.lib.errors import TidingsError

FIRST_YEAR = 2000
NAMED = re.compile(r"(\d{4})(?:-(H[12]|Q[1-4]))?")
DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
#: How the parameters are called where they are read (the CLI says --from and --to).
WEB_NAMES = {"period": "period", "from": "from", "to": "to"}


class BadPeriod(TidingsError):
    status = 400


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    #: "2026", "2026-H2", "2026-Q3", or "2026-01-01 to 2026-03-31".
    label: str
    #: The query parameters that name this period (for links to charts and downloads).
    params: dict[str, str]

    @property
    def slug(self) -> str:
        """For file names: "2026-H2" or "2026-01-01_2026-03-31"."""
        return self.label.replace(" to ", "_")

    @property
    def named(self) -> bool:
        """A year, half-year or quarter (not a range of days)."""
        return "period" in self.params

    @property
    def kind(self) -> str:
        """What the period is: "year", "half-year", "quarter" or "dates"."""
        if not self.named:
            return "dates"
        return {"": "year", "H": "half-year", "Q": "quarter"}[self.label[5:6]]


@dataclass(frozen=True)
class Window:
    """What a reader asked for: ``[start, end)`` in UTC, either end open (None)."""

    start: datetime | None = None
    end: datetime | None = None
    #: The named period asked for, if one was.
    period: Period | None = None
    first_day: date | None = None
    last_day: date | None = None


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """Whole UTC days ``first`` to ``last`` (both included) as ``[start, end)``; None stays open."""
    return (
        midnight(first) if first is not None else None,
        midnight(last + timedelta(days=1)) if last is not None else None,
    )


def _named(year: int, part: str) -> Period:
    """``part`` is "" (the year), "H1"/"H2" or "Q1".."Q4"."""
    months = 12 if not part else 6 if part[0] == "H" else 3
    first = 1 + (int(part[1]) - 1) * months if part else 1
    after = first + months
    label = f"{year}-{part}" if part else str(year)
    return Period(
        datetime(year, first, 1, tzinfo=UTC),
        datetime(year + (after > 12), (after - 1) % 12 + 1, 1, tzinfo=UTC),
        label,
        {"period": label},
    )


def half_year(year: int, half: int) -> Period:
    return _named(year, f"H{half}")


def half_year_containing(moment: datetime) -> Period:
    moment = moment.astimezone(UTC)
    return half_year(moment.year, 1 if moment.month <= 6 else 2)


def days_period(first: date, last: date) -> Period:
    start, end = day_bounds(first, last)
    assert start is not None and end is not None
    return Period(
        start,
        end,
        f"{first.isoformat()} to {last.isoformat()}",
        {"from": first.isoformat(), "to": last.isoformat()},
    )


def adjacent(period: Period, step: int) -> Period | None:
    """The named period of the same length ``step`` before (-1) or after (+1) ``period``."""
    if not period.named:
        return None
    year, _, part = period.label.partition("-")
    if not part:
        return _named(int(year) + step, "")
    count = 2 if part[0] == "H" else 4
    index = int(year) * count + int(part[1]) - 1 + step
    return _named(index // count, f"{part[0]}{index % count + 1}")


def _check_year(year: int, name: str, now: datetime) -> None:
    last = now.astimezone(UTC).year + 1
    if not FIRST_YEAR <= year <= last:
        raise BadPeriod(f"The year of '{name}' must be between {FIRST_YEAR} and {last}.")


def _given(value: str | None) -> str:
    """The value as written, "" when it was left out or left blank."""
    return (value or "").strip()


def check_named_period(value: str, *, now: datetime, name: str = "period") -> Period:
    match = NAMED.fullmatch(value.strip().upper())
    if not match:
        raise BadPeriod(
            f"'{name}' must be a year, a half-year or a quarter, written 2026, 2026-H2 or 2026-Q3."
        )
    _check_year(int(match[1]), name, now)
    return _named(int(match[1]), match[2] or "")


def check_day(value: str, name: str, *, now: datetime) -> date:
    match = DAY.fullmatch(value.strip())
    if not match:
        raise BadPeriod(f"'{name}' must be a date written YYYY-MM-DD, e.g. 2026-07-01.")
    _check_year(int(match[1]), name, now)
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise BadPeriod(f"'{name}' is not a date of the calendar.") from None


def check_day_order(first: date | None, last: date | None, names: Mapping[str, str]) -> None:
    if first is not None and last is not None and first > last:
        raise BadPeriod(
            f"'{names['from']}' ({first}) is after '{names['to']}' ({last}); nothing could match."
        )


def check_window(
    params: Mapping[str, str | None],
    *,
    now: datetime,
    names: Mapping[str, str] = WEB_NAMES,
) -> Window:
    """The days ``params`` ask for with ``period``, ``from`` and ``to``, each optional.

    ``names`` are how the three are called to the reader; a parameter missing from
    ``names`` is not read.
    """
    period_text = _given(params.get("period")) if "period" in names else ""
    from_text, to_text = _given(params.get("from")), _given(params.get("to"))
    period = check_named_period(period_text, now=now, name=names["period"]) if period_text else None
    first = check_day(from_text, names["from"], now=now) if from_text else None
    last = check_day(to_text, names["to"], now=now) if to_text else None
    check_day_order(first, last, names)
    start, end = day_bounds(first, last)
    if period is not None:
        start = max(start, period.start) if start else period.start
        end = min(end, period.end) if end else period.end
        if start >= end:
            raise BadPeriod(
                f"'{names['period']}' and the dates from '{names['from']}' to '{names['to']}' "
                "have no day in common."
            )
    return Window(start, end, period, first, last)


def check_period(params: Mapping[str, str | None], *, now: datetime) -> Period:
    """The closed period a report covers; the current half-year when ``params`` name none.

    A named period stays named (with its label) unless days cut it short.
    """
    window = check_window(params, now=now)
    if window.start is None and window.end is None:
        return half_year_containing(now)
    if window.start is None or window.end is None:
        raise BadPeriod("A range of dates needs both 'from' and 'to' (YYYY-MM-DD).")
    named = window.period
    if named is not None and (named.start, named.end) == (window.start, window.end):
        return named
    return days_period(window.start.date(), (window.end - timedelta(days=1)).date())
