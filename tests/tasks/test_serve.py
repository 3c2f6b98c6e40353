"""``tidings serve`` runs a task worker beside the web workers, and leaves no process behind."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from mastodon import Mastodon

from tests.conftest import TEST_PASSWORD
from tests.live_server import run_tidings


def _parent_of(pid: str) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(root: int) -> set[int]:
    """Every live process below ``root`` (from /proc)."""
    parents = {int(p): _parent_of(p) for p in os.listdir("/proc") if p.isdigit()}
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def serve_pid(port: str) -> int:
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in argv and port.encode() in argv:
            return int(pid)
    raise AssertionError(f"no tidings serve on port {port}")


def alive(pids: set[int]) -> set[int]:
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def wait_for(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_serve_runs_queued_tasks_and_its_worker_stops_with_it_even_when_killed(tmp_path):
    with run_tidings(tmp_path, TIDINGS_CONFIRM_EMAIL="1", TIDINGS_RATE_LIMITS="0") as live:
        serve = serve_pid(live.url.rsplit(":", 1)[1])
        children = descendants(serve)
        assert len(children) >= 3  # the gunicorn master, its web workers, the task worker
        client_id, secret = Mastodon.create_app("serve test", api_base_url=live.url)
        client = Mastodon(client_id=client_id, client_secret=secret, api_base_url=live.url)
        client.create_account("queued", TEST_PASSWORD, "queued@example.com", agreement=True)
        mail_dir = tmp_path / "mail"
        # The confirmation, sent by the worker (a file appears before its message is written).
        assert wait_for(
            lambda: any("queued@example.com" in f.read_text() for f in mail_dir.glob("*.log"))
        )
        os.kill(serve, signal.SIGKILL)  # no chance to pass anything on: the children must notice
        assert wait_for(lambda: not alive(children), seconds=20)
