"""``tidings bench``: ``seed`` inserts the benchmark dataset (DESIGN.md "Scale") and reports the
time; ``viewers`` signs in the benchmark's two viewers and prints what the read benchmark loads."""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.audit.models import AuditEvent
from tidings.demo.benchdata import build_bench_dataset, dataset_shape
from tidings.demo.dataset import Dataset
from tidings.demo.writer import write_dataset
from tidings.social.models import Account, Hashtag, HomeEntry, Post, PostHashtag

#: Mastodon keeps 400 posts per home feed; older entries are trimmed, as here.
DEFAULT_HOME_LIMIT = 400


class Command(BaseCommand):
    help = (
        "Benchmark tools. 'seed' inserts the benchmark dataset (once per database); "
        "'viewers' signs in the read benchmark's viewers and prints them as JSON."
    )

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
        subcommands.add_parser(
            "viewers",
            help="Sign in the accounts with the median and the most followings (a session and "
            "a read token each) and print them, the busiest hashtag and the dataset's shape as JSON.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "viewers":
            self.stdout.write(json.dumps(bench_viewers(), indent=2))
            return
        self.seed(options)

    def seed(self, options: dict[str, Any]) -> None:
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
            committing = time.monotonic()
        committed = time.monotonic() - committing
        analysed = time.monotonic()
        analyse_tables()
        analysed = time.monotonic() - analysed
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Seeded {summary.accounts} accounts, {summary.follows} follows, "
            f"{summary.posts + summary.replies} posts ({summary.post_hashtags} hashtag links), "
            f"{summary.home_entries} home entries in {elapsed:.1f} s "
            f"(generating {generated:.1f} s, writing {elapsed - generated:.1f} s)."
        )
        stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.seconds.items())
        self.stdout.write(
            f"Writing by stage: {stages}, commit {committed:.1f} s, statistics {analysed:.1f} s."
        )
        shape = dataset_shape()
        self.stdout.write(
            f"Median followers {shape['median_followers']:g}, median followings "
            f"{shape['median_following']:g}, most followings {shape['max_following']}, "
            f"most followers {shape['max_followers']}."
        )


def analyse_tables() -> None:
    """Gather planner statistics after a bulk load, so the first queries get good plans.

    PostgreSQL's autovacuum would do the same within minutes; a benchmark should not
    depend on when it does. SQLite's planner keeps no statistics unless asked, so it
    is left as an ordinary installation has it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _session_cookie(account: Account) -> str:
    """A signed-in session for ``account`` in the configured session store, as a Cookie value."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(account.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = account.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _read_token(account: Account) -> str:
    """A new read-scoped API token for ``account``, issued through the API's own actions."""
    from tidings.api.actions import do_create_app, do_issue_token

    app = do_create_app(
        "Read benchmark",
        redirect_uris="urn:ietf:wg:oauth:2.0:oob",
        scopes="read",
        acting_user=account,
    )
    return do_issue_token(account, app.app.application, ["read"], acting_user=account).raw


def _viewer(account: Account) -> dict[str, Any]:
    return {
        "handle": account.username,
        "following": account.following_count,
        "home_entries": HomeEntry.objects.filter(owner=account).count(),
        "cookie": _session_cookie(account),
        "token": _read_token(account),
    }


def bench_viewers() -> dict[str, Any]:
    """The read benchmark's two viewers, each signed in (a session and a read token).

    ``median`` follows the median number of accounts (the middle account by following
    count, ties by id), ``most`` follows the most. Also the most used listed hashtag and
    the dataset's size and shape, so a report says what it measured.
    """
    accounts = Account.objects.order_by("following_count", "id")
    total = accounts.count()
    if total == 0:
        raise CommandError("The database has no accounts; run `tidings bench seed` first.")
    median = accounts[total // 2]
    most = Account.objects.order_by("-following_count", "id").first()
    assert most is not None  # there is at least one account
    top_tag = (
        PostHashtag.objects.filter(listed=True)
        .values("hashtag")
        .annotate(uses=Count("id"))
        .order_by("-uses", "hashtag")
        .first()
    )
    tag = Hashtag.objects.get(id=top_tag["hashtag"]).name if top_tag else "farmersprotest"
    return {
        "database": connection.vendor,
        "viewers": {"median": _viewer(median), "most": _viewer(most)},
        "tag": tag,
        "tag_posts": top_tag["uses"] if top_tag else 0,
        "dataset": {
            "accounts": total,
            "posts": Post.objects.count(),
            "follows": sum(accounts.values_list("following_count", flat=True)),
            "home_entries": HomeEntry.objects.count(),
        }
        | dataset_shape(),
    }
