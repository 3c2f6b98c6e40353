"""``tidings bench seed``: insert the benchmark dataset (DESIGN.md "Scale") and report the time."""

from __future__ import annotations

import argparse
import random
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.audit.models import AuditEvent
from tidings.demo.benchdata import build_bench_dataset
from tidings.demo.dataset import Dataset
from tidings.demo.writer import write_dataset
from tidings.social.models import Account

#: Mastodon keeps 400 posts per home feed; older entries are trimmed, as here.
DEFAULT_HOME_LIMIT = 400


class Command(BaseCommand):
    help = "Benchmark tools. 'seed' inserts the benchmark dataset (once per database)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        seed = subcommands.add_parser("seed", help="Insert the benchmark dataset.")
        seed.add_argument("--accounts", type=int, default=10_000)
        seed.add_argument("--posts", type=int, default=200_000)
        seed.add_argument("--follows", type=float, default=100, help="Average followings.")
        seed.add_argument(
            "--home-limit",
            type=int,
            default=DEFAULT_HOME_LIMIT,
            help="Home entries kept per account, newest first (0: every fanned-out post).",
        )
        seed.add_argument("--seed", type=int, default=7, help="Random seed.")
        seed.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Show progress bars (default: when stderr is a terminal).",
        )
        seed.add_argument("--no-migrate", action="store_true", help="Skip applying migrations.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["accounts"] < 1 or options["posts"] < 0 or options["follows"] < 0:
            raise CommandError("--accounts must be positive; --posts and --follows not negative.")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        previous = AuditEvent.objects.filter(action="bench.seed").order_by("seq").first()
        if previous is not None:
            sizes = previous.data.get("requested", {})
            described = ", ".join(f"{v:g} {k}" for k, v in sizes.items())
            self.stdout.write(
                f"The benchmark dataset is already seeded ({described}); nothing changed."
            )
            return
        started = time.monotonic()
        progress = sys.stderr.isatty() if options["progress"] is None else options["progress"]
        data = Dataset()
        taken = set(Account.objects.annotate(h=Lower("username")).values_list("h", flat=True))
        build_bench_dataset(
            random.Random(options["seed"]),
            data,
            accounts=options["accounts"],
            posts=options["posts"],
            follows=options["follows"],
            now=timezone.now(),
            taken=taken,
        )
        generated = time.monotonic() - started
        with transaction.atomic():
            summary = write_dataset(
                data, home_limit=options["home_limit"] or None, progress=progress
            )
            record_event(
                "bench.seed",
                actor_id=None,
                subject_type="bench",
                subject_id="dataset",
                data=summary.as_dict()
                | {
                    "requested": {k: options[k] for k in ("accounts", "posts", "follows")},
                    "seed": options["seed"],
                    "home_limit": options["home_limit"],
                },
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Seeded {summary.accounts} accounts, {summary.follows} follows, "
            f"{summary.posts + summary.replies} posts ({summary.post_hashtags} hashtag links), "
            f"{summary.home_entries} home entries in {elapsed:.1f} s "
            f"(generating {generated:.1f} s, writing {elapsed - generated:.1f} s)."
        )
        stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.seconds.items())
        self.stdout.write(f"Writing by stage: {stages}.")
