"""Reading the end of a withholding as reviewers type it: a duration ("6 hours") or a moment.

Accepted: ``<number> <unit>`` with minutes, hours, days or weeks (singular, plural or
short: "90 minutes", "90 min", "6h", "2 days", "1 wk"), an ISO 8601 duration
("PT6H", "P2D", "P1DT12H", "PT90M", "P1W"; years and months are refused: their length
varies), and an ISO date-time such as
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
EXAMPLES = '"6 hours", "2 days", "90 minutes", "PT6H" or a date and time such as "2021-02-10 18:00"'
_NUMBER = r"(\d{1,6}(?:[.,]\d{1,6})?)"
_ISO_DURATION = re.compile(
    rf"P(?:{_NUMBER}W)?(?:{_NUMBER}D)?(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?",
    re.IGNORECASE,
)
_ISO_LIKE = re.compile(r"P[0-9.,YMWDTHS]*")
_YEARS_OR_MONTHS = re.compile(r"[0-9][YM]")
_ISO_PARTS = (timedelta(weeks=1), timedelta(days=1), timedelta(hours=1), timedelta(minutes=1))
_ISO_PARTS += (timedelta(seconds=1),)


def parse_iso_duration(text: str) -> timedelta | None:
    """The ``timedelta`` of an ISO 8601 duration ("PT6H", "P2D", "P1DT12H"), None if not one."""
    text = text.strip().upper()
    if not _ISO_LIKE.fullmatch(text):
        return None
    if _YEARS_OR_MONTHS.search(text.split("T", 1)[0]):
        raise InvalidInput(
            f"{text[:60]!r} counts years or months, whose length varies; give weeks, days, "
            'hours or minutes ("P30D", "PT6H").'
        )
    match = _ISO_DURATION.fullmatch(text)
    if match is None or not any(match.groups()) or text.endswith("T"):
        raise InvalidInput(f"Cannot read {text[:60]!r} as an ISO 8601 duration; write {EXAMPLES}.")
    span = timedelta(0)
    for value, unit in zip(match.groups(), _ISO_PARTS, strict=True):
        if value:
            span += unit * float(value.replace(",", "."))
    return _check_span(span)


def _check_span(span: timedelta) -> timedelta:
    if span <= timedelta(0):
        raise InvalidInput("A withholding must last longer than zero minutes.")
    if span > MAX_DURATION:
        raise InvalidInput("That is more than ten years; leave the end blank for no end date.")
    return span


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
    return _check_span(_UNITS[unit] * float(amount))


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
    span = parse_iso_duration(text) or parse_duration(text)
    if span is not None:
        return now + span
    moment = _parse_moment(text)
    if moment is None:
        raise InvalidInput(f"Cannot read {text[:60]!r} as an end; write {EXAMPLES}.")
    if moment <= now:
        raise InvalidInput(f"The end {text[:60]!r} is in the past; give a moment in the future.")
    if moment - now > MAX_DURATION:
        raise InvalidInput("That is more than ten years; leave the end blank for no end date.")
    return moment
