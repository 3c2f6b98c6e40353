"""Write throughput: posts/s through the API, posting latency against follower count,
fan-out completion, and the audit chain's own write rate, in one run.

    python -m bench.write [--database-url URL] [--data-dir DIR] [--clients 4] [--seconds 10]
                          [--followers 100] [--big-followers 4000] [--profile]
                          [--audit-writers 1,4,8] [--audit-only]

The server's data dir (default ``tidings-data/bench-write/<database name>/``) holds
the audit key, its checkpoints and, without ``--database-url``, the SQLite file:
keep it as long as the database. Fan-out left queued by an earlier run is run
before anything is measured.

Creates its own authors (names unique to the run, so it can run again on the same
database): ``--clients`` authors with ``--followers`` followers each, one more with
``--followers`` and one with ``--big-followers``, each with a write token. Starts
``tidings serve`` (its web workers and its task worker) on a free loopback port, then

1. posts for ``--seconds`` from ``--clients`` concurrent keep-alive clients, one
   author each: posts/s and latency;
2. posts ``--latency-posts`` times, one after another, as the author with
   ``--followers`` and as the one with ``--big-followers``: request latency p50/p99;

while a watcher measures, for every post, the time from its response until it is in
every follower's home timeline (fan-out completion). After the server stops, it
times the audit chain alone (events/s, one writer and ``--clients`` writers, or each
count in ``--audit-writers``; ``--audit-only`` does only that) and,
with ``--profile``, profiles posting requests in this process (cProfile).
Prints a summary and writes ``bench/results/write-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bench.read import RESULTS, ROOT, ensure_postgres, free_port, running_server, server_env


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.write", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TIDINGS_BENCH_DATABASE_URL", ""),
        help="Database to write to (default: a new SQLite file in --data-dir).",
    )
    parser.add_argument(
        "--data-dir",
        default="",
        help="Data dir for the server (audit key, checkpoints, SQLite file); keep it with the "
        "database (default: tidings-data/bench-write/<database name>).",
    )
    parser.add_argument("--clients", type=int, default=4, help="Concurrent posting clients.")
    parser.add_argument("--seconds", type=float, default=10.0, help="Length of the load phase.")
    parser.add_argument("--followers", type=int, default=100, help="Followers of each author.")
    parser.add_argument("--big-followers", type=int, default=4000, help="The popular author's.")
    parser.add_argument("--latency-posts", type=int, default=40, help="Posts per latency run.")
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes.")
    parser.add_argument("--audit-events", type=int, default=2000, help="Events per audit run.")
    parser.add_argument(
        "--audit-writers",
        default="",
        help="Comma-separated writer counts for the audit chain alone (default: 1 and --clients).",
    )
    parser.add_argument(
        "--audit-only",
        action="store_true",
        help="Only time the audit chain alone: no server, no authors, no posting.",
    )
    parser.add_argument("--profile", action="store_true", help="Profile posting in-process.")
    parser.add_argument("--profile-posts", type=int, default=300)
    return parser.parse_args(argv)


# -- the population ------------------------------------------------------------------


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def make_authors(run: str, sizes: list[int]) -> list[dict[str, Any]]:
    """One author per entry of ``sizes``, followed by that many accounts, with a write token each.

    Followers come from one shared pool of ``max(sizes)`` accounts, so the authors'
    audiences overlap as they do on a real server.
    """
    import random

    from django.db import transaction
    from django.db.models import F

    from tidings.api.actions import do_create_app, do_issue_token
    from tidings.social.models import Account, Follow

    rng = random.Random(run)
    with transaction.atomic():
        pool = Account.objects.bulk_create(
            (Account(username=f"{run}f{i}", password="!") for i in range(max(sizes))),
            batch_size=2000,
        )
        authors = Account.objects.bulk_create(
            Account(username=f"{run}a{i}", password="!") for i in range(len(sizes))
        )
        follows = []
        for author, size in zip(authors, sizes, strict=True):
            follows += [Follow(follower=f, followee=author) for f in rng.sample(pool, size)]
            Account.objects.filter(id=author.id).update(followers_count=F("followers_count") + size)
        Follow.objects.bulk_create(follows, batch_size=5000)
        Account.objects.filter(id__in=[f.id for f in pool]).update(following_count=1)
    app = do_create_app(
        f"Write benchmark {run}",
        redirect_uris="urn:ietf:wg:oauth:2.0:oob",
        scopes="read write",
        acting_user=authors[0],
    )
    return [
        {
            "id": author.id,
            "username": author.username,
            "followers": size,
            "token": do_issue_token(
                author, app.app.application, ["read", "write"], acting_user=author
            ).raw,
        }
        for author, size in zip(authors, sizes, strict=True)
    ]


# -- fan-out completion -------------------------------------------------------------


@dataclass
class Posted:
    post_id: int
    expected: int  # home entries when fanned out: every follower and the author
    answered: float  # monotonic time of the response
    complete: float | None = None


@dataclass
class FanoutWatcher:
    """Polls home timelines for posts not yet in every follower's, and notes when they are."""

    every: float = 0.02
    pending: dict[int, Posted] = field(default_factory=dict)
    done: list[Posted] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def add(self, posted: Posted) -> None:
        with self.lock:
            self.pending[posted.post_id] = posted

    def look(self) -> None:
        """One look at the home timelines of the posts still pending."""
        from django.db.models import Count

        from tidings.social.models import HomeEntry

        with self.lock:
            ids = list(self.pending)[:2000]
        if not ids:
            return
        counts = dict(
            HomeEntry.objects.filter(post_id__in=ids)
            .values("post_id")
            .annotate(n=Count("id"))
            .values_list("post_id", "n")
        )
        now = time.monotonic()
        with self.lock:
            for post_id in ids:
                posted = self.pending[post_id]
                if counts.get(post_id, 0) >= posted.expected:
                    posted.complete = now
                    self.done.append(self.pending.pop(post_id))

    def run(self) -> None:
        from django.db import connection

        while not self.stopping.is_set():
            self.look()
            time.sleep(self.every)
        connection.close()

    def wait_all(self, timeout: float) -> int:
        """Wait until every post is fanned out or ``timeout`` passes; returns how many are not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if not self.pending:
                    return 0
            time.sleep(0.05)
        with self.lock:
            return len(self.pending)


# -- posting clients ------------------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection posting as one author."""

    def __init__(self, base: str, author: dict[str, Any]) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.author = author
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.headers = {
            "Authorization": f"Bearer {author['token']}",
            "Content-Type": "application/json",
        }
        self.sent = 0

    def post(self) -> tuple[float, int, int | None]:
        """Post once; returns (seconds, HTTP status, post id)."""
        self.sent += 1
        body = json.dumps({"status": f"bench post {self.sent} by {self.author['username']}"})
        began = time.perf_counter()
        try:
            self.conn.request("POST", "/api/v1/statuses", body=body, headers=self.headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            return time.perf_counter() - began, 0, None
        elapsed = time.perf_counter() - began
        post_id = int(json.loads(payload)["id"]) if response.status == 200 else None
        return elapsed, response.status, post_id


def percentiles(seconds: list[float]) -> dict[str, float | None]:
    if not seconds:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(seconds)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1000, 1)

    return {"p50_ms": at(50), "p99_ms": at(99), "max_ms": round(ordered[-1] * 1000, 1)}


