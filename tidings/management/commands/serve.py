"""``tidings serve``: apply migrations, then serve with gunicorn (never runserver), the
streaming server (uvicorn, on ``--streaming-port``) and one task worker.

The worker runs queued tasks (notices, e-mail, fan-out) so that one command
runs everything; more workers can be started anywhere with ``tidings worker``.
On several machines, app servers run ``--no-task-worker --no-migrate`` and the
task hosts run ``tidings worker`` (docs/scaling.md).
Both children stop when serve stops: SIGTERM/SIGINT are passed on, and on
Linux each child also gets SIGTERM if serve itself dies (PR_SET_PDEATHSIG).
Serve ends when gunicorn does; a task worker that dies is started again.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive SIGTERM when serve dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # serve died before prctl took effect
            os._exit(1)

    return preexec


class Command(BaseCommand):
    help = "Apply pending migrations, then serve Tidings with gunicorn and one task worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 1))
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument(
            "--streaming-port",
            type=int,
            default=None,
            help="Port of the streaming API (default: --port + 1; 0: do not start it).",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="Skip applying migrations (several machines: run `tidings migrate` once, "
            "from one of them, before starting or upgrading the others).",
        )
        parser.add_argument("--access-log", action="store_true", help="Log each request.")
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="Do not start the embedded task worker. Several app servers: give it to each "
            "and run `tidings worker` on the machines meant for tasks, as many as the queue "
            "needs (any number may share the database; each task runs once).",
        )

    def gunicorn_argv(self, options: dict[str, Any], bind: str) -> list[str]:
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "tidings.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread" if options["threads"] > 1 else "sync",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ]
        if options["access_log"]:
            argv += ["--access-logfile", "-"]
        return argv

    def streaming_argv(self, options: dict[str, Any], port: int) -> list[str]:
        """uvicorn with the streaming ASGI app: long-lived streams never hold a gunicorn worker."""
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "tidings.streaming.server:application",
            "--host",
            options["host"],
            "--port",
            str(port),
            "--ws",
            "websockets",
            "--log-level",
            "warning",
            "--no-access-log",
            "--no-proxy-headers",  # X-Forwarded-For is judged by tidings.visibility.country
            "--timeout-graceful-shutdown",
            "2",
        ]

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        bind = f"{options['host']}:{options['port']}"
        streaming_port = options["streaming_port"]
        if streaming_port is None:
            streaming_port = options["port"] + 1
        if streaming_port:
            # gunicorn's instance document advertises where the streaming server listens.
            os.environ["TIDINGS_STREAMING_PORT"] = str(streaming_port)
        commands = [self.gunicorn_argv(options, bind)]
        if streaming_port:
            commands.append(self.streaming_argv(options, streaming_port))
        if not options["no_task_worker"]:
            commands.append([sys.executable, "-m", "tidings.cli", "worker"])
        self.stdout.write(f"Tidings serving on http://{bind}/ with {options['workers']} workers")
        if streaming_port:
            self.stdout.write(f"Streaming API on http://{options['host']}:{streaming_port}/")
        self.stdout.flush()
        sys.stderr.flush()
        children = [subprocess.Popen(argv, preexec_fn=_die_with_parent()) for argv in commands]
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping and children[0].poll() is None:
            for index, child in enumerate(children[1:], start=1):
                if child.poll() is not None:  # the streaming server or task worker died
                    self.stderr.write(
                        f"{commands[index][2]} exited ({child.returncode}); restarting"
                    )
                    children[index] = subprocess.Popen(
                        commands[index], preexec_fn=_die_with_parent()
                    )
            time.sleep(0.2)
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if not stopping and children[0].returncode:
            sys.exit(1)
