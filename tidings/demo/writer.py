"""Bulk insertion of a :class:`~tidings.demo.dataset.Dataset`, counters included.

Runs inside the caller's transaction. Counters on ``Account`` and ``Post`` are
computed from the very rows inserted (accounts already in the database get the
difference added), hashtag, mention and home-timeline rows are derived the way
the ``do_*`` actions and fan-out derive them: hashtags and mentions parsed from
the text, ``listed`` for public posts, home entries for the author and, unless
the author has more followers than ``FANOUT_FOLLOWER_LIMIT``, each follower.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import F, Model
from django.db.models.functions import Lower
from tqdm import tqdm

from tidings.demo.dataset import Dataset, NewPost
from tidings.lib.snowflake import snowflake_at
from tidings.social.fanout import fans_out
from tidings.social.models import (
    Account,
    Favourite,
    Follow,
    Hashtag,
    HomeEntry,
    Mention,
    Notification,
    Post,
    PostHashtag,
    Visibility,
)
from tidings.social.text import extract_hashtags, extract_mentions

BATCH_SIZE = 20_000
SQLITE_BULK_CACHE_KIB = 1_048_576


@dataclass(frozen=True)
class WriteSummary:
    """How many rows of each kind were inserted."""

    accounts: int
    follows: int
    posts: int
    replies: int
    reposts: int
    favourites: int
    hashtags: int
    post_hashtags: int
    mentions: int
    home_entries: int
    notifications: int
    seconds: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _batched(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[tuple],
    *,
    bar: tqdm | None = None,
) -> int:
    """Insert plain tuples (values already adapted for the database) into ``model``'s table.

    PostgreSQL gets them through ``COPY``, SQLite through a prepared ``executemany``.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for batch in _batched(rows, BATCH_SIZE):
                    for row in batch:
                        copy.write_row(row)
                    count += len(batch)
                    if bar is not None:
                        bar.update(len(batch))
            return count
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        for batch in _batched(rows, BATCH_SIZE):
            cursor.executemany(sql, batch)
            count += len(batch)
            if bar is not None:
                bar.update(len(batch))
    return count


def _db_time(moment: datetime) -> object:
    return connection.ops.adapt_datetimefield_value(moment)


def _bar(desc: str, total: int, progress: bool) -> tqdm:
    return tqdm(total=total, desc=desc, unit=" rows", disable=not progress, leave=True)