def fanout_summary(posts: list[Posted]) -> dict[str, Any]:
    waits = [p.complete - p.answered for p in posts if p.complete is not None]
    return {
        "posts": len(posts),
        "fanned_out": len(waits),
        "fanout_p50_ms": round(statistics.median(waits) * 1000, 1) if waits else None,
        "fanout_max_ms": round(max(waits) * 1000, 1) if waits else None,
        "fanout_within_5s": sum(1 for w in waits if w <= 5.0),
    }


def latency_run(
    base: str, author: dict[str, Any], posts: int, watcher: FanoutWatcher
) -> dict[str, Any]:
    """``posts`` posts one after another by ``author``; latency and fan-out completion."""
    client = Client(base, author)
    client.post()  # warm up the connection and the worker's caches
    times, mine, errors = [], [], 0
    for _ in range(posts):
        elapsed, status, post_id = client.post()
        if post_id is None:
            errors += 1
            continue
        times.append(elapsed)
        posted = Posted(post_id, author["followers"] + 1, time.monotonic())
        mine.append(posted)
        watcher.add(posted)
    watcher.wait_all(60)
    return {"followers": author["followers"], "errors": errors, **percentiles(times)} | (
        fanout_summary(mine)
    )


def load_run(
    base: str, authors: list[dict[str, Any]], seconds: float, watcher: FanoutWatcher
) -> dict[str, Any]:
    """Every author posts from its own client, concurrently, for ``seconds``."""
    times: list[float] = []
    posted: list[Posted] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client_loop(author: dict[str, Any]) -> None:
        client = Client(base, author)
        while time.monotonic() < deadline:
            elapsed, status, post_id = client.post()
            with lock:
                if post_id is None:
                    errors[0] += 1
                    continue
                times.append(elapsed)
                one = Posted(post_id, author["followers"] + 1, time.monotonic())
                posted.append(one)
            watcher.add(one)

    started = time.monotonic()
    pool = [threading.Thread(target=client_loop, args=(a,)) for a in authors]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    left = watcher.wait_all(120)
    return {
        "clients": len(authors),
        "followers_each": authors[0]["followers"],
        "seconds": round(elapsed, 2),
        "posts_per_s": round(len(times) / elapsed, 1),
        "errors": errors[0],
        "not_fanned_out_after_120s": left,
        **percentiles(times),
        **fanout_summary(posted),
    }


