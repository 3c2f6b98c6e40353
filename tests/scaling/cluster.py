"""Two ``tidings serve`` machines and one ``tidings worker`` sharing one PostgreSQL and one Redis.

Each "machine" has a data directory of its own (as separate hosts would), and
they share only what a multi-machine deployment shares: the database, Redis,
the media directory and the configured keys (``TIDINGS_SECRET_KEY``,
``TIDINGS_AUDIT_KEY``, ``TIDINGS_DOMAIN``). The serve instances run no task
worker of their own (``--no-task-worker``); the one ``tidings worker`` runs
every task, as on a deployment with a dedicated worker host.
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
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

COUNTRY_HEADER = "X-Test-Country"
#: Where the scaling test finds its services unless told otherwise.
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
#: Redis database 15: the scaling test flushes it before and after, so nothing else may use it.
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


class ServiceMissing(RuntimeError):
    """PostgreSQL or Redis is not reachable: the scaling test cannot run (and must not pass)."""


@dataclass
class Machine:
    name: str
    url: str
    streaming_url: str
    data_dir: Path
    process: subprocess.Popen = field(repr=False)


@dataclass
class Cluster:
    a: Machine
    b: Machine
    env: dict[str, str]
    worker_dir: Path
    worker: subprocess.Popen | None = field(default=None, repr=False)

    def start_worker(self) -> None:
        """``tidings worker`` on the worker host (its own data directory)."""
        self.stop_worker()
        log = (self.worker_dir / "worker.log").open("a")
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "tidings.cli", "worker", "--interval", "0.2"],
            env={**self.env, "TIDINGS_DATA_DIR": str(self.worker_dir)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()  # the child keeps its own copy

    def stop_worker(self) -> None:
        if self.worker is not None:
            _stop(self.worker)
            self.worker = None

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``tidings <args>`` as a third host would run it (an operator's shell)."""
        return subprocess.run(
            [sys.executable, "-m", "tidings.cli", *args],
            env={**self.env, "TIDINGS_DATA_DIR": str(self.a.data_dir)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_url() -> str:
    configured = os.environ.get("TIDINGS_DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        return configured
    return DEFAULT_POSTGRES


def redis_url() -> str:
    return os.environ.get("TIDINGS_SCALING_REDIS_URL", DEFAULT_REDIS)


def _postgres_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    try:
        return psycopg.connect(
            urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=5
        )
    except psycopg.OperationalError as error:
        raise ServiceMissing(f"PostgreSQL at {parts.netloc} is not reachable: {error}") from None


def _redis(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        raise ServiceMissing(f"Redis at {url} is not reachable: {error}") from None
    return client


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database (``tidings_scaling_<random>``), dropped at the end."""
    admin_url = postgres_url()
    name = f"tidings_scaling_{os.getpid()}_{secrets.token_hex(3)}"
    with _postgres_admin(admin_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    finally:
        with _postgres_admin(admin_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def flushed_redis() -> Iterator[str]:
    """The scaling test's own Redis database, empty before and after."""
    url = redis_url()
    client = _redis(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


def _wait_until_up(process: subprocess.Popen, log: Path, *urls: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    for url in urls:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{log.name}: the process exited: {log.read_text()}")
            try:
                urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 - loopback only
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not answer in {seconds:.0f} s") from None
                time.sleep(0.2)


def _stop(*processes: subprocess.Popen) -> None:
    """SIGTERM to all at once (each shuts down in parallel), SIGKILL to any still up after 20 s."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 20
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _spawn(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as handle:  # the child keeps its own copy
        return subprocess.Popen(
            [sys.executable, "-m", "tidings.cli", *argv],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


@contextmanager
def run_cluster(root: Path) -> Iterator[Cluster]:
    """Machines A and B (``tidings serve --workers 2 --no-task-worker``) and one worker."""
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_postgres_database())
        redis = stack.enter_context(flushed_redis())
        media = root / "shared-media"
        media.mkdir()
        shared = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tidings.settings",
            "TIDINGS_DATABASE_URL": database_url,
            "TIDINGS_REDIS_URL": redis,
            # One site behind a load balancer: one domain, one secret key, one audit key.
            "TIDINGS_DOMAIN": f"scaling-{secrets.token_hex(4)}.localhost",
            "TIDINGS_SECRET_KEY": secrets.token_urlsafe(40),
            "TIDINGS_AUDIT_KEY": secrets.token_urlsafe(40),
            "TIDINGS_MEDIA_DIR": str(media),
            "TIDINGS_DEBUG": "0",
            "TIDINGS_COUNTRY_HEADER": COUNTRY_HEADER,
            "TIDINGS_GEOIP": "0",
            "TIDINGS_RATE_LIMITS": "1",
            "TIDINGS_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        shared.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        machines = {}
        for name in ("a", "b", "worker"):
            (root / name).mkdir()
        migrate = subprocess.run(
            [sys.executable, "-m", "tidings.cli", "migrate", "--verbosity", "0"],
            env={**shared, "TIDINGS_DATA_DIR": str(root / "worker")},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if migrate.returncode != 0:
            raise RuntimeError(f"tidings migrate failed: {migrate.stderr}")
        servers: list[subprocess.Popen] = []
        stack.callback(lambda: _stop(*servers))
        for name in ("a", "b"):
            port, streaming_port = free_port(), free_port()
            env = {**shared, "TIDINGS_DATA_DIR": str(root / name)}
            argv = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
            argv += ["--streaming-port", str(streaming_port), "--no-migrate", "--no-task-worker"]
            log = root / name / "serve.log"
            process = _spawn(argv, env, log)
            servers.append(process)
            machines[name] = Machine(
                name,
                f"http://127.0.0.1:{port}",
                f"http://127.0.0.1:{streaming_port}",
                root / name,
                process,
            )
        cluster = Cluster(machines["a"], machines["b"], shared, root / "worker")
        stack.callback(cluster.stop_worker)
        cluster.start_worker()
        for machine in machines.values():
            _wait_until_up(
                machine.process,
                machine.data_dir / "serve.log",
                machine.url + "/healthz",
                machine.streaming_url + "/api/v1/streaming/health",
            )
        yield cluster
