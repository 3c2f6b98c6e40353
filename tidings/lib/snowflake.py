"""Time-sortable 64-bit ids, in the manner of Twitter's and Mastodon's snowflakes.

An id is ``milliseconds since the Unix epoch << 16 | 16 random-ish bits``, so
ordering by id is ordering by creation time, and a cursor is just an id.
Ids fit a signed 64-bit integer until the year 6429.
"""

from __future__ import annotations

import itertools
import os
import threading
from datetime import datetime

from django.utils import timezone

_SEQUENCE_BITS = 16
_lock = threading.Lock()
_counter = itertools.count(int.from_bytes(os.urandom(2), "big"))


def snowflake_at(moment: datetime) -> int:
    """A new id whose time part is ``moment``; unique within this process."""
    millis = int(moment.timestamp() * 1000)
    with _lock:
        low = next(_counter) & ((1 << _SEQUENCE_BITS) - 1)
    return (millis << _SEQUENCE_BITS) | low


def new_snowflake() -> int:
    """A new id for an object created now."""
    return snowflake_at(timezone.now())


def snowflake_floor(moment: datetime) -> int:
    """The smallest id that could have been made at ``moment`` (for time-range cursors)."""
    return int(moment.timestamp() * 1000) << _SEQUENCE_BITS