# -- the audit chain alone ---------------------------------------------------------------


def audit_rate(events: int, writers: int) -> dict[str, Any]:
    """Events/s when ``writers`` threads each append events, one per transaction."""
    from django.db import close_old_connections, connection, transaction

    from tidings.audit.chain import record_event

    per_writer = max(1, events // writers)

    def write(index: int) -> None:
        for i in range(per_writer):
            with transaction.atomic():
                record_event("bench.baseline", actor_id=None, subject_type="bench", data={"i": i})
        connection.close()

    close_old_connections()
    started = time.perf_counter()
    pool = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "writers": writers,
        "events": per_writer * writers,
        "events_per_s": round(per_writer * writers / elapsed, 1),
    }


def wait_for_empty_queue(timeout: float) -> int:
    """Let the server's worker run what earlier runs left queued; returns how many it found."""
    from django.db import connection
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        task_path="tidings.social.fanout.fanout_post",
    )
    found = waiting.count()
    deadline = time.monotonic() + timeout
    while waiting.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    connection.close()
    return found


def audit_events_so_far() -> int:
    """Events in the log: the heads' counts (one row per stream; no scan of the events)."""
    from django.db.models import Sum

    from tidings.audit.models import ChainHead

    return ChainHead.objects.aggregate(n=Sum("last_seq"))["n"] or 0


# -- the profile ---------------------------------------------------------------------------


