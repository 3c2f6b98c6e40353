"""Fixtures shared by every test: accounts, viewers, posts.

Accounts are made through the real ``do_*`` actions so that the tests see
exactly what users see (counters, audit events, queued fan-out and notices).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone

from tidings.legal.actions.intake import do_import_demand
from tidings.social.actions import do_create_account, do_create_post
from tidings.social.models import Account, Post
from tidings.visibility import Viewer, anonymous_viewer, viewer_for_account

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.live_server", "tests.browser", "tests.file_database"]

_handles = itertools.count(1)
TEST_PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _fast_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _unspent_rate_limits(settings) -> None:
    """Rate limits count in this process only (not the shared data dir) and start unspent;
    the default cache starts empty."""
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tidings-test-ratelimit",
        },
    }
    caches["ratelimit"].clear()
    if "LocMemCache" in settings.CACHES["default"]["BACKEND"]:
        caches["default"].clear()  # nothing cached by one test (instance counts) shows in another
    from tidings.api.instance import forget_documents

    forget_documents()  # nor a rendered instance document with its counts


@pytest.fixture(autouse=True)
def _audit_checkpoints_per_test(settings, tmp_path) -> None:
    """Each test's audit checkpoints go to its own file, never to the shared data dir."""
    settings.TIDINGS_AUDIT_CHECKPOINT_FILE = tmp_path / "audit" / "checkpoints.jsonl"


@pytest.fixture
def make_account(db) -> Callable[..., Account]:
    def make(username: str | None = None, **fields) -> Account:
        username = username or f"user{next(_handles)}"
        fields.setdefault("email", f"{username}@example.com")
        fields.setdefault("password", TEST_PASSWORD)
        return do_create_account(username, acting_user=None, validate=False, **fields)

    return make


@pytest.fixture
def alice(make_account) -> Account:
    return make_account("alice", display_name="Alice Adeyemi")


@pytest.fixture
def bob(make_account) -> Account:
    return make_account("bob", display_name="Bob Baptiste")


@pytest.fixture
def carol(make_account) -> Account:
    return make_account("carol", display_name="Carol Chen")


@pytest.fixture
def run_tasks(db) -> Callable[..., int]:
    """Run queued tasks in this process until none is ready; returns how many ran.

    ``run_tasks(now=...)`` runs as if at that time (e.g. past a retry's delay).
    """
    from tidings.tasks.worker import Worker

    def run(*, now: datetime | None = None) -> int:
        return Worker(worker_id="test").run_until_idle(now=now)

    return run


@pytest.fixture
def run_periodic_tasks(run_tasks) -> Callable[[], int]:
    """Start a worker's scheduler as a worker does (finding every app's periodic tasks), enqueue
    what is due now, and run the queue; returns how many tasks ran."""
    from django.utils.module_loading import autodiscover_modules

    from tidings.tasks.worker import Worker

    def run() -> int:
        autodiscover_modules("tasks")
        Worker(worker_id="scheduler").schedule_periodic(timezone.now())
        return run_tasks()

    return run


@pytest.fixture
def make_post(run_tasks, django_capture_on_commit_callbacks) -> Callable[..., Post]:
    """Post as ``author``, then run its side effects (queued fan-out, after-commit work) at once."""

    def make(author: Account, text: str = "hello world", **options) -> Post:
        with django_capture_on_commit_callbacks(execute=True):
            post = do_create_post(text, acting_user=author, **options)
        run_tasks()
        return post

    return make


@pytest.fixture
def run_on_commit(run_tasks, django_capture_on_commit_callbacks):
    """Context manager: run the side effects of the actions inside it when it ends.

    That is their after-commit callbacks, then every task they queued.
    """

    @contextmanager
    def side_effects() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield
        run_tasks()

    return side_effects


def viewer(account: Account | None, *countries: str) -> Viewer:
    if account is None:
        return anonymous_viewer(frozenset(countries))
    return viewer_for_account(Account.objects.get(id=account.id), frozenset(countries))


# -- the legal desk -----------------------------------------------------------


@pytest.fixture
def legal(make_account):
    return make_account("lex", role="legal")


@pytest.fixture
def legal_admin(make_account):
    return make_account("lexa", role="legal_admin")


@pytest.fixture
def import_order(legal):
    def run(text: str, **fields):
        fields.setdefault("authority_name", "Ministry of Electronics and Information Technology")
        fields.setdefault("country", "IN")
        fields.setdefault("reference", "MEITY/2021/001")
        fields.setdefault("acting_user", legal)
        fields.setdefault("confidential", False)  # India's default is confidential
        return do_import_demand(text, **fields)

    return run


@pytest.fixture(scope="session", autouse=True)
def _snowflake_worker_lease(django_db_setup, django_db_blocker) -> None:
    """Claim this test process's snowflake worker number before any test runs.

    On PostgreSQL the lease lives in the database, so the first new id a process
    makes needs it; without this, a test that builds unsaved objects (which mint
    ids) fails or passes depending on whether a database test ran before it.
    """
    from tidings.lib.workers import worker_number

    with django_db_blocker.unblock():
        worker_number()


#: Redis database for the tests of caches shared through Redis (flushed by them).
TEST_REDIS_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def shared_stores(request, settings) -> str:
    """Runs a test as configured without Redis, then as with ``TIDINGS_REDIS_URL`` set
    (caches and sessions shared through Redis database 12, emptied first)."""
    if request.param == "redis":
        import redis

        redis.Redis.from_url(TEST_REDIS_URL).flushdb()
        settings.REDIS_URL = TEST_REDIS_URL
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": TEST_REDIS_URL,
            },
        }
        settings.SESSION_ENGINE = "tidings.lib.sessions.cached_db"
    return request.param
