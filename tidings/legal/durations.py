"""Reading the end of a withholding as reviewers type it: a duration ("6 hours") or a moment.

Accepted: ``<number> <unit>`` with minutes, hours, days or weeks (singular, plural or
short: "90 minutes", "90 min", "6h", "2 days", "1 wk"), and an ISO date-time such as
"2021-02-10 18:00" or "2021-02-10T18:00" (what a ``datetime-local`` field sends); a
moment without a zone is read in the server's time zone, a bare date means its midnight.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.utils import timezone

from tidings.lib.errors import InvalidInput

_UNITS: dict[str, timedelta] = {
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "mins": timedelta(minutes=1),
    "minute": timedelta(minutes=1),
    "minutes": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "hr": timedelta(hours=1),
    "hrs": timedelta(hours=1),
    "hour": timedelta(hours=1),
    "hours": timedelta(hours=1),
    "d": timedelta(days=1),
    "day": timedelta(days=1),
    "days": timedelta(days=1),
    "w": timedelta(weeks=1),
    "wk": timedelta(weeks=1),
    "wks": timedelta(weeks=1),
    "week": timedelta(weeks=1),
    "weeks": timedelta(weeks=1),
}
_DURATION = re.compile(r"(?:for\s+)?(\d{1,6}(?:\.\d+)?)\s*([a-z]+)")
#: Longer than this is almost certainly a typo; a withholding without end is left blank instead.
MAX_DURATION = timedelta(days=3660)
EXAMPLES = '"6 hours", "2 days", "90 minutes" or a date and time such as "2021-02-10 18:00"'


def parse_duration(text: str) -> timedelta | None:
    """The ``timedelta`` of "6 hours"-style text, None if ``text`` is not a duration at all."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        return None
    amount, unit = match.groups()
    if unit not in _UNITS:
        raise InvalidInput(
            f"{unit!r} is not a unit of time; use minutes, hours, days or weeks (e.g. {EXAMPLES})."
        )
    span = _UNITS[unit] * float(amount)
    if span <= timedelta(0):
        raise InvalidInput("A withholding must last longer than zero minutes.")
    if span > MAX_DURATION:
        raise InvalidInput("That is more than ten years; leave the end blank for no end date.")
    return span


def _parse_moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def parse_until(text: str | None, now: datetime) -> datetime | None:
    """When a withholding given as ``text`` ends, counted from ``now``; None for blank text.

    Raises ``InvalidInput`` with the accepted forms for anything else, and for a
    moment that is not in the future.
    """
    text = (text or "").strip()
    if not text:
        return None
    span = parse_duration(text)
    if span is not None:
        return now + span
    moment = _parse_moment(text)
    if moment is None:
        raise InvalidInput(f"Cannot read {text[:60]!r} as an end; write {EXAMPLES}.")
    if moment <= now:
        raise InvalidInput(f"The end {text[:60]!r} is in the past; give a moment in the future.")
    return moment
