"""The task queue: side effects that outlive the request, enqueued in the transaction causing them.

Tasks are django-tasks ``Task`` objects on its database backend, so enqueueing
inside ``transaction.atomic`` writes the queue row in the same database and
the same transaction: the row is the outbox, committed or rolled back with the
change that caused it. Workers (``tidings worker``, and the one ``tidings
serve`` starts) run the rows; see :mod:`tidings.tasks.worker`.

Invariants every task must keep:

- it is idempotent: a worker killed mid-task, a retry after a partial success
  or a second enqueue runs it again, and that must change nothing more;
- it raises when its work is not done; it is then retried with exponential
  backoff up to ``max_attempts`` runs, and stays recorded as failed after that.

A task whose work is all in the database can be ``atomic``: the worker runs it
and records its success in one transaction, so a worker killed at any point
leaves either all of its effects (the tasks it enqueued included) and the row
done, or none of them and the row to run again: never both.

Periodic tasks are plain functions decorated with :func:`periodic` in a module
that workers import at start (``<app>/tasks.py`` of any installed app is
imported automatically).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import OperationalError
from django_tasks import task as library_task
from django_tasks.base import Task

F = TypeVar("F", bound=Callable[..., Any])

#: The longest wait between two attempts, however many attempts failed.
MAX_RETRY_DELAY = timedelta(hours=1)


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failing task is run again, and how long to wait before each run."""

    max_attempts: int
    first_delay: timedelta

    def delay_after(self, attempt: int) -> timedelta:
        """The wait after failed run number ``attempt`` (1-based): doubling, capped.

        The doubling stops once it passes the cap: ``first_delay * 2 ** 42`` would overflow
        ``timedelta`` and crash the worker on a task allowed that many attempts."""
        delay = self.first_delay
        for _ in range(max(attempt - 1, 0)):
            if delay >= MAX_RETRY_DELAY:
                break
            delay *= 2
        return min(delay, MAX_RETRY_DELAY)


@dataclass(frozen=True)
class Periodic:
    """A task run every ``every``, once per period across all workers."""

    name: str
    every: timedelta
    task: Task


_retry_overrides: dict[str, tuple[int | None, timedelta | None]] = {}
_atomic_tasks: set[str] = set()
PERIODIC: dict[str, Periodic] = {}


def task(
    *,
    max_attempts: int | None = None,
    retry_delay: timedelta | None = None,
    priority: int = 0,
    atomic: bool = False,
) -> Callable[[F], Task]:
    """Make a module-level function a queued task (``.enqueue(*args)``; arguments must be JSON).

    ``max_attempts`` and ``retry_delay`` default to ``TASK_MAX_ATTEMPTS`` and
    ``TASK_RETRY_DELAY`` in settings. ``atomic``: run in one transaction with
    the record of its success (only for tasks whose effects are all in the database).
    """

    def wrap(func: F) -> Task:
        queued = library_task(priority=priority)(func)
        _retry_overrides[queued.module_path] = (max_attempts, retry_delay)
        if atomic:
            _atomic_tasks.add(queued.module_path)
        return queued

    return wrap


def retry_policy(task_path: str) -> RetryPolicy:
    """The retry policy of the task at ``task_path`` (settings' defaults if it set none)."""
    attempts, delay = _retry_overrides.get(task_path, (None, None))
    return RetryPolicy(
        max_attempts=attempts or settings.TASK_MAX_ATTEMPTS,
        first_delay=delay or timedelta(seconds=settings.TASK_RETRY_DELAY),
    )


def is_atomic(task_path: str) -> bool:
    """Whether the task at ``task_path`` commits its effects together with its success."""
    return task_path in _atomic_tasks


def periodic(*, every: timedelta, name: str | None = None) -> Callable[[F], Task]:
    """Run the decorated function (no arguments) every ``every``, once across all workers.

    The first run is due as soon as a worker starts; a missed period is run once,
    not caught up. The function becomes a task, retried like any other.
    """
    if every <= timedelta(0):
        raise ValueError("A periodic task needs a positive period.")

    def wrap(func: F) -> Task:
        queued = task()(func)
        key = name or queued.module_path
        PERIODIC[key] = Periodic(name=key, every=every, task=queued)
        return queued

    return wrap


def is_locked(error: OperationalError) -> bool:
    """Whether ``error`` is SQLite's "database is locked" (another writer held on too long)."""
    return "locked" in str(error).lower()


def retry_while_locked(write: Callable[[], object], tries: int = 50) -> None:
    """Run ``write``, trying again with short waits while SQLite reports the database locked.

    For records that must not be lost once their effect happened (a task's
    outcome, an e-mail sent).
    """
    for attempt in range(1, tries + 1):
        try:
            write()
            return
        except OperationalError as error:
            if not is_locked(error) or attempt == tries:
                raise
            time.sleep(0.01 * attempt)
