"""Worker numbers for snowflake ids: no two live processes ever hold the same one.

- **SQLite** (one machine, one database file): the process holds an exclusive
  ``flock`` on ``<database>.workers/<n>.lock`` for as long as it lives; the
  kernel drops the lock when the process exits or dies, so nothing expires
  and nothing needs renewing.
- **PostgreSQL** (app servers on several machines): a row per worker number in
  ``tidings_snowflakeworker`` with a lease end set by the *database* clock. A
  process claims a free or expired row, renews its lease when half of it has
  passed, and never mints with a lease its own (monotonic) clock says may have
  ended. Claims and renewals run on a short-lived connection of their own, in
  autocommit, so a rolled-back action can never roll back a lease.

A forked child (gunicorn workers) gives up the parent's number and claims its
own on its first id.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import secrets
import socket
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections

WORKER_BITS = 10
MAX_WORKERS = 1 << WORKER_BITS
#: How long a PostgreSQL lease lasts; it is renewed when half has passed.
LEASE_SECONDS = 600
#: A lease is treated as ended this long before its end, for clock drift and slow renewals.
LEASE_MARGIN_SECONDS = 60


class NoWorkerNumber(RuntimeError):
    """Every worker number is held by a live process."""


class _FileLease:
    """Hold ``<dir>/<n>.lock`` with ``flock`` for the life of the process."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.handle: int | None = None
        self.worker: int | None = None

    def current(self) -> int:
        if self.worker is None:
            self.worker = self._claim()
        return self.worker

    def _claim(self) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        start = os.getpid() % MAX_WORKERS
        for offset in range(MAX_WORKERS):
            worker = (start + offset) % MAX_WORKERS
            handle = os.open(self.directory / f"{worker}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                continue
            self.handle = handle
            return worker
        raise NoWorkerNumber(f"All {MAX_WORKERS} worker numbers in {self.directory} are held.")

    def forget(self) -> None:
        """In a forked child: the parent keeps its lock; the child closes its copy."""
        if self.handle is not None:
            with contextlib.suppress(OSError):
                os.close(self.handle)
        self.handle = self.worker = None

    def release(self) -> None:
        self.forget()


class _TableLease:
    """Lease a row of ``tidings_snowflakeworker`` (PostgreSQL)."""

    CLAIM = """
        INSERT INTO tidings_snowflakeworker (worker, holder, leased_until)
        SELECT n, %(holder)s, now() + %(lease)s * interval '1 second'
        FROM generate_series(0, %(last)s) AS n
        WHERE NOT EXISTS (
            SELECT 1 FROM tidings_snowflakeworker w WHERE w.worker = n AND w.leased_until > now()
        )
        ORDER BY n LIMIT 1
        ON CONFLICT (worker) DO UPDATE
            SET holder = EXCLUDED.holder, leased_until = EXCLUDED.leased_until
            WHERE tidings_snowflakeworker.leased_until <= now()
        RETURNING worker
    """
    RENEW = """
        UPDATE tidings_snowflakeworker SET leased_until = now() + %(lease)s * interval '1 second'
        WHERE worker = %(worker)s AND holder = %(holder)s AND leased_until > now()
        RETURNING worker
    """
    RELEASE = (
        "DELETE FROM tidings_snowflakeworker WHERE worker = %(worker)s AND holder = %(holder)s"
    )

    #: After a failed claim, how long to use a provisional number before trying again.
    RETRY_SECONDS = 5.0

    def __init__(self) -> None:
        self.worker: int | None = None
        self.holder = ""
        self.renew_at = self.valid_until = self.retry_at = 0.0
        self.provisional = secrets.randbelow(MAX_WORKERS)

    def current(self) -> int:
        now = time.monotonic()
        if self.worker is not None and now < self.renew_at:
            return self.worker
        if self.worker is None and now < self.retry_at:
            return self.provisional
        try:
            return self._renew_or_claim(now)
        except DatabaseError:
            if self.worker is not None:
                raise
            # No registry yet (a database not migrated: Django's checks make a user object
            # before ``migrate`` runs) or no database at all: nothing made now can be saved
            # until it is back, so a number drawn at random serves until a claim succeeds.
            self.retry_at = now + self.RETRY_SECONDS
            return self.provisional

    def _renew_or_claim(self, now: float) -> int:
        if self.worker is not None:
            try:
                if self._run(self.RENEW, worker=self.worker, holder=self.holder) is not None:
                    self._leased(now)
                    return self.worker
            except DatabaseError:
                if now < self.valid_until:
                    return self.worker  # the database is unreachable; the lease still holds
                raise
        self.holder = f"{socket.gethostname()[:150]}:{os.getpid()}:{secrets.token_hex(6)}"
        for _ in range(20):
            started = time.monotonic()
            worker = self._run(self.CLAIM, holder=self.holder, last=MAX_WORKERS - 1)
            if worker is not None:
                self.worker = worker
                self._leased(started)
                return worker
        self.worker = None
        raise NoWorkerNumber(f"All {MAX_WORKERS} snowflake worker numbers are leased.")

    def _leased(self, started: float) -> None:
        self.renew_at = started + LEASE_SECONDS / 2
        self.valid_until = started + LEASE_SECONDS - LEASE_MARGIN_SECONDS

    def _run(self, sql: str, **params: object) -> int | None:
        connection = connections.create_connection("default")
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, {"lease": LEASE_SECONDS, **params})
                row = cursor.fetchone() if cursor.description else None
            return row[0] if row else None
        finally:
            connection.close()

    def forget(self) -> None:
        self.worker = None
        self.renew_at = self.valid_until = self.retry_at = 0.0
        self.provisional = secrets.randbelow(MAX_WORKERS)

    def release(self) -> None:
        if self.worker is not None:
            with contextlib.suppress(Exception):
                self._run(self.RELEASE, worker=self.worker, holder=self.holder)
        self.forget()


def _lock_directory() -> Path:
    name = str(settings.DATABASES["default"].get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return Path(settings.DATA_DIR) / "snowflake-workers"
    return Path(f"{name}.workers")


_lock = threading.Lock()
_lease: _FileLease | _TableLease | None = None


def worker_number() -> int:
    """This process's worker number (0 ≤ n < 1024), claimed on first use, renewed as needed."""
    global _lease
    with _lock:
        if _lease is None:
            engine = settings.DATABASES["default"]["ENGINE"]
            _lease = _TableLease() if "postgresql" in engine else _FileLease(_lock_directory())
        return _lease.current()


def _forget_after_fork() -> None:
    global _lock
    _lock = threading.Lock()
    if _lease is not None:
        _lease.forget()


def release_worker_number() -> None:
    """Give the number back (at exit); the next id claims a new one."""
    with _lock:
        if _lease is not None:
            _lease.release()


os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(release_worker_number)
