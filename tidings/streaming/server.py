"""The streaming server: an ASGI app (run by uvicorn, started by ``tidings serve``).

Serves Mastodon's streaming API: ``GET /api/v1/streaming/health``, Server-Sent
Events on ``/api/v1/streaming/{user,user/notification,public,public/local,
hashtag,hashtag/local}`` and a WebSocket on ``/api/v1/streaming`` taking
``{"type": "subscribe", "stream": ..., "tag": ...}`` messages. One task reads
events (:mod:`tidings.streaming.sources`) and hands each connection what
:mod:`tidings.streaming.dispatch` decides; ORM work runs on a small thread pool,
so thousands of idle connections cost no request worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tidings.settings")
import django  # noqa: E402

django.setup()

import orjson  # noqa: E402
from django.db import close_old_connections  # noqa: E402

from tidings.streaming.auth import StreamRefused, authenticate  # noqa: E402
from tidings.streaming.dispatch import Message, Subscriber, messages_for  # noqa: E402
from tidings.streaming.sources import event_source  # noqa: E402
from tidings.streaming.urls import allowed_origins  # noqa: E402
from tidings.visibility.streams import STREAMS  # noqa: E402

log = logging.getLogger(__name__)

PREFIX = "/api/v1/streaming"
#: SSE paths and the stream each one follows.
SSE_PATHS = {
    "/user": "user",
    "/user/notification": "user:notification",
    "/public": "public",
    "/public/local": "public:local",
    "/hashtag": "hashtag",
    "/hashtag/local": "hashtag:local",
}
HEARTBEAT_SECONDS = 15.0
#: Messages waiting for a slow client before it is disconnected.
QUEUE_LIMIT = 1000
TAG_MAX_LENGTH = 100

_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="stream-db")


def _in_thread(fn: Any, *args: Any) -> Any:
    close_old_connections()
    try:
        return fn(*args)
    finally:
        close_old_connections()


async def run_sync(fn: Any, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(_executor, _in_thread, fn, *args)


class Hub:
    """The open connections, and the one task that feeds them events."""

    def __init__(self) -> None:
        self.queues: dict[Subscriber, asyncio.Queue[Message | None]] = {}
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        source = event_source(run_sync)
        async for kind, data in source.events():
            subscribers = list(self.queues)
            if not subscribers:
                continue
            try:
                out = await run_sync(messages_for, kind, data, subscribers)
            except Exception:  # noqa: BLE001 - one bad event must not stop every stream
                log.exception("Dispatching stream event %s failed", kind)
                continue
            for sub, messages in out.items():
                self._deliver(sub, messages)
            for sub in subscribers:
                if sub.closed:
                    self._deliver(sub, [])

    def _deliver(self, sub: Subscriber, messages: list[Message]) -> None:
        queue = self.queues.get(sub)
        if queue is None:
            return
        for message in messages:
            if queue.qsize() >= QUEUE_LIMIT:
                sub.closed = True
                break
            queue.put_nowait(message)
        if sub.closed:
            queue.put_nowait(None)

    def join(self, sub: Subscriber) -> asyncio.Queue[Message | None]:
        self.start()
        self.queues[sub] = asyncio.Queue()
        return self.queues[sub]

    def leave(self, sub: Subscriber) -> None:
        self.queues.pop(sub, None)


hub = Hub()


def _headers(scope: dict) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cors(scope: dict) -> list[tuple[bytes, bytes]]:
    origin = _headers(scope).get("origin", "")
    if origin not in allowed_origins():
        return [(b"access-control-allow-origin", b"*")]
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
        (b"vary", b"Origin"),
    ]


def _allowed_headers() -> bytes:
    """A token, and the country header (a browser behind a test proxy or extension may add it)."""
    allowed = ["authorization"]
    if settings.TIDINGS_COUNTRY_HEADER:
        allowed.append(settings.TIDINGS_COUNTRY_HEADER.lower())
    return ", ".join(allowed).encode("latin-1")


async def _plain(send: Any, scope: dict, status: int, body: bytes, content_type: bytes) -> None:
    headers = [(b"content-type", content_type), (b"cache-control", b"no-store"), *_cors(scope)]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _error(send: Any, scope: dict, status: int, message: str) -> None:
    body = orjson.dumps({"error": message})
    await _plain(send, scope, status, body, b"application/json; charset=utf-8")


def check_stream(sub: Subscriber, stream: str, tag: str) -> tuple[int, str] | None:
    """Why ``sub`` may not follow ``stream`` (status, Mastodon's message), or None."""
    if stream not in STREAMS:
        return 400, "Unknown stream type"
    if stream.startswith("hashtag"):
        if not tag.strip() or "\x00" in tag:
            return 400, "No tag for stream provided"
        if len(tag) > TAG_MAX_LENGTH:
            return 400, "Tag is too long"
    if stream.startswith("user"):
        if sub.account_id is None:
            return 401, "Missing access token"
        needed = {
            "read",
            "read:notifications" if stream == "user:notification" else "read:statuses",
        }
        if not needed & sub.scopes:
            return 403, "Access token does not have the required scopes"
    elif sub.scopes and not {"read", "read:statuses"} & sub.scopes:
        return 403, "Access token does not have the required scopes"
    return None


async def _sse(scope: dict, receive: Any, send: Any, stream: str) -> None:
    try:
        sub = await run_sync(authenticate, scope, False)
    except StreamRefused as refused:
        return await _error(send, scope, refused.status, refused.message)
    tag = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("tag", [""])[0]
    refusal = check_stream(sub, stream, tag)
    if refusal:
        return await _error(send, scope, *refusal)
    sub.streams.add((stream, tag.lower().lstrip("#") if stream.startswith("hashtag") else ""))
    queue = hub.join(sub)
    headers = [
        (b"content-type", b"text/event-stream; charset=utf-8"),
        (b"cache-control", b"no-store"),
        (b"x-accel-buffering", b"no"),
        *_cors(scope),
    ]
    disconnected = asyncio.Event()

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        disconnected.set()
        queue.put_nowait(None)

    watcher = asyncio.create_task(watch())
    try:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b":)\n\n", "more_body": True})
        while not disconnected.is_set():
            try:
                message = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                await send({"type": "http.response.body", "body": b":thump\n\n", "more_body": True})
                continue
            if message is None:
                break
            data = f"event: {message.event}\ndata: {message.payload}\n\n".encode()
            await send({"type": "http.response.body", "body": data, "more_body": True})
        if not disconnected.is_set():
            await send({"type": "http.response.body", "body": b""})
    except OSError:
        pass  # the client went away mid-write
    finally:
        hub.leave(sub)
        watcher.cancel()


