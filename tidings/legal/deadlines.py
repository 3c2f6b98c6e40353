"""When a demand is due: a per-country rule table applied to its receipt time.

India's IT Rules 2021 require action within 36 hours of actual knowledge.
Countries without a rule get ``DEFAULT_DEADLINE`` so that every demand has a clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

DEADLINES: dict[str, timedelta] = {
    "IN": timedelta(hours=36),
}
DEFAULT_DEADLINE = timedelta(hours=72)


def due_at(country: str, received_at: datetime) -> datetime:
    return received_at + DEADLINES.get(country.upper(), DEFAULT_DEADLINE)
