"""The fallback load generator counts answers and refuses anything but the local machine."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.loadgen import run_threads


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        status = 200 if self.headers.get("Cookie") == "sessionid=abc" else 403
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/healthz"
    server.shutdown()
    server.server_close()


def test_threaded_client_counts_requests_and_latencies(local_url):
    result = run_threads(local_url, seconds=0.5, connections=2, headers={"Cookie": "sessionid=abc"})
    assert result.requests > 10
    assert result.errors == 0
    assert 0 < result.p50_ms <= result.p99_ms


def test_threaded_client_counts_refused_answers_as_errors(local_url):
    result = run_threads(local_url, seconds=0.3, connections=1, headers={})
    assert result.errors > 0


@pytest.mark.parametrize("url", ["http://example.org/", "http://10.0.0.1:8000/healthz"])
def test_only_the_local_machine_is_loaded(url):
    with pytest.raises(ValueError):
        run_threads(url, seconds=0.1, connections=1, headers={})
