"""Where the streaming process hears of events: Redis pub/sub, or the event table polled."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import orjson
from django.conf import settings
from django.db import close_old_connections
from django.db.models import Max, Q
from django.utils import timezone

from tidings.social.models_streaming import StreamEvent
from tidings.streaming.events import channel

log = logging.getLogger(__name__)

Event = tuple[str, dict[str, Any]]
#: How often the event table is read (seconds).
POLL_INTERVAL = 0.25
#: Rows this young are read again, so one committed after a newer one is not missed.
LATE_COMMIT_WINDOW = timedelta(seconds=10)


class DatabaseSource:
    """Polls ``StreamEvent`` rows; each row is yielded once."""

    def __init__(self, run_sync: Callable[..., Any]) -> None:
        self.run_sync = run_sync
        self.last_id = 0
        self.seen: dict[int, float] = {}

    def _start(self) -> None:
        close_old_connections()
        self.last_id = StreamEvent.objects.aggregate(m=Max("id"))["m"] or 0
        recent = StreamEvent.objects.filter(created_at__gte=timezone.now() - LATE_COMMIT_WINDOW)
        self.seen = {i: time.monotonic() for i in recent.values_list("id", flat=True)}

    def _read(self) -> list[Event]:
        close_old_connections()
        rows = list(
            StreamEvent.objects.filter(
                Q(id__gt=self.last_id) | Q(created_at__gte=timezone.now() - LATE_COMMIT_WINDOW)
            )
            .order_by("id")
            .values_list("id", "kind", "data")
        )
        now = time.monotonic()
        events = []
        for row_id, kind, data in rows:
            if row_id in self.seen:
                continue
            self.seen[row_id] = now
            self.last_id = max(self.last_id, row_id)
            events.append((kind, data))
        horizon = now - 2 * LATE_COMMIT_WINDOW.total_seconds()
        self.seen = {i: t for i, t in self.seen.items() if t > horizon}
        return events

    async def events(self) -> AsyncIterator[Event]:
        await self.run_sync(self._start)
        while True:
            try:
                batch = await self.run_sync(self._read)
            except Exception:  # noqa: BLE001 - a database hiccup must not end every stream
                log.warning("Reading stream events failed", exc_info=True)
                batch = []
            for event in batch:
                yield event
            await asyncio.sleep(POLL_INTERVAL)


class RedisSource:
    """Subscribes to the Redis channel the actions publish on; reconnects when it drops."""

    async def events(self) -> AsyncIterator[Event]:
        import redis.asyncio as aioredis

        while True:
            client = aioredis.Redis.from_url(settings.REDIS_URL)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(channel())
                    async for message in pubsub.listen():
                        if message.get("type") != "message":
                            continue
                        try:
                            decoded = orjson.loads(message["data"])
                            yield decoded["kind"], decoded["data"]
                        except (orjson.JSONDecodeError, KeyError, TypeError):
                            log.warning("Ignored a malformed stream event")
            except Exception:  # noqa: BLE001 - Redis restarted: subscribe again
                log.warning("Redis stream subscription lost; retrying", exc_info=True)
                await asyncio.sleep(1)
            finally:
                await client.aclose()


def event_source(run_sync: Callable[..., Any]) -> DatabaseSource | RedisSource:
    return RedisSource() if settings.REDIS_URL else DatabaseSource(run_sync)