def profile_posting(author: dict[str, Any], posts: int, top: int = 30) -> dict[str, Any]:
    """Post ``posts`` times through the API in this process under cProfile; the top functions."""
    from django.test import Client as DjangoClient

    from tidings.tasks.worker import Worker

    client = DjangoClient(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {author['token']}")

    def post(i: int) -> None:
        response = client.post(
            "/api/v1/statuses", {"status": f"profiled post {i}"}, content_type="application/json"
        )
        if response.status_code != 200:
            raise SystemExit(f"profiled post answered {response.status_code}")

    for i in range(20):
        post(i)  # warm up
    started = time.perf_counter()
    for i in range(posts):
        post(i)
    plain_ms = (time.perf_counter() - started) * 1000 / posts
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(posts):
        post(i)
    profiler.disable()
    per_post_ms = (time.perf_counter() - started) * 1000 / posts
    Worker(worker_id="bench-profile").run_until_idle()  # leave no fan-out for the next run
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return {
        "posts": posts,
        "ms_per_post": round(plain_ms, 2),
        "posts_per_s_one_core": round(1000 / plain_ms, 1),
        "ms_per_post_profiled": round(per_post_ms, 2),
        "text": text.getvalue(),
    }


# -- the run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if not args.data_dir:
        name = urlsplit(args.database_url).path.strip("/") or "sqlite"
        args.data_dir = str(ROOT / "tidings-data" / "bench-write" / name)
    if args.database_url.startswith(("postgres://", "postgresql://")):
        ensure_postgres(args.database_url)  # as bench.read: made if missing, a clear exit if down
    port = free_port()
    env = server_env(args, args.database_url, port)
    subprocess.run([sys.executable, "-m", "tidings.cli", "migrate", "-v0"], env=env, check=True)
    setup_django(env)
    from django.db import connection

    writers = [int(n) for n in args.audit_writers.split(",") if n.strip()] or [1, args.clients]
    if args.audit_only:
        audit_only(args, writers)
        return

    run = "w" + datetime.now(UTC).strftime("%H%M%S%f")[:9]
    sizes = [args.followers] * args.clients + [args.followers, args.big_followers]
    started = time.perf_counter()
    authors = make_authors(run, sizes)
    info: dict[str, Any] = {
        "database": connection.vendor,
        "setup_s": round(time.perf_counter() - started, 1),
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    connection.close()
    clients, steady, popular = authors[: args.clients], authors[-2], authors[-1]
    watcher = FanoutWatcher()
    watching = threading.Thread(target=watcher.run, daemon=True)
    watching.start()
    first_event = audit_events_so_far()
    connection.close()
    results: dict[str, Any] = {}
    with running_server(env, port, args.workers) as base:
        info["tasks_left_from_before"] = wait_for_empty_queue(120)
        # Throughput first, on an empty queue; the popular author's fan-out (the longest) last.
        before = audit_events_so_far()
        connection.close()
        results["load"] = load_run(base, clients, args.seconds, watcher)
        after = audit_events_so_far()
        connection.close()
        print("  measured posting throughput", file=sys.stderr)
        results["latency"] = [
            latency_run(base, steady, args.latency_posts, watcher),
            latency_run(base, popular, args.latency_posts, watcher),
        ]
        print("  measured posting latency", file=sys.stderr)
    watcher.stopping.set()
    watching.join()
    load = results["load"]
    posts = load["posts"] or 1
    results["audit"] = {
        "events_during_load": after - before,
        "events_per_post": round((after - before) / posts, 2),
        "events_per_s_during_load": round((after - before) / load["seconds"], 1),
        "chain_alone": [audit_rate(args.audit_events, n) for n in writers],
    }
    info["events_written_by_run"] = audit_events_so_far() - first_event
    if args.profile:
        results["profile"] = profile_posting(steady, args.profile_posts)
    connection.close()
    info["load_average_after"] = round(os.getloadavg()[0], 2)
    print_summary(results, info, args)
    write_results(results, info, args)


def audit_only(args: argparse.Namespace, writers: list[int]) -> None:
    """``--audit-only``: the audit chain alone, for each writer count; printed and written."""
    from django.db import connection

    info: dict[str, Any] = {
        "database": connection.vendor,
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    rows = [audit_rate(args.audit_events, n) for n in writers]
    info["load_average_after"] = round(os.getloadavg()[0], 2)
    print(f"\nAudit chain alone on {info['database']}:")
    for row in rows:
        print(f"  {row['writers']:>3} writer(s): {row['events_per_s']:>8} events/s")
    write_results({"audit": {"chain_alone": rows}}, info, args)


def print_summary(results: dict[str, Any], info: dict[str, Any], args: argparse.Namespace) -> None:
    print(
        f"\nWrite benchmark on {info['database']}: tidings serve with {args.workers} workers "
        "and its task worker; load average "
        f"{info['load_average_before']} before, {info['load_average_after']} after."
    )
    print(f"\n{'posting latency':28} {'p50 ms':>8} {'p99 ms':>8} {'fan-out p50':>12} {'max':>8}")
    for row in results["latency"]:
        print(
            f"{'author with ' + str(row['followers']) + ' followers':28} {row['p50_ms']:>8} "
            f"{row['p99_ms']:>8} {row['fanout_p50_ms']!s:>9} ms {row['fanout_max_ms']!s:>5} ms"
        )
    load = results["load"]
    print(
        f"\nthroughput: {load['posts_per_s']} posts/s from {load['clients']} clients "
        f"({load['followers_each']} followers each), p50 {load['p50_ms']} ms, p99 "
        f"{load['p99_ms']} ms, {load['errors']} errors; fan-out complete p50 "
        f"{load['fanout_p50_ms']} ms, max {load['fanout_max_ms']} ms, "
        f"{load['fanout_within_5s']}/{load['posts']} within 5 s"
    )
    audit = results["audit"]
    alone = ", ".join(
        f"{row['events_per_s']} events/s with {row['writers']} writer(s)"
        for row in audit["chain_alone"]
    )
    print(
        f"audit: {audit['events_per_post']} events per post, "
        f"{audit['events_per_s_during_load']} events/s under load; the chain alone: {alone}"
    )
    if "profile" in results:
        profile = results["profile"]
        print(
            f"\nin-process: {profile['ms_per_post']} ms per post through the API "
            f"({profile['posts_per_s_one_core']} posts/s on one core), "
            f"{profile['ms_per_post_profiled']} ms under cProfile; its top functions are in the JSON"
        )


def write_results(results: dict[str, Any], info: dict[str, Any], args: argparse.Namespace) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    report = {
        "benchmark": "write",
        "at": stamp,
        "commit": commit,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()} | info,
        "settings": {
            k: getattr(args, k)
            for k in ("clients", "seconds", "followers", "big_followers", "workers")
        },
        **results,
    }
    path = RESULTS / f"write-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
