"""Legal-desk costs: deciding a 1,178-item order, and reading with 10,000 active withholdings.

``python -m bench.legal [--items 1178] [--withholdings 10000] [--requests 300]``.
Runs on a scratch SQLite database in a temporary directory. Figures are
ratios against baselines measured in the same run:

- deciding: withholding every item of an order (items moved, withholdings
  created, one audit event per item and per withholding, notices queued) vs.
  writing the same number of audit events alone. Target: commits in < 1 s.
- reading: the public timeline for a viewer in India with N withholdings in
  force there vs. with none. Target: ≤ 5 % slower.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from bench.scratch import setup_scratch_database


def _accounts(n: int, prefix: str) -> list[int]:
    from tidings.social.models import Account

    Account.objects.bulk_create(
        (Account(username=f"{prefix}{i}", email=f"{prefix}{i}@example.com") for i in range(n)),
        batch_size=2000,
    )
    return list(Account.objects.filter(username__startswith=prefix).values_list("id", flat=True))


def bench_decide(items: int) -> dict[str, float]:
    from django.db import transaction

    from tidings.audit.chain import EventSpec, record_events
    from tidings.legal.actions.decisions import do_decide_items
    from tidings.legal.actions.intake import do_import_demand
    from tidings.social.actions import do_create_account

    staff = do_create_account(
        "bench_legal", email="l@example.com", password=None, role="legal", acting_user=None
    )
    _accounts(items, "target_")
    order = "\n".join(f"@target_{i}" for i in range(items))
    demand = do_import_demand(
        order, authority_name="Bench Ministry", country="IN", reference="B-1", acting_user=staff
    ).demand
    start = time.perf_counter()
    with transaction.atomic():
        record_events(
            EventSpec("bench.baseline", staff.id, "x", str(i), {"i": i}) for i in range(items * 2)
        )
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    do_decide_items(demand, "all_matched", action="withhold", reason="bench", acting_user=staff)
    decide = time.perf_counter() - start
    return {
        "items": items,
        "decide_s": decide,
        "audit_only_s": baseline,
        "ratio": decide / baseline,
    }


def _time_requests(client, path: str, requests: int) -> float:
    latencies = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path, HTTP_X_COUNTRY="IN")
        latencies.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(latencies)


def bench_read(withholdings: int, requests: int) -> dict[str, float]:
    from django.test import Client
    from django.utils import timezone

    from tidings.legal.models import Withholding
    from tidings.legal.withheld import bump_version
    from tidings.social.models import Post

    authors = _accounts(200, "author_")
    Post.objects.bulk_create(
        (Post(author_id=authors[i % len(authors)], text=f"post {i} #bench") for i in range(4000)),
        batch_size=2000,
    )
    client = Client()
    client.get("/public", HTTP_X_COUNTRY="IN")
    without = _time_requests(client, "/public", requests)
    targets = _accounts(withholdings, "withheld_")
    now = timezone.now()
    Withholding.objects.bulk_create(
        (
            Withholding(account_id=a, countries=["IN"], starts_at=now, reason="bench")
            for a in targets
        ),
        batch_size=2000,
    )
    bump_version()
    client.get("/public", HTTP_X_COUNTRY="IN")
    with_set = _time_requests(client, "/public", requests)
    return {
        "withholdings": withholdings,
        "p50_without_ms": without * 1000,
        "p50_with_ms": with_set * 1000,
        "ratio": with_set / without,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1178)
    parser.add_argument("--withholdings", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tidings-bench-legal-") as data_dir:
        setup_scratch_database(
            data_dir,
            TIDINGS_COUNTRY_HEADER="X-Country",
            TIDINGS_GEOIP="0",
            TIDINGS_ALLOWED_HOSTS="testserver",
        )
        decide = bench_decide(args.items)
        print(
            f"decide {decide['items']} items: {decide['decide_s']:.3f} s "
            f"(audit events alone {decide['audit_only_s']:.3f} s, ratio {decide['ratio']:.2f}); "
            "target < 1 s"
        )
        read = bench_read(args.withholdings, args.requests)
        print(
            f"public timeline, viewer in IN: p50 {read['p50_without_ms']:.2f} ms with no "
            f"withholdings, {read['p50_with_ms']:.2f} ms with {read['withholdings']} "
            f"(ratio {read['ratio']:.3f}); target ≤ 1.05"
        )


if __name__ == "__main__":
    main()
