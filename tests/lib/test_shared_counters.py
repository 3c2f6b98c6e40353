"""The machine-local counter store of the rate limits (no Redis): shared, exact, self-expiring."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from unittest.mock import patch

import pytest

from tidings.lib import shared_counters
from tidings.lib.shared_counters import SharedCounterCache


def store(path: Path, slots: int = 1024) -> SharedCounterCache:
    return SharedCounterCache(str(path), {"OPTIONS": {"SLOTS": slots}})


def count_many(counters: SharedCounterCache, times: int, queue: multiprocessing.Queue) -> None:
    last = 0
    for _ in range(times):
        last = counters.count("api:ip:203.0.113.9:0", timeout=600)
    queue.put(last)


def test_forked_workers_counting_at_once_lose_no_count(tmp_path):
    """As gunicorn forks its workers from a parent that has opened the store already: each
    child uses the object it inherited."""
    counters = store(tmp_path)
    assert counters.count("api:ip:203.0.113.9:0", timeout=600) == 1
    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    workers = [fork.Process(target=count_many, args=(counters, 20_000, queue)) for _ in "ab"]
    for worker in workers:
        worker.start()
    count_many(counters, 20_000, queue)
    for worker in workers:
        worker.join(timeout=120)
    assert max(queue.get(timeout=10) for _ in range(3)) == 60_001
    assert counters.get("api:ip:203.0.113.9:0") == 60_001


def test_a_counter_starts_again_once_it_expires(tmp_path):
    counters = store(tmp_path)
    with patch.object(shared_counters.time, "time", return_value=1_000.0):
        assert [counters.count("k", timeout=60) for _ in range(3)] == [1, 2, 3]
    with patch.object(shared_counters.time, "time", return_value=1_059.0):
        assert counters.count("k", timeout=60) == 4
    with patch.object(shared_counters.time, "time", return_value=1_061.0):
        assert counters.get("k") is None
        assert counters.count("k", timeout=60) == 1


def test_counts_outlive_the_process_that_made_them(tmp_path):
    store(tmp_path).count("statuses:account:7:0", timeout=600)
    assert store(tmp_path).count("statuses:account:7:0", timeout=600) == 2


def test_a_full_table_gives_up_the_counter_that_expires_first_and_never_fails(tmp_path):
    counters = store(tmp_path, slots=4)
    with patch.object(shared_counters.time, "time", return_value=1_000.0):
        counters.count("soonest", timeout=10)
        for n in range(3):
            counters.count(f"later{n}", timeout=600)
        assert counters.count("newcomer", timeout=600) == 1
        assert counters.get("soonest") is None
        assert [counters.get(f"later{n}") for n in range(3)] == [1, 1, 1]


def test_the_cache_methods_the_rate_limits_use(tmp_path):
    counters = store(tmp_path)
    assert counters.add("k", 1, timeout=60)
    assert not counters.add("k", 5, timeout=60)
    assert counters.incr("k") == 2
    with pytest.raises(ValueError):
        counters.incr("missing")
    assert counters.delete("k")
    assert counters.get("k", 0) == 0
    counters.set("k", 9, timeout=60)
    counters.clear()
    assert not counters.has_key("k")
