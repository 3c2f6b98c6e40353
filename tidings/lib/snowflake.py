"""Time-sortable 64-bit ids, unique across processes and machines.

An id is ``milliseconds since the Unix epoch << 16 | worker << 6 | sequence``:

- the time part makes ordering by id ordering by creation time, so a cursor
  is just an id (``snowflake_floor`` is the smallest id of a moment);
- the worker number (10 bits) is held by this process alone among the live
  ones (``tidings/lib/workers.py``: a file lock on SQLite, a leased row on
  PostgreSQL), so two processes never mint the same id;
- the sequence (6 bits) tells apart the ids one process mints in the same
  millisecond. Ids made now (``new_snowflake``) use sequences 0-31 and
  strictly increase within the process: the 33rd id of a millisecond takes
  the next millisecond (so under a burst ids may run a few milliseconds
  ahead of the clock, never behind the previous one). Ids made for a given
  moment (``snowflake_at``, for imported and generated history) use
  sequences 32-63, so they never meet the ids made now.

Ids fit a signed 64-bit integer until the year 6429.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime

from django.utils import timezone

from tidings.lib.workers import WORKER_BITS, worker_number

SEQUENCE_BITS = 6
_TIME_SHIFT = WORKER_BITS + SEQUENCE_BITS
#: Sequences per millisecond for ids made now, and for ids made at a given moment.
_PER_MILLISECOND = 1 << (SEQUENCE_BITS - 1)

_lock = threading.Lock()
_last_millis = 0
_last_sequence = -1
_last_worker = -1
#: millisecond → next sequence, for ids made at given moments (bounded by how many are made).
_at_moments: dict[int, int] = {}


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _compose(millis: int, worker: int, sequence: int) -> int:
    return (millis << _TIME_SHIFT) | (worker << SEQUENCE_BITS) | sequence


def new_snowflake() -> int:
    """A new id for an object created now; greater than every id this process made before."""
    global _last_millis, _last_sequence, _last_worker
    worker = worker_number()
    millis = _millis(timezone.now())
    with _lock:
        if worker != _last_worker:  # a new lease: move past every id made under the old one
            millis = max(millis, _last_millis + 1)
            _last_worker = worker
        if millis > _last_millis:
            _last_millis, _last_sequence = millis, 0
        elif _last_sequence + 1 < _PER_MILLISECOND:
            _last_sequence += 1
        else:
            _last_millis, _last_sequence = _last_millis + 1, 0
        return _compose(_last_millis, worker, _last_sequence)


def snowflake_at(moment: datetime) -> int:
    """A new id whose time part is ``moment`` (or just after, if that millisecond is full)."""
    worker = worker_number()
    millis = _millis(moment)
    with _lock:
        while (used := _at_moments.get(millis, 0)) >= _PER_MILLISECOND:
            millis += 1
        _at_moments[millis] = used + 1
    return _compose(millis, worker, _PER_MILLISECOND + used)


def snowflake_floor(moment: datetime) -> int:
    """The smallest id that could have been made at ``moment`` (for time-range cursors)."""
    return _millis(moment) << _TIME_SHIFT


def snowflake_millis(snowflake: int) -> int:
    """The time part of an id, in milliseconds since the Unix epoch."""
    return snowflake >> _TIME_SHIFT


def snowflake_worker(snowflake: int) -> int:
    """The worker number that minted an id."""
    return (snowflake >> SEQUENCE_BITS) & ((1 << WORKER_BITS) - 1)


def _reset_after_fork() -> None:
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_after_fork)
