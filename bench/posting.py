"""Posting latency against follower count, and how fast workers fan posts out.

``python -m bench.posting [--followers 4000] [--posts 30]``. The in-process part of
``bench.write`` (which measures the same through the API against ``tidings serve``):
runs on a scratch SQLite database in a temporary directory. Figures are ratios against a
baseline measured in the same run:

- posting: p50 of ``do_create_post`` (the whole posting transaction, fan-out
  task queued) by an author with N followers vs. one with none. Target: the
  ratio stays near 1 and p50 < 30 ms at 4,000 followers.
- fan-out: home-timeline rows written per second by a worker draining the
  queue after those posts.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from bench.scratch import setup_scratch_database
from bench.write import make_authors


def _p50_ms(author, posts: int) -> float:
    from tidings.social.actions import do_create_post

    times = []
    for i in range(posts):
        start = time.perf_counter()
        do_create_post(f"post {i} by {author.username}", acting_user=author)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench_posting(followers: int, posts: int) -> dict[str, float]:
    from tidings.social.models import Account, HomeEntry
    from tidings.tasks.worker import Worker

    lonely, popular = (
        Account.objects.get(id=author["id"]) for author in make_authors("p", [0, followers])
    )
    _p50_ms(lonely, 5)  # warm up connections and caches before timing
    _p50_ms(popular, 5)
    baseline = _p50_ms(lonely, posts)
    measured = _p50_ms(popular, posts)
    before = HomeEntry.objects.count()
    start = time.perf_counter()
    Worker(worker_id="bench").run_until_idle()
    drain = time.perf_counter() - start
    rows = HomeEntry.objects.count() - before
    return {
        "baseline_ms": baseline,
        "measured_ms": measured,
        "ratio": measured / baseline,
        "fanout_rows": rows,
        "fanout_rows_per_s": rows / drain,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--followers", type=int, default=4000)
    parser.add_argument("--posts", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tidings-bench-posting-") as data_dir:
        setup_scratch_database(data_dir)
        result = bench_posting(args.followers, args.posts)
        print(
            f"posting p50: {result['baseline_ms']:.1f} ms with no followers, "
            f"{result['measured_ms']:.1f} ms with {args.followers} "
            f"(ratio {result['ratio']:.2f}); target < 30 ms"
        )
        print(
            f"fan-out by one worker: {result['fanout_rows']} home entries, "
            f"{result['fanout_rows_per_s']:.0f} rows/s"
        )


if __name__ == "__main__":
    main()
