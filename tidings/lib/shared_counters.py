"""Integer counters shared by the processes of one machine, in one memory-mapped file.

The rate limits' store when there is no Redis. A count is one ``flock`` and a
few reads and writes of mapped memory: no file is created, rewritten or
renamed per request, and nothing is flushed to disk by a request (the kernel
writes the pages back when it likes). Counts survive a restart of the workers
with the file; a machine's reboot may lose the last seconds of counts.

The file is a fixed open-addressing table of ``SLOTS`` slots, each (key digest,
expiry, value). A key's slot is found within ``PROBE`` slots of its hash; an
expired slot is free again. When all ``PROBE`` slots hold live keys the one
that expires first is given up, so a counter can restart early only when more
than ``PROBE`` live keys crowd one neighbourhood (with the default 65,536
slots, tens of thousands of callers in one window).

Only integers are stored; the Django cache methods the rate limits use
(``add``, ``incr``, ``get``, ``set``, ``delete``, ``clear``) are provided, and
:meth:`SharedCounterCache.count` increments or creates in one step.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from hashlib import blake2b
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

SLOT = struct.Struct("<16sdq")  # key digest, expires at (unix time; 0: empty), value
#: Slots looked at for one key.
PROBE = 16
EMPTY = b"\0" * 16


class SharedCounterCache(BaseCache):
    """A Django cache of integers in ``<LOCATION>/counters``, shared across processes by ``flock``."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._path = os.path.join(location, "counters")
        self._slots = int(params.get("OPTIONS", {}).get("SLOTS", 65_536))
        self._map: mmap.mmap | None = None
        self._fd = -1
        self._pid = 0

    # -- the table -------------------------------------------------------------

    def _table(self) -> tuple[mmap.mmap, int]:
        """The mapped file and its descriptor, opened again in a forked child (a lock taken on an
        inherited descriptor would be shared with the parent, so would exclude nothing)."""
        if self._map is None or self._pid != os.getpid():
            os.makedirs(os.path.dirname(self._path), exist_ok=True)
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            size = self._slots * SLOT.size
            with _locked(fd):
                if os.fstat(fd).st_size < size:
                    os.ftruncate(fd, size)  # zeros: every slot empty
            self._map, self._fd, self._pid = mmap.mmap(fd, size), fd, os.getpid()
        return self._map, self._fd

    def _find(self, table: mmap.mmap, digest: bytes, now: float) -> tuple[int | None, int]:
        """(offset of the key's live slot or None, offset where a new entry for it goes)."""
        home = int.from_bytes(digest[:8], "little") % self._slots
        free = None
        oldest, oldest_expiry = 0, float("inf")
        for step in range(PROBE):
            offset = ((home + step) % self._slots) * SLOT.size
            found, expires, _ = SLOT.unpack_from(table, offset)
            if expires > now:
                if found == digest:
                    return offset, offset
                if expires < oldest_expiry:
                    oldest, oldest_expiry = offset, expires
            elif free is None:
                free = offset
        return None, oldest if free is None else free

    @contextmanager
    def _slot(
        self, key: str, version: int | None
    ) -> Iterator[tuple[mmap.mmap, bytes, int | None, int]]:
        """Under the lock: the table, the key's digest, its live slot (or None) and where a new
        entry for it goes."""
        digest = blake2b(self.make_and_validate_key(key, version).encode(), digest_size=16).digest()
        table, fd = self._table()
        with _locked(fd):
            live, spare = self._find(table, digest, time.time())
            yield table, digest, live, spare

    def _expiry(self, timeout: Any) -> float:
        seconds = self.get_backend_timeout(timeout)
        return float("inf") if seconds is None else seconds

    # -- the cache -------------------------------------------------------------

    def count(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> int:
        """Add one to ``key``'s counter, starting it at 1 (expiring after ``timeout``) if it has
        none; the new value. One lock, one probe."""
        with self._slot(key, version) as (table, digest, live, spare):
            if live is not None:
                _, expires, value = SLOT.unpack_from(table, live)
                SLOT.pack_into(table, live, digest, expires, value + 1)
                return value + 1
            SLOT.pack_into(table, spare, digest, self._expiry(timeout), 1)
            return 1

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        with self._slot(key, version) as (table, digest, live, spare):
            if live is not None:
                return False
            SLOT.pack_into(table, spare, digest, self._expiry(timeout), int(value))
            return True

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        with self._slot(key, version) as (table, digest, live, spare):
            target = spare if live is None else live
            SLOT.pack_into(table, target, digest, self._expiry(timeout), int(value))

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        with self._slot(key, version) as (table, digest, live, _):
            return default if live is None else SLOT.unpack_from(table, live)[2]

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        with self._slot(key, version) as (table, digest, live, _):
            if live is None:
                raise ValueError(f"Key '{key}' not found")
            _, expires, value = SLOT.unpack_from(table, live)
            SLOT.pack_into(table, live, digest, expires, value + delta)
            return value + delta

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        with self._slot(key, version) as (table, digest, live, _):
            if live is None:
                return False
            value = SLOT.unpack_from(table, live)[2]
            SLOT.pack_into(table, live, digest, self._expiry(timeout), value)
            return True

    def delete(self, key: str, version: int | None = None) -> bool:
        with self._slot(key, version) as (table, digest, live, _):
            if live is None:
                return False
            SLOT.pack_into(table, live, EMPTY, 0.0, 0)
            return True

    def has_key(self, key: str, version: int | None = None) -> bool:
        with self._slot(key, version) as (_, _digest, live, _spare):
            return live is not None

    def clear(self) -> None:
        table, fd = self._table()
        with _locked(fd):
            table[:] = b"\0" * len(table)


@contextmanager
def _locked(fd: int) -> Iterator[None]:
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
