"""Skewed random choices for seeding: power-law popularity, follow graphs, posting times.

Every function takes its own ``random.Random`` so a seed fixes the whole dataset.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta


def zipf_weights(n: int, exponent: float = 1.0, offset: float = 1.0) -> list[float]:
    """Weights ``1 / (rank + offset) ** exponent`` for ranks 0..n-1 (rank 0 is the heaviest)."""
    return [1.0 / (rank + offset) ** exponent for rank in range(n)]


def cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def out_degrees(rng: random.Random, n: int, mean: float, *, cap: int) -> list[int]:
    """How many accounts each of ``n`` accounts follows: log-normal, averaging about ``mean``.

    Each degree is within ``[1, cap]``; a few accounts follow many, most follow some.
    """
    if n == 0 or mean <= 0:
        return [0] * n
    sigma = 0.9
    mu = math.log(mean) - sigma * sigma / 2
    return [max(1, min(cap, round(rng.lognormvariate(mu, sigma)))) for _ in range(n)]


def follow_graph(
    rng: random.Random,
    degrees: Sequence[int],
    popularity: Sequence[float],
) -> list[list[int]]:
    """For each account ``i``, the distinct accounts it follows (never itself), newest-first order.

    ``popularity[j]`` is the relative chance of ``j`` being picked, so a power law in
    ``popularity`` gives a power law in follower counts.
    """
    n = len(popularity)
    population = range(n)
    cum = cumulative(popularity)
    graph: list[list[int]] = []
    for follower, degree in enumerate(degrees):
        degree = min(degree, n - 1)
        chosen: dict[int, None] = {}
        attempts = 0
        while len(chosen) < degree and attempts < 8:
            want = degree - len(chosen)
            for j in rng.choices(population, cum_weights=cum, k=want + want // 2 + 2):
                if j != follower:
                    chosen.setdefault(j)
                    if len(chosen) == degree:
                        break
            attempts += 1
        if len(chosen) < degree:  # the popular ones are taken: fill uniformly
            for j in rng.sample(population, n):
                if j != follower:
                    chosen.setdefault(j)
                    if len(chosen) == degree:
                        break
        graph.append(list(chosen))
    return graph


def post_times(rng: random.Random, count: int, *, end: datetime, days: float) -> list[datetime]:
    """``count`` sorted moments within ``days`` before ``end``, busier in Indian daytime.

    Moments are whole milliseconds, as ids keep no finer time.
    """
    span_ms = int(days * 86_400_000)
    start = end - timedelta(milliseconds=span_ms)
    moments: list[int] = []
    while len(moments) < count:
        offset = rng.randrange(span_ms)
        hour_utc = (start + timedelta(milliseconds=offset)).hour
        hour_ist = (hour_utc + 5) % 24  # close enough to UTC+5:30 for a daily rhythm
        busy = 1.0 if 8 <= hour_ist <= 23 else 0.35
        if rng.random() < busy:
            moments.append(offset)
    moments.sort()
    return [start + timedelta(milliseconds=m) for m in moments]
