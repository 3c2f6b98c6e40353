"""``tidings demo``: seed a fictional public square with one login per role; safe to run twice."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tidings.demo.logins import DEMO_LOGINS, INDIA_VIEWER
from tidings.demo.steps import DEMO_STEPS, SEED, DemoContext, run_demo_steps, step_done
from tidings.lib.errors import InvalidInput
from tidings.social.models import Account


class Command(BaseCommand):
    help = "Seed a demo public square (accounts, follows, two weeks of posts) and demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--accounts", type=int, default=300, help="Accounts in the square.")
        parser.add_argument("--posts", type=int, default=10_000, help="Posts, replies and reposts.")
        parser.add_argument("--seed", type=int, default=SEED, help="Random seed.")
        parser.add_argument("--no-migrate", action="store_true", help="Skip applying migrations.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["accounts"] < 1 or options["posts"] < 0:
            raise CommandError("--accounts must be at least 1 and --posts at least 0.")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if all(step_done(step.name) for step in DEMO_STEPS):
            self.stdout.write("The demo is already seeded; nothing changed.")
            self._print_logins()
            return
        started = time.monotonic()
        context = DemoContext(
            accounts=options["accounts"],
            posts=options["posts"],
            seed=options["seed"],
            progress=sys.stderr.isatty(),
            say=self.stdout.write,
        )
        try:
            ran = run_demo_steps(context)
        except InvalidInput as error:
            raise CommandError(f"Cannot seed the demo: {error.message}") from None
        self.stdout.write(
            f"Seeded {', '.join(name.replace('_', ' ') for name in ran)} "
            f"in {time.monotonic() - started:.1f} s."
        )
        self._print_logins()

    def _print_logins(self) -> None:
        rows = [("handle", "role", "password")]
        rows += [(f"@{d.username}", d.role, d.password) for d in DEMO_LOGINS]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("\nDemo logins:")
        for index, row in enumerate(rows):
            cells = (cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        if Account.objects.filter(username=INDIA_VIEWER, country="IN").exists():
            self.stdout.write(
                f"\nSigned in as @{INDIA_VIEWER} (profile country IN) you see the site as a viewer"
                "\nin India does: withheld accounts and posts answer 451 Unavailable For Legal"
                "\nReasons. Signed out, from this machine, you see it as a viewer elsewhere."
            )
