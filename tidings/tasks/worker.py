"""The worker loop: claim a ready task, run it, record the outcome; housekeeping between tasks.

Claiming is one statement on PostgreSQL: an ``UPDATE`` of the row its
subquery picks ``FOR UPDATE SKIP LOCKED`` (any number of workers on any number
of machines each get a different row); on SQLite a plain read first, so an idle
worker never takes the write lock, then an IMMEDIATE transaction of two
statements. The task itself runs outside the claim, in its own transactions.

A row left ``RUNNING`` longer than ``TASK_LEASE`` seconds belongs to a worker
that died; it is given back to the queue (tasks are idempotent), or failed
once it has used up its attempts.
"""

from __future__ import annotations

import logging
import signal
import time
from datetime import datetime, timedelta
from functools import partial
from traceback import format_exception
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import (
    DatabaseError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import autodiscover_modules
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult, get_date_max

from tidings.tasks import PERIODIC, is_atomic, is_locked, retry_policy, retry_while_locked
from tidings.tasks.models import PeriodicSchedule

logger = logging.getLogger("tidings.tasks")

#: How often an otherwise busy worker looks for abandoned rows.
HOUSEKEEPING_EVERY = timedelta(seconds=30)
#: Consecutive looks at a locked queue before ``run_until_idle`` gives up.
BUSY_RETRIES = 100
_CLAIM_COLUMNS = (
    "status",
    "started_at",
    "worker_ids",
    "backend_name",
    "run_after",
    "priority",
    "enqueued_at",
)


def ready_tasks(now: datetime, backend_name: str = DEFAULT_TASK_BACKEND_ALIAS):
    """Rows a worker may run at ``now``, in the queue's order."""
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, backend_name=backend_name
    ).filter(Q(run_after=get_date_max()) | Q(run_after__lte=now))


class QueueBusy(Exception):
    """Another process holds the database's write lock (SQLite); try again shortly."""


class ClaimLost(Exception):
    """The row stopped being this worker's claim (given back after its lease) while it ran."""