@contextmanager
def _bulk_mode() -> Iterator[None]:
    """On SQLite, a page cache large enough that a seeding transaction never spills to the WAL.

    Spilled pages are rewritten to the WAL each time they change again, which makes a
    large single-transaction load several times slower. The setting is per connection.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _drop_indexes(*models: type[Model]) -> list[str]:
    """Drop the tables' secondary indexes (and, on PostgreSQL, their foreign keys); returns
    the SQL that recreates them, to run after the load in the same transaction.

    Building an index over loaded rows is several times faster than updating it row by
    row, and on PostgreSQL re-adding a foreign key checks every row in one join instead
    of one deferred trigger per row at commit (for millions of rows, minutes). Each
    index and constraint is recreated from its own stored definition, so the schema ends
    exactly as it was (a rollback restores it too); primary keys and unique indexes stay
    in force throughout, and every row is checked against the foreign keys before commit.
    """
    tables = [m._meta.db_table for m in models]
    if connection.vendor == "postgresql":
        return _drop_postgres_indexes(tables)
    if connection.vendor != "sqlite":
        return []
    placeholders = ", ".join(["%s"] * len(tables))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
            f"AND tbl_name IN ({placeholders})",
            tables,
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [sql for _, sql in indexes]


def _drop_postgres_indexes(tables: Sequence[str]) -> list[str]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Locks the tables for the rest of the transaction, as any bulk load would.
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY conrelid::regclass::text, conname",
            [list(tables)],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY 1",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")  # regclass text: already quoted if needed
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    return [sql for _, sql in indexes] + [
        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
        for table, name, definition in foreign_keys
    ]


def _create_indexes(statements: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class _Stopwatch:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = round(time.monotonic() - started, 2)


def write_dataset(
    data: Dataset, *, home_limit: int | None = None, progress: bool = False
) -> WriteSummary:
    """Insert ``data``; ``home_limit`` keeps only each home timeline's newest entries.

    Must run inside a transaction. With ``home_limit=None`` the home timelines are
    exactly what fan-out on write would have produced.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("write_dataset runs inside the caller's transaction")
    watch = _Stopwatch()
    data.posts.sort(key=lambda p: p.id)
    followers: Counter[int] = Counter(followee for _, followee in data.follows)
    with _bulk_mode():
        with watch.stage("accounts"):
            _write_accounts(data, followers)
        dropped = _drop_indexes(Follow, Post, PostHashtag, Mention, Favourite, HomeEntry)
        with watch.stage("follows"), _bar("follows", len(data.follows), progress) as bar:
            follow_rows = sorted(
                (follower, followee, _db_time(at))
                for (follower, followee), at in data.follows.items()
            )
            insert_rows(Follow, ("follower", "followee", "created_at"), follow_rows, bar=bar)
        with watch.stage("posts"), _bar("posts", len(data.posts), progress) as bar:
            _write_posts(data, bar)
        with watch.stage("hashtags"):
            tag_links, hashtag_count = _write_hashtags(data.posts)
        with watch.stage("mentions"):
            mention_count = _write_mentions(data)
        with watch.stage("favourites"), _bar("favourites", len(data.favourites), progress) as bar:
            insert_rows(
                Favourite,
                ("account", "post", "created_at"),
                sorted((a, p, _db_time(at)) for (a, p), at in data.favourites.items()),
                bar=bar,
            )
        with watch.stage("home entries"):
            home_total = _estimate_home(data, followers, home_limit)
            with _bar("home entries", home_total, progress) as bar:
                home_count = insert_rows(
                    HomeEntry,
                    ("owner", "post", "author"),
                    _home_rows(data, followers, home_limit),
                    bar=bar,
                )
        with watch.stage("indexes"):
            _create_indexes(dropped)
        with watch.stage("notifications"):
            Notification.objects.bulk_create(
                [
                    Notification(
                        id=snowflake_at(n.created_at),
                        recipient_id=n.recipient_id,
                        kind=n.kind,
                        actor_id=n.actor_id,
                        post_id=n.post_id,
                        created_at=n.created_at,
                    )
                    for n in data.notifications
                ]
            )
    return WriteSummary(
        accounts=len(data.accounts),
        follows=len(data.follows),
        posts=sum(1 for p in data.posts if not p.repost_of_id and not p.in_reply_to_id),
        replies=sum(1 for p in data.posts if p.in_reply_to_id),
        reposts=sum(1 for p in data.posts if p.repost_of_id),
        favourites=len(data.favourites),
        hashtags=hashtag_count,
        post_hashtags=tag_links,
        mentions=mention_count,
        home_entries=home_count,
        notifications=len(data.notifications),
        seconds=watch.seconds,
    )


def _write_accounts(data: Dataset, followers: Counter[int]) -> None:
    """New accounts with their counters set; accounts already there get theirs raised."""
    following: Counter[int] = Counter(follower for follower, _ in data.follows)
    posts_count: Counter[int] = Counter(p.author_id for p in data.posts)
    last_post_at: dict[int, datetime] = {p.author_id: p.created_at for p in data.posts}
    unusable = make_password(None)
    Account.objects.bulk_create(
        [
            Account(
                id=a.id,
                username=a.username,
                email=a.email,
                password=unusable,
                display_name=a.display_name,
                bio=a.bio,
                country=a.country,
                kind=a.kind,
                verified=a.verified,
                created_at=a.created_at,
                followers_count=followers[a.id],
                following_count=following[a.id],
                posts_count=posts_count[a.id],
                last_post_at=last_post_at.get(a.id),
            )
            for a in data.accounts
        ],
        batch_size=2000,
    )
    for account_id in data.existing:
        Account.objects.filter(id=account_id).update(
            followers_count=F("followers_count") + followers[account_id],
            following_count=F("following_count") + following[account_id],
            posts_count=F("posts_count") + posts_count[account_id],
            **({"last_post_at": last_post_at[account_id]} if account_id in last_post_at else {}),
        )