def _subprotocol(scope: dict) -> str | None:
    offered = _headers(scope).get("sec-websocket-protocol", "")
    return offered.split(",")[0].strip() or None


async def _websocket(scope: dict, receive: Any, send: Any) -> None:
    if (await receive())["type"] != "websocket.connect":
        return
    try:
        sub = await run_sync(authenticate, scope, True)
    except StreamRefused as refused:
        if "websocket.http.response" in scope.get("extensions", {}):  # a plain HTTP refusal
            headers = [(b"content-type", b"application/json; charset=utf-8")]
            start = {"type": "websocket.http.response.start", "status": refused.status}
            await send({**start, "headers": headers})
            body = orjson.dumps({"error": refused.message})
            await send({"type": "websocket.http.response.body", "body": body})
        else:
            await send({"type": "websocket.close", "code": 4000 + refused.status})
        return
    accept: dict[str, Any] = {"type": "websocket.accept"}
    if _subprotocol(scope):
        accept["subprotocol"] = _subprotocol(scope)  # Mastodon echoes the token protocol back
    await send(accept)
    queue = hub.join(sub)

    async def send_json(data: dict) -> None:
        await send({"type": "websocket.send", "text": orjson.dumps(data).decode()})

    async def handle(text: str) -> None:
        try:
            request = orjson.loads(text)
            kind, stream = request.get("type"), request.get("stream")
            tag = request.get("tag") or ""
            if not isinstance(stream, str) or not isinstance(tag, str):
                raise TypeError
        except (orjson.JSONDecodeError, AttributeError, TypeError):
            await send_json({"error": "Invalid JSON message", "status": 400})
            return
        refusal = check_stream(sub, stream, tag)
        if refusal:
            await send_json({"error": refusal[1], "status": refusal[0]})
            return
        key = (stream, tag.lower().lstrip("#") if stream.startswith("hashtag") else "")
        if kind == "subscribe":
            sub.streams.add(key)
        elif kind == "unsubscribe":
            sub.streams.discard(key)
        else:
            await send_json({"error": "Unknown message type", "status": 400})

    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("stream"):
        tag = query.get("tag", [""])[0]
        await handle(
            orjson.dumps({"type": "subscribe", "stream": query["stream"][0], "tag": tag}).decode()
        )

    async def pump() -> None:
        while True:
            message = await queue.get()
            if message is None:
                await send({"type": "websocket.close", "code": 1000})
                return
            await send_json(
                {"stream": list(message.stream), "event": message.event, "payload": message.payload}
            )

    pumping = asyncio.create_task(pump())
    try:
        while True:
            received = await receive()
            if received["type"] == "websocket.disconnect":
                break
            text = received.get("text")
            if text is None and received.get("bytes") is not None:
                text = received["bytes"].decode("utf-8", "replace")
            if text is not None:
                if len(text) > 10_000:
                    await send_json({"error": "Message too long", "status": 400})
                    continue
                await handle(text)
    finally:
        hub.leave(sub)
        pumping.cancel()
        with contextlib.suppress(asyncio.CancelledError, OSError):
            await pumping


async def application(scope: dict, receive: Any, send: Any) -> None:
    """The ASGI entry point for uvicorn."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                hub.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope.get("path", "").rstrip("/")
    if scope["type"] == "websocket":
        if path == PREFIX:
            return await _websocket(scope, receive, send)
        await send({"type": "websocket.close", "code": 4404})
        return
    if scope["type"] != "http":
        return
    if scope["method"] == "OPTIONS":
        headers = [*_cors(scope), (b"access-control-allow-headers", _allowed_headers())]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    if scope["method"] not in ("GET", "HEAD"):
        return await _error(send, scope, 405, "Method not allowed")
    if path == PREFIX + "/health":
        return await _plain(send, scope, 200, b"OK", b"text/plain; charset=utf-8")
    stream = SSE_PATHS.get(path.removeprefix(PREFIX)) if path.startswith(PREFIX) else None
    if stream is None:
        return await _error(send, scope, 404, "Record not found")
    await _sse(scope, receive, send, stream)
