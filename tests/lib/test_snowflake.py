"""Snowflake ids: time-sortable, strictly increasing in a process, unique across processes."""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import ProgrammingError, connection
from django.utils import timezone

from tests.lib.minting import mint_in_process
from tidings.lib import workers
from tidings.lib.snowflake import (
    new_snowflake,
    snowflake_at,
    snowflake_floor,
    snowflake_millis,
    snowflake_worker,
)

IDS_PER_PROCESS = 40_000


def _process_env(tmp_path) -> dict[str, str]:
    """The settings a second server process would have: the same database as this test."""
    env = {"DJANGO_SETTINGS_MODULE": "tidings.settings", "TIDINGS_DATA_DIR": str(tmp_path)}
    if connection.vendor == "postgresql":
        configured = urlsplit(os.environ["TIDINGS_DATABASE_URL"])
        test_database = configured._replace(path="/" + connection.settings_dict["NAME"])
        env["TIDINGS_DATABASE_URL"] = urlunsplit(test_database)
    else:
        env["TIDINGS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    return env


@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_two_processes_minting_in_the_same_milliseconds_never_collide(
    transactional_db, tmp_path, start_method
):
    """Started afresh (two servers) or forked from a process that already minted (gunicorn)."""
    new_snowflake()
    context = multiprocessing.get_context(start_method)
    start, results = context.Barrier(2), context.Queue()
    env = _process_env(tmp_path)
    processes = [
        context.Process(target=mint_in_process, args=(env, start, IDS_PER_PROCESS, results))
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    minted = dict(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    first, second = minted.values()
    assert len(set(first) | set(second)) == 2 * IDS_PER_PROCESS
    assert all(a < b for a, b in zip(first, first[1:], strict=False))
    assert all(a < b for a, b in zip(second, second[1:], strict=False))
    assert {snowflake_worker(first[0])} != {snowflake_worker(second[0])}
    shared_millis = {snowflake_millis(i) for i in first} & {snowflake_millis(i) for i in second}
    assert len(shared_millis) > 10, "the two processes never minted in the same millisecond"


# A new id needs this process's worker lease, which PostgreSQL keeps in the database.
@pytest.mark.django_db
def test_ids_made_now_strictly_increase_past_the_per_millisecond_sequence(monkeypatch):
    moment = datetime(2031, 2, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    ids = [new_snowflake() for _ in range(500)]
    assert all(a < b for a, b in zip(ids, ids[1:], strict=False))
    assert snowflake_millis(ids[0]) == int(moment.timestamp() * 1000)
    assert snowflake_millis(ids[-1]) - snowflake_millis(ids[0]) < 20


# A new id needs this process's worker lease, which PostgreSQL keeps in the database.
@pytest.mark.django_db
def test_ids_sort_by_creation_time_and_fit_a_signed_64_bit_integer():
    earlier = snowflake_at(datetime(2021, 2, 1, tzinfo=UTC))
    later = new_snowflake()
    assert snowflake_floor(datetime(2021, 2, 1, tzinfo=UTC)) <= earlier < later < 2**63
    assert snowflake_at(datetime(6400, 1, 1, tzinfo=UTC)) < 2**63


# A new id needs this process's worker lease, which PostgreSQL keeps in the database.
@pytest.mark.django_db
def test_ids_made_for_one_moment_are_unique_and_keep_its_time():
    moment = datetime(2021, 2, 3, 4, 5, 6, 7000, tzinfo=UTC)
    ids = [snowflake_at(moment) for _ in range(200)]
    assert len(set(ids)) == 200
    millis = int(moment.timestamp() * 1000)
    assert {snowflake_millis(i) for i in ids[:32]} == {millis}
    assert all(millis <= snowflake_millis(i) < millis + 10 for i in ids)


# A new id needs this process's worker lease, which PostgreSQL keeps in the database.
@pytest.mark.django_db
def test_ids_made_for_a_moment_never_meet_ids_made_at_that_moment(monkeypatch):
    moment = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    made_now = {new_snowflake() for _ in range(100)}
    made_for = {snowflake_at(moment) for _ in range(100)}
    assert not made_now & made_for


def test_a_forked_child_mints_under_its_own_worker_number(transactional_db):
    workers.release_worker_number()  # claim afresh: flushing a test database empties the registry
    parent = snowflake_worker(new_snowflake())
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its worker number and leave at once
        try:
            os.write(write, str(snowflake_worker(new_snowflake())).encode())
        finally:
            os._exit(0)
    os.close(write)
    child = int(os.read(read, 16) or b"-1")
    os.waitpid(pid, 0)
    os.close(read)
    assert child not in (-1, parent)
    assert snowflake_worker(new_snowflake()) == parent


@pytest.fixture
def two_leases(transactional_db, tmp_path):
    """Two independent claimants of worker numbers on this test's database."""
    if connection.vendor == "postgresql":
        made = [workers._TableLease(), workers._TableLease()]
    else:
        made = [workers._FileLease(tmp_path / "locks"), workers._FileLease(tmp_path / "locks")]
    yield made
    for lease in made:
        lease.release()


def test_two_live_claimants_never_hold_the_same_worker_number(two_leases):
    first, second = two_leases
    assert first.current() != second.current()


def test_a_worker_number_frees_up_when_its_holder_is_gone(two_leases):
    first, second = two_leases
    held = first.current()
    if connection.vendor == "postgresql":
        from tidings.models import SnowflakeWorker

        # The holder stopped renewing (its machine died): the lease ends by the database clock.
        SnowflakeWorker.objects.filter(worker=held).update(
            leased_until=timezone.now() - timedelta(seconds=1)
        )
        assert second.current() == held
        first.renew_at = 0.0  # when the old holder comes back, its renewal fails: it moves on
        assert first.current() not in (held, second.current())
    else:
        first.release()  # what the kernel does to a dead process's file lock
        assert second.current() == held


def test_ids_are_still_made_before_the_registry_exists(monkeypatch):
    """Django's checks build a user object before ``migrate`` has created the registry."""
    lease = workers._TableLease()

    def no_table(*args, **kwargs):
        raise ProgrammingError('relation "tidings_snowflakeworker" does not exist')

    monkeypatch.setattr(lease, "_run", no_table)
    provisional = lease.current()
    assert 0 <= provisional < workers.MAX_WORKERS
    assert lease.current() == provisional
    monkeypatch.setattr(lease, "_run", lambda *args, **kwargs: 7)
    lease.retry_at = 0.0  # once the database is migrated, the next claim succeeds
    assert lease.current() == 7
