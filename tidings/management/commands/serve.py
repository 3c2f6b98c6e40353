"""``tidings serve``: apply migrations, then serve with gunicorn (never runserver)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply pending migrations, then serve Tidings with gunicorn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 1))
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--no-migrate", action="store_true", help="Skip applying migrations.")
        parser.add_argument("--access-log", action="store_true", help="Log each request.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        bind = f"{options['host']}:{options['port']}"
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
        self.stdout.write(f"Tidings serving on http://{bind}/ with {options['workers']} workers")
        self.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)
