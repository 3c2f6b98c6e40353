"""A Server-Sent Events reader for tests against a live streaming server."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

import requests


class SseReader:
    """Reads ``event:``/``data:`` pairs of an SSE response on a thread; ``response`` is the raw one."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.response = requests.get(url, headers=headers or {}, stream=True, timeout=(5, 60))
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event = None
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event:
                    self.events.put((event, line[6:]))
                    event = None
        except (requests.RequestException, AttributeError):
            pass

    def until(self, event: str, check: Callable[[str], bool], seconds: float = 20) -> str | None:
        """The data of the first ``event`` whose data passes ``check``, or None after ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                kind, data = self.events.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if kind == event and check(data):
                return data
        return None

    def close(self) -> None:
        self.response.close()
