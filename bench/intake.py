"""Order intake throughput: parse + resolve generated orders against a scratch database.

``python -m bench.intake [--accounts N] [--sizes 10000,100000]``. The database is a
fresh SQLite file in a temporary directory, so nothing of yours is touched. Orders
mix the forms real ones have (handles, twitter.com / x.com links, our post links,
unknown handles, junk) as a four-column CSV with a header. Target: ≥ 20,000 lines/s;
the figure is also given per CPU-second and against plain ``csv.reader`` on the same
bytes in the same run, since these machines are shared. The whole action
(``do_import_demand``: parse, resolve, write every item and the audit events) is
timed too, against parse + resolve alone.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
from collections import Counter

from bench.scratch import setup_scratch_database


def _seed(accounts: int, rng: random.Random) -> tuple[list[str], list[tuple[str, int]]]:
    """Bulk rows (no audit trail needed here): handles and (author handle, post id) pairs."""
    from tidings.social.models import Account, Post

    handles = [f"User_{n}" for n in range(accounts)]
    Account.objects.bulk_create(
        (Account(username=h, email=f"{h}@example.com") for h in handles), batch_size=2000
    )
    authors = list(Account.objects.values_list("id", "username")[: max(accounts // 10, 1)])
    posts = [Post(author_id=rng.choice(authors)[0], text="a post") for _ in range(accounts)]
    Post.objects.bulk_create(posts, batch_size=2000)
    pairs = list(Post.objects.values_list("author__username", "id"))
    return handles, pairs


def _order(size: int, handles: list[str], posts: list[tuple[str, int]], domain: str) -> bytes:
    rng = random.Random(size)
    rows = ["S.No,Name,Link,Reason"]
    for n in range(1, size + 1):
        roll = rng.random()
        handle = rng.choice(handles)
        if roll < 0.45:
            target = f"@{handle.lower()}"
        elif roll < 0.60:
            target = f"https://twitter.com/{handle}?s=20"
        elif roll < 0.75:
            author, post_id = rng.choice(posts)
            target = f"https://{domain}/@{author}/{post_id}"
        elif roll < 0.85:
            target = f"https://x.com/{handle}/status/{rng.getrandbits(60)}"
        elif roll < 0.95:
            target = f"@ghost_{n}"
        else:
            target = "https://twitter.com/search?q=protest"
        rows.append(f'{n},"Name {n}",{target},misinformation')
    return ("\r\n".join(rows) + "\r\n").encode()


def _baseline(data: bytes) -> float:
    """Lines/s of decoding and splitting the same file with ``csv.reader``: the floor."""
    started = time.perf_counter()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    return (len(rows) - 1) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tidings-bench-") as data_dir:
        setup_scratch_database(data_dir)
        from django.conf import settings

        from tidings.legal.actions.intake import do_import_demand
        from tidings.legal.intake import parse_order, resolve_targets
        from tidings.social.actions import do_create_account

        rng = random.Random(1)
        handles, posts = _seed(args.accounts, rng)
        staff = do_create_account(
            "bench_legal", email="l@example.com", password=None, role="legal", acting_user=None
        )
        print(f"database: {args.accounts:,} accounts, {len(posts):,} posts (SQLite)")
        for size in (int(s) for s in args.sizes.split(",")):
            data = _order(size, handles, posts, settings.DOMAIN)
            resolve_targets(parse_order(data[:2000], own_domain=settings.DOMAIN).lines)  # warm
            floor = _baseline(data)
            cpu, started = time.process_time(), time.perf_counter()
            order = parse_order(data, own_domain=settings.DOMAIN)
            parsed = time.perf_counter()
            resolved = resolve_targets(order.lines)
            done, cpu = time.perf_counter(), time.process_time() - cpu
            counts = Counter(line.status for line in resolved)
            print(
                f"{size:>7,} lines ({len(data) / 1e6:.1f} MB): "
                f"parse {size / (parsed - started):>7,.0f} lines/s, "
                f"resolve {size / (done - parsed):>7,.0f} lines/s, "
                f"total {size / (done - started):>7,.0f} lines/s wall "
                f"({done - started:.3f} s), {size / cpu:,.0f} lines per CPU-second"
            )
            print(
                f"{'':>9}csv.reader alone: {floor:,.0f} lines/s, so parse+resolve runs at "
                f"{size / (done - started) / floor:.2f}x of it; {dict(counts)}"
            )
            parse_resolve = done - started
            started = time.perf_counter()
            do_import_demand(
                data,
                authority_name="Bench Ministry",
                country="IN",
                reference=f"B-{size}",
                acting_user=staff,
            )
            imported = time.perf_counter() - started
            print(
                f"{'':>9}whole import (items and audit written): {size / imported:>7,.0f} lines/s "
                f"({imported:.3f} s), {imported / parse_resolve:.2f}x the time of parse+resolve"
            )


if __name__ == "__main__":
    main()
