"""A real ``tidings serve`` (gunicorn, 2 workers) on a free port, for API clients and the browser.

Each pytest worker gets its own server and its own database: a temporary
SQLite file, or a fresh PostgreSQL database when ``TIDINGS_DATABASE_URL``
points at PostgreSQL (dropped again at the end).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

COUNTRY_HEADER = "X-Test-Country"


@dataclass
class LiveTidings:
    url: str
    env: dict[str, str]
    data_dir: Path
    streaming_url: str = ""

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``tidings <args>`` against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "tidings.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def cli(self, *args: str) -> str:
        """Run ``tidings <args>`` as ``manage`` does, fail the test if it fails; its output."""
        result = self.manage(*args)
        assert result.returncode == 0, result.stderr or result.stdout
        return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


@contextmanager
def run_tidings(data_dir: Path, **extra_env: str) -> Iterator[LiveTidings]:
    """Serve Tidings from ``data_dir`` until the block ends; ``extra_env`` overrides settings."""
    port, streaming_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "TIDINGS_DATA_DIR": str(data_dir),
        "TIDINGS_SECRET_KEY": secrets.token_urlsafe(40),
        "TIDINGS_DOMAIN": f"127.0.0.1:{port}",
        "TIDINGS_DEBUG": "0",
        "TIDINGS_COUNTRY_HEADER": COUNTRY_HEADER,
        "TIDINGS_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TIDINGS_EMAIL_FILE_PATH": str(data_dir / "mail"),
        "DJANGO_SETTINGS_MODULE": "tidings.settings",
        **extra_env,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    database_url = os.environ.get("TIDINGS_DATABASE_URL", "")
    pg_name = None
    if database_url.startswith(("postgres://", "postgresql://")):
        pg_name = f"tidings_live_{os.getpid()}_{secrets.token_hex(3)}"
        with _postgres_admin(database_url) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        env["TIDINGS_DATABASE_URL"] = urlunsplit(
            urlsplit(database_url)._replace(path=f"/{pg_name}")
        )
    else:
        env["TIDINGS_DATABASE_URL"] = f"sqlite:///{data_dir / 'live.sqlite3'}"
    log = (data_dir / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tidings.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--streaming-port",
            str(streaming_port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    streaming_url = f"http://127.0.0.1:{streaming_port}"
    try:
        deadline = time.monotonic() + 90
        for health in (url + "/healthz", streaming_url + "/api/v1/streaming/health"):
            while True:
                if server.poll() is not None:
                    log_text = (data_dir / "server.log").read_text()
                    raise RuntimeError(f"tidings serve exited: {log_text}")
                try:
                    urllib.request.urlopen(health, timeout=2).close()  # noqa: S310
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{health} did not answer within 90 s") from None
                    time.sleep(0.2)
        yield LiveTidings(url=url, env=env, data_dir=data_dir, streaming_url=streaming_url)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if pg_name:
            with _postgres_admin(database_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def live_tidings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveTidings]:
    # Every test signs up and calls from 127.0.0.1; tests/api/test_rate_limits.py runs its own.
    with run_tidings(tmp_path_factory.mktemp("tidings-live"), TIDINGS_RATE_LIMITS="0") as live:
        yield live