def _write_posts(data: Dataset, bar: tqdm) -> None:
    replies: Counter[int] = Counter(p.in_reply_to_id for p in data.posts if p.in_reply_to_id)
    reposts: Counter[int] = Counter(p.repost_of_id for p in data.posts if p.repost_of_id)
    favourites: Counter[int] = Counter(post_id for _, post_id in data.favourites)
    insert_rows(
        Post,
        (
            "id",
            "author",
            "text",
            "visibility",
            "in_reply_to",
            "in_reply_to_account",
            "repost_of",
            "created_at",
            "replies_count",
            "reposts_count",
            "favourites_count",
        ),
        (
            (
                p.id,
                p.author_id,
                p.text,
                p.visibility,
                p.in_reply_to_id,
                p.in_reply_to_account_id,
                p.repost_of_id,
                _db_time(p.created_at),
                replies[p.id],
                reposts[p.id],
                favourites[p.id],
            )
            for p in data.posts
        ),
        bar=bar,
    )


def _write_hashtags(posts: Sequence[NewPost]) -> tuple[int, int]:
    """Link every post to the hashtags in its text; returns (links, hashtags seen)."""
    per_post: list[tuple[NewPost, list[str]]] = []
    spelling: dict[str, str] = {}
    for post in posts:
        if not post.text or "#" not in post.text:
            continue
        names = extract_hashtags(post.text)
        if names:
            per_post.append((post, [n.lower() for n in names]))
            for name in names:
                spelling.setdefault(name.lower(), name)
    Hashtag.objects.bulk_create(
        [Hashtag(name=n, display_name=d) for n, d in spelling.items()],
        ignore_conflicts=True,
        batch_size=1000,
    )
    ids: dict[str, int] = {}
    for chunk in _batched(list(spelling), 500):
        ids.update(Hashtag.objects.filter(name__in=chunk).values_list("name", "id"))
    rows = (
        (
            ids[name],
            post.id,
            post.author_id,
            _db_time(post.created_at),
            post.visibility == Visibility.PUBLIC,
        )
        for post, names in per_post
        for name in names
    )
    links = insert_rows(PostHashtag, ("hashtag", "post", "author", "created_at", "listed"), rows)
    return links, len(spelling)


def _write_mentions(data: Dataset) -> int:
    """Mention rows for every handle in a post's text that names a live account."""
    known = data.handles()
    per_post = [
        (post, extract_mentions(post.text)) for post in data.posts if post.text and "@" in post.text
    ]
    unknown = {h for _, handles in per_post for h in handles if h not in known}
    for chunk in _batched(sorted(unknown), 500):
        known.update(
            Account.objects.annotate(handle_lower=Lower("username"))
            .filter(handle_lower__in=chunk, suspended_at__isnull=True)
            .values_list("handle_lower", "id")
        )
    rows = ((post.id, known[h]) for post, handles in per_post for h in handles if h in known)
    return insert_rows(Mention, ("post", "account"), rows)


def _posts_by_author(data: Dataset) -> dict[int, list[int]]:
    by_author: dict[int, list[int]] = defaultdict(list)
    for post in data.posts:  # sorted by id, so each list is oldest first
        by_author[post.author_id].append(post.id)
    return by_author


def _followees(data: Dataset, followers: Counter[int]) -> dict[int, list[int]]:
    """Owner -> authors whose posts fan out into the owner's home timeline."""
    followees: dict[int, list[int]] = defaultdict(list)
    for follower, followee in data.follows:
        if fans_out(followers[followee]):
            followees[follower].append(followee)
    return followees


def _estimate_home(data: Dataset, followers: Counter[int], home_limit: int | None) -> int:
    by_author = _posts_by_author(data)
    total = 0
    owners = _followees(data, followers)
    for owner in set(by_author) | set(owners):
        size = len(by_author.get(owner, ())) + sum(
            len(by_author.get(a, ())) for a in owners.get(owner, ())
        )
        total += size if home_limit is None else min(size, home_limit)
    return total


def _home_rows(
    data: Dataset, followers: Counter[int], home_limit: int | None
) -> Iterator[tuple[int, int, int]]:
    """(owner, post, author) rows, owner by owner, each owner's newest ``home_limit`` posts."""
    by_author = _posts_by_author(data)
    author_of = {p.id: p.author_id for p in data.posts}
    owners = _followees(data, followers)
    for owner in sorted(set(by_author) | set(owners)):
        sources = [by_author[a] for a in [owner, *owners.get(owner, ())] if a in by_author]
        if home_limit is None:
            post_ids: Iterable[int] = sorted(itertools.chain.from_iterable(sources))
        else:
            newest = heapq.merge(*(reversed(s) for s in sources), reverse=True)
            post_ids = sorted(itertools.islice(newest, home_limit))
        for post_id in post_ids:
            yield owner, post_id, author_of[post_id]
