"""What counting one request against a rate limit costs in-process, with the server's store.

    python -m bench.ratelimit [--calls 5000] [--callers 200] [--rounds 3]

Uses the settings from ``TIDINGS_*`` (without ``TIDINGS_REDIS_URL``: the
machine-local store in a fresh temporary data directory, unless
``TIDINGS_DATA_DIR`` is set). Callers take turns, as many clients' requests
interleave; each round prints the median and 99th percentile of one
``count_request`` in microseconds. Run it in two checkouts, interleaved, to
compare stores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ratelimit")
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--callers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("TIDINGS_DATA_DIR", tempfile.mkdtemp(prefix="bench-ratelimit-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tidings.settings")
    import django

    django.setup()
    from django.conf import settings

    from tidings.api.ratelimit import count_request

    print("store:", settings.CACHES["ratelimit"]["BACKEND"])
    for round_number in range(args.rounds):
        times = []
        for n in range(args.calls):
            started = time.perf_counter()
            count_request("api", f"account:{n % args.callers}")
            times.append(time.perf_counter() - started)
        times.sort()
        print(
            f"round {round_number + 1}: median {statistics.median(times) * 1e6:.1f} us, "
            f"p99 {times[int(len(times) * 0.99)] * 1e6:.1f} us"
        )


if __name__ == "__main__":
    main()