class Worker:
    """Runs tasks until stopped; ``run_until_idle`` runs what is ready and returns."""

    def __init__(
        self,
        *,
        worker_id: str | None = None,
        interval: float = 0.5,
        backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
    ) -> None:
        self.worker_id = worker_id or get_random_string(16)
        self.interval = interval
        self.backend_name = backend_name
        self.running = True
        self._periodic_next: dict[str, datetime] = {}
        self._housekeeping_at = timezone.now()

    # -- one task ------------------------------------------------------------

    def claim(self, now: datetime) -> DBTaskResult | None:
        """Mark the next ready row RUNNING for this worker and return it (None if none).

        Raises :class:`QueueBusy` when the database is locked by another writer.
        """
        if connection.vendor == "postgresql":
            return self._claim_in_one_statement(now)
        candidates = ready_tasks(now, self.backend_name)
        try:
            if not candidates.exists():
                return None
            with transaction.atomic():
                row = candidates.select_for_update(skip_locked=True).first()
                if row is None:
                    return None
                row.worker_ids = [*row.worker_ids, self.worker_id]
                claimed = DBTaskResult.objects.filter(
                    id=row.id, status=TaskResultStatus.READY
                ).update(status=TaskResultStatus.RUNNING, started_at=now, worker_ids=row.worker_ids)
        except OperationalError as error:
            if is_locked(error):
                raise QueueBusy(str(error)) from error
            raise
        if not claimed:
            raise QueueBusy("Another worker claimed the row first.")
        row.status, row.started_at = TaskResultStatus.RUNNING, now
        return row

    def _claim_in_one_statement(self, now: datetime) -> DBTaskResult | None:
        """PostgreSQL: pick, lock and mark the next ready row in one autocommitted ``UPDATE``
        whose subquery takes it ``FOR UPDATE SKIP LOCKED``, in the queue's order (priority,
        run_after, enqueued_at: the model's). One round trip where the look, then a
        transaction of three statements took five; a row claimed by another worker
        meanwhile is skipped or, once committed, no longer ready."""
        meta, quote = DBTaskResult._meta, connection.ops.quote_name
        col = {f: quote(meta.get_field(f).column) for f in _CLAIM_COLUMNS}
        table, pk = quote(meta.db_table), quote(meta.pk.column)
        # Only quoted model names and placeholders enter the text.
        sql = (
            f"UPDATE {table} SET {col['status']} = %s, {col['started_at']} = %s, "  # noqa: S608
            f"{col['worker_ids']} = {col['worker_ids']} || jsonb_build_array(%s::text) "
            f"WHERE {pk} = (SELECT {pk} FROM {table} WHERE {col['status']} = %s "
            f"AND {col['backend_name']} = %s "
            f"AND ({col['run_after']} = %s OR {col['run_after']} <= %s) "
            f"ORDER BY {col['priority']} DESC, {col['run_after']} ASC, {col['enqueued_at']} ASC "
            "LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *"
        )
        params = [
            TaskResultStatus.RUNNING.value,
            now,
            self.worker_id,
            TaskResultStatus.READY.value,
            self.backend_name,
            get_date_max(),
            now,
        ]
        rows = list(DBTaskResult.objects.raw(sql, params))
        return rows[0] if rows else None

    def execute(self, row: DBTaskResult) -> bool:
        """Run a claimed row; record success, a retry later, or the failure. True if it succeeded."""
        try:
            queued = row.task
        except (ImportError, AttributeError, SuspiciousOperation) as error:
            logger.error("Task %s (%s) cannot be loaded: %s", row.id, row.task_path, error)
            retry_while_locked(partial(row.set_failed, error))
            return False
        args, kwargs = row.args_kwargs["args"], row.args_kwargs["kwargs"]
        if is_atomic(row.task_path):
            return self.execute_atomically(row, queued, args, kwargs)
        try:
            value = queued.call(*args, **kwargs)
        except Exception as error:
            retry_while_locked(partial(self.retry_or_fail, row, error))
            return False
        retry_while_locked(partial(row.set_successful, value))
        return True

    def execute_atomically(
        self, row: DBTaskResult, queued: Task, args: list[Any], kwargs: dict[str, Any]
    ) -> bool:
        """Run the task and mark its row done in one transaction; True if it committed."""
        try:
            with transaction.atomic():
                value = queued.call(*args, **kwargs)
                done = DBTaskResult.objects.filter(
                    id=row.id, status=TaskResultStatus.RUNNING, started_at=row.started_at
                ).update(
                    status=TaskResultStatus.SUCCESSFUL,
                    finished_at=timezone.now(),
                    return_value=value,
                    exception_class_path="",
                    traceback="",
                )
                if not done:
                    raise ClaimLost(f"Task {row.id} was given back while it ran")
        except ClaimLost as lost:
            logger.warning("%s; its work was rolled back", lost)
            return False
        except Exception as error:
            retry_while_locked(partial(self.retry_or_fail, row, error))
            return False
        row.status = TaskResultStatus.SUCCESSFUL
        return True

    def retry_or_fail(self, row: DBTaskResult, error: BaseException) -> None:
        """After a failed run: back to the queue after a backoff, or failed for good."""
        attempt = len(row.worker_ids)
        policy = retry_policy(row.task_path)
        if attempt >= policy.max_attempts:
            logger.error(
                "Task %s (%s) failed for good after %d attempts: %s",
                row.id,
                row.task_path,
                attempt,
                error,
            )
            row.set_failed(error)
            return
        run_after = timezone.now() + policy.delay_after(attempt)
        logger.warning(
            "Task %s (%s) failed (attempt %d of %d), retrying at %s: %s",
            row.id,
            row.task_path,
            attempt,
            policy.max_attempts,
            run_after.isoformat(),
            error,
        )
        DBTaskResult.objects.filter(id=row.id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY,
            run_after=run_after,
            exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
            traceback="".join(format_exception(error)),
        )

    def step(self, now: datetime | None = None) -> bool:
        """Claim and run one ready task; False if none was ready."""
        row = self.claim(now or timezone.now())
        if row is None:
            return False
        self.execute(row)
        return True

    def run_until_idle(self, *, now: datetime | None = None, limit: int | None = None) -> int:
        """Run tasks ready at ``now`` (default: the current time) until none is; returns how many.

        Tasks enqueued meanwhile run too; retries scheduled after ``now`` do not.
        """
        now = now or timezone.now()
        done = busy = 0
        while limit is None or done < limit:
            try:
                if not self.step(now):
                    break
            except QueueBusy:
                busy += 1
                if busy > BUSY_RETRIES:
                    raise
                time.sleep(0.01 * busy)
                continue
            done += 1
        return done

    # -- housekeeping --------------------------------------------------------

    def reclaim_abandoned(self, now: datetime) -> int:
        """Give back rows RUNNING past the lease (their worker died); returns how many."""
        cutoff = now - timedelta(seconds=settings.TASK_LEASE)
        stale = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, backend_name=self.backend_name, started_at__lt=cutoff
        )
        count = 0
        for row in stale:
            if len(row.worker_ids) >= retry_policy(row.task_path).max_attempts:
                row.set_failed(RuntimeError("The worker running this task stopped."))
            else:
                DBTaskResult.objects.filter(
                    id=row.id, status=TaskResultStatus.RUNNING, started_at=row.started_at
                ).update(status=TaskResultStatus.READY, run_after=now)
            count += 1
        if count:
            logger.warning("Gave back %d tasks abandoned by stopped workers", count)
        return count

    def schedule_periodic(self, now: datetime) -> int:
        """Enqueue each periodic task that is due, once across all workers; returns how many."""
        due = [p for p in PERIODIC.values() if self._periodic_next.get(p.name, now) <= now]
        if not due:
            return 0
        names = [p.name for p in due]
        enqueued = 0
        try:
            with transaction.atomic():
                PeriodicSchedule.objects.bulk_create(
                    [PeriodicSchedule(name=name, next_run_at=now) for name in names],
                    ignore_conflicts=True,
                )
                for entry in due:
                    if PeriodicSchedule.objects.filter(
                        name=entry.name, next_run_at__lte=now
                    ).update(next_run_at=now + entry.every):
                        entry.task.enqueue()
                        enqueued += 1
                self._periodic_next.update(
                    PeriodicSchedule.objects.filter(name__in=names).values_list(
                        "name", "next_run_at"
                    )
                )
        except OperationalError as error:
            if not is_locked(error):
                raise
        return enqueued

    def housekeeping(self, now: datetime) -> None:
        self.schedule_periodic(now)
        if now >= self._housekeeping_at:
            self.reclaim_abandoned(now)
            self._housekeeping_at = now + HOUSEKEEPING_EVERY

    # -- the loop ------------------------------------------------------------

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        """Finish the task in hand, then leave the loop."""
        self.running = False

    def run_forever(self) -> None:
        """Run tasks until ``stop`` (SIGTERM, SIGINT); sleep ``interval`` when idle."""
        autodiscover_modules("tasks")
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        logger.info("Worker %s started", self.worker_id)
        while self.running:
            close_old_connections()
            now = timezone.now()
            try:
                self.housekeeping(now)
                if self.step(now):
                    continue
            except QueueBusy:
                pass
            except DatabaseError:  # e.g. the database restarted: keep the worker, retry later
                logger.exception("Worker %s could not reach the queue", self.worker_id)
            close_old_connections()
            deadline = time.monotonic() + self.interval
            while self.running and time.monotonic() < deadline:
                time.sleep(min(0.1, self.interval))
        logger.info("Worker %s stopped", self.worker_id)
