"""The queue: enqueued with the transaction, retried with backoff, failed for good, given back, periodic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tidings.tasks import PERIODIC, periodic, retry_policy, task
from tidings.tasks.models import PeriodicSchedule
from tidings.tasks.worker import Worker

calls: list[str] = []
failures_left = {"count": 0}


@task(retry_delay=timedelta(seconds=10))
def record(label: str) -> str:
    """Fails while ``failures_left`` says so, then records ``label``."""
    if failures_left["count"] > 0:
        failures_left["count"] -= 1
        raise ConnectionError(f"{label}: try again")
    calls.append(label)
    return label


@task(max_attempts=3)
def always_fails() -> None:
    raise ValueError("the mail server is gone for good")


@task(atomic=True, retry_delay=timedelta(seconds=10))
def write_then_fail(name: str) -> None:
    """Writes a row, then fails while ``failures_left`` says so."""
    PeriodicSchedule.objects.create(name=name, next_run_at=timezone.now())
    if failures_left["count"] > 0:
        failures_left["count"] -= 1
        raise ConnectionError(f"{name}: try again")


@pytest.fixture(autouse=True)
def _fresh_calls():
    calls.clear()
    failures_left["count"] = 0


def only_row() -> DBTaskResult:
    [row] = DBTaskResult.objects.all()
    return row


def test_a_task_enqueued_in_a_transaction_that_rolls_back_never_exists(db, run_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        record.enqueue("rolled back")
        raise RuntimeError("the change failed")
    assert not DBTaskResult.objects.exists()
    assert run_tasks() == 0


def test_a_failing_task_is_retried_after_a_doubling_delay_then_succeeds(db):
    failures_left["count"] = 2
    record.enqueue("notice")
    worker = Worker(worker_id="w")
    before = timezone.now()
    assert worker.run_until_idle() == 1
    row = only_row()
    assert row.status == TaskResultStatus.READY
    assert "try again" in row.traceback
    first_wait = row.run_after - before
    assert timedelta(seconds=9) < first_wait < timedelta(seconds=12)
    assert worker.run_until_idle() == 0  # not before its time
    before = timezone.now()
    worker.run_until_idle(now=row.run_after, limit=1)
    row.refresh_from_db()
    assert timedelta(seconds=19) < row.run_after - before < timedelta(seconds=22)
    worker.run_until_idle(now=row.run_after)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == "notice"
    assert len(row.worker_ids) == 3
    assert calls == ["notice"]


def test_a_task_that_keeps_failing_stays_recorded_as_failed(db, run_tasks):
    always_fails.enqueue()
    run_tasks(now=timezone.now() + timedelta(days=1))
    row = only_row()
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 3
    assert row.exception_class_path == "builtins.ValueError"
    assert "the mail server is gone for good" in row.traceback


def test_retry_delays_double_and_stop_growing_at_an_hour(settings):
    settings.TASK_RETRY_DELAY = 30
    policy = retry_policy("some.unregistered.task")
    assert [policy.delay_after(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert policy.delay_after(20) == timedelta(hours=1)
    assert policy.max_attempts == settings.TASK_MAX_ATTEMPTS


def test_a_task_allowed_many_attempts_still_gets_a_delay_after_the_fiftieth(settings):
    """30 s doubled 42 times overflows ``timedelta``: the worker crashed with OverflowError
    on a task allowed that many attempts (seen when two workers raced for one notice)."""
    settings.TASK_RETRY_DELAY = 30
    policy = retry_policy("some.unregistered.task")
    assert [policy.delay_after(n) for n in (43, 50, 10_000)] == [timedelta(hours=1)] * 3


def test_a_task_left_running_by_a_dead_worker_is_given_back_after_its_lease(db, settings):
    settings.TASK_LEASE = 60
    record.enqueue("survivor")
    now = timezone.now()
    assert Worker(worker_id="died").claim(now) is not None  # and then the process was killed
    other = Worker(worker_id="alive")
    assert other.reclaim_abandoned(now + timedelta(seconds=30)) == 0
    assert other.run_until_idle(now=now + timedelta(seconds=30)) == 0
    assert other.reclaim_abandoned(now + timedelta(seconds=61)) == 1
    assert other.run_until_idle(now=now + timedelta(seconds=61)) == 1
    assert calls == ["survivor"]
    assert only_row().worker_ids == ["died", "alive"]


def test_two_workers_never_claim_the_same_task(db):
    record.enqueue("once")
    now = timezone.now()
    assert Worker(worker_id="a").claim(now) is not None
    assert Worker(worker_id="b").claim(now) is None


@pytest.fixture
def every_five_minutes():
    ticks: list[int] = []

    def tick() -> None:
        ticks.append(1)

    registered = dict(PERIODIC)
    PERIODIC.clear()  # only this one, whatever other modules registered
    tick.__module__, tick.__qualname__ = __name__, "periodic_tick"
    globals()["periodic_tick"] = periodic(every=timedelta(minutes=5))(tick)
    yield ticks
    PERIODIC.clear()
    PERIODIC.update(registered)
    del globals()["periodic_tick"]


def test_a_periodic_task_runs_once_per_period_however_many_workers(db, every_five_minutes):
    first, second = Worker(worker_id="a"), Worker(worker_id="b")
    now = timezone.now()
    assert first.schedule_periodic(now) == 1
    assert second.schedule_periodic(now) == 0
    assert second.schedule_periodic(now + timedelta(minutes=4)) == 0
    later = now + timedelta(minutes=5)
    assert second.schedule_periodic(later) == 1
    assert first.schedule_periodic(later) == 0
    assert first.run_until_idle(now=later) == 2
    assert every_five_minutes == [1, 1]


def test_a_periodic_task_needs_a_positive_period():
    with pytest.raises(ValueError, match="positive period"):
        periodic(every=timedelta(0))


def test_the_worker_command_runs_the_ready_tasks(db, capsys):
    record.enqueue("from the command line")
    call_command("worker", "--until-idle")
    assert "Ran 1 tasks." in capsys.readouterr().out
    assert calls == ["from the command line"]


def test_rows_of_tasks_that_succeeded_a_week_ago_are_pruned_and_failures_kept(db, run_tasks):
    from tidings.tasks.tasks import KEEP_SUCCEEDED, prune_succeeded_tasks

    record.enqueue("old news")
    always_fails.enqueue()
    record.enqueue("recent")
    run_tasks(now=timezone.now() + timedelta(days=1))
    week_ago = timezone.now() - KEEP_SUCCEEDED - timedelta(minutes=1)
    DBTaskResult.objects.filter(return_value="old news").update(finished_at=week_ago)
    DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).update(finished_at=week_ago)
    assert prune_succeeded_tasks.call() == 1
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [
        TaskResultStatus.FAILED,
        TaskResultStatus.SUCCESSFUL,
    ]


def test_workers_find_periodic_tasks_in_the_apps_tasks_modules(db):
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
    assert "tidings.tasks.tasks.prune_succeeded_tasks" in PERIODIC


def test_an_atomic_task_that_fails_leaves_none_of_its_writes_and_runs_again(db):
    failures_left["count"] = 1
    write_then_fail.enqueue("half-done")
    worker = Worker(worker_id="w")
    now = timezone.now()
    assert worker.run_until_idle(now=now) == 1
    assert not PeriodicSchedule.objects.filter(name="half-done").exists()
    assert only_row().status == TaskResultStatus.READY
    assert worker.run_until_idle(now=now + timedelta(seconds=11)) == 1
    assert PeriodicSchedule.objects.filter(name="half-done").count() == 1
    assert only_row().status == TaskResultStatus.SUCCESSFUL
