"""``tidings worker``: run queued tasks (notices, e-mail, fan-out, periodic jobs) until stopped.

Run as many as you like, on as many machines as share the database.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tidings.tasks.worker import Worker


class Command(BaseCommand):
    help = "Run queued tasks until stopped (SIGTERM or Ctrl-C finishes the task in hand first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=0.5,
            help="Seconds to wait between looks at an empty queue (default 0.5).",
        )
        parser.add_argument(
            "--until-idle",
            action="store_true",
            help="Run the tasks that are ready now, then exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["interval"] <= 60:
            raise CommandError("--interval must be between 0 and 60 seconds.")
        if options["verbosity"] > 1:
            logging.getLogger("tidings.tasks").setLevel(logging.INFO)
        worker = Worker(interval=options["interval"])
        if options["until_idle"]:
            done = worker.run_until_idle()
            self.stdout.write(f"Ran {done} tasks.")
            return
        worker.run_forever()
