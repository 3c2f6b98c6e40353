"""A process that mints snowflake ids as fast as it can (started by tests/lib/test_snowflake.py)."""

from __future__ import annotations

import os


def mint_in_process(env: dict[str, str], start, count: int, results) -> None:
    """Set Django up with ``env``, wait for ``start`` (a barrier), mint ``count`` ids, report them."""
    os.environ.update(env)
    import django

    django.setup()
    from tidings.lib.snowflake import new_snowflake
    from tidings.lib.workers import worker_number

    worker_number()  # claim before the race, as a server does on its first request
    start.wait(timeout=60)
    ids = [new_snowflake() for _ in range(count)]
    results.put((os.getpid(), ids))
