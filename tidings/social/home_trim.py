"""Home timelines keep their newest ``HOME_FEED_LIMIT`` index entries; the rest are trimmed.

Fan-out adds a ``HomeEntry`` per follower per post and nothing else removes
them, so a periodic task cuts each account's index to its newest
``HOME_FEED_LIMIT`` entries (Mastodon keeps 400 per feed). Trimming loses
nothing a user can reach: each cut first raises the owner's :class:`HomeFloor`
to the oldest entry kept, and ``queries.home_timeline`` reads every post below
the floor directly from the accounts the owner follows (see
:func:`below_floor_posts`), under the same visibility filter.

Invariant: an entry is only ever deleted when it lies below its owner's
floor, in the transaction that raised the floor or after it committed. So a
run killed at any point, a second run, or two workers trimming at once can only
delete what no read uses any more; floors only rise.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from tidings.social.models import Account, Follow, HomeEntry, HomeFloor, Mention, Post, Visibility
from tidings.tasks import periodic

#: Owners whose floors are raised in one transaction.
OWNERS_BATCH = 200
#: Entries deleted per statement (and transaction): ~0.1 s of SQLite's write lock.
DELETE_BATCH = 1000


def home_floor(owner_id: int) -> int:
    """The owner's floor: the index answers for posts with ``id >= floor`` (0: never trimmed)."""
    floor = HomeFloor.objects.filter(owner_id=owner_id).values_list("post_id", flat=True).first()
    return floor or 0


def below_floor_posts(owner_id: int, floor: int) -> QuerySet[Post]:
    """Posts older than ``floor`` that fan-out would have put in the owner's home timeline.

    Those of the accounts it follows and its own, and direct posts that mention
    it (fan-out's three sources); which of them it may see is the visibility
    filter's to decide, as for indexed entries.
    """
    followed = Follow.objects.filter(follower_id=owner_id).values("followee_id")
    mentioning = Mention.objects.filter(account_id=owner_id).values("post_id")
    return Post.objects.filter(id__lt=floor).filter(
        Q(author_id__in=followed)
        | Q(author_id=owner_id)
        | Q(visibility=Visibility.DIRECT, id__in=mentioning)
    )


@periodic(every=timedelta(minutes=10))
def trim_home_feeds() -> int:
    """Cut every account's home index to its newest ``HOME_FEED_LIMIT`` entries; returns how many
    entries were deleted. Walks the accounts in batches of ``OWNERS_BATCH``, each committed alone."""
    deleted = 0
    after = 0
    while True:
        owners = list(
            Account.objects.filter(id__gt=after)
            .order_by("id")
            .values_list("id", flat=True)[:OWNERS_BATCH]
        )
        if not owners:
            return deleted
        deleted += trim_home_feeds_of(owners)
        after = owners[-1]


def trim_home_feeds_of(owner_ids: list[int], keep: int | None = None) -> int:
    """Trim the home index of each of ``owner_ids`` to its newest ``keep`` entries (default
    ``HOME_FEED_LIMIT``); returns how many entries were deleted.

    The cuts are read first; the floors are raised and the first ``DELETE_BATCH`` entries
    below them deleted in one transaction; further deletions (below floors already
    committed) in one transaction each.
    """
    keep = settings.HOME_FEED_LIMIT if keep is None else keep
    if keep < 1:
        raise ValueError("A home timeline keeps at least one entry.")
    owner_ids = sorted(owner_ids)  # floor rows are locked in owner order by every trimmer
    # Read before the write transaction (on SQLite it holds the write lock): a cut read from a
    # slightly older state is still a sound floor, since no read depends on entries below it.
    cuts = _cuts(owner_ids, keep)
    with transaction.atomic():
        _raise_floors(cuts)
        deleted = last = _delete_below_floors(owner_ids)
    while last == DELETE_BATCH:
        with transaction.atomic():
            last = _delete_below_floors(owner_ids)
        deleted += last
    return deleted


def _names() -> dict[str, str]:
    """Quoted table and column names, from the models (no value enters the SQL text)."""
    quote = connection.ops.quote_name

    def column(model: type, field: str) -> str:
        return quote(model._meta.get_field(field).column)

    return {
        "account": quote(Account._meta.db_table),
        "account_id": column(Account, "id"),
        "entry": quote(HomeEntry._meta.db_table),
        "entry_id": column(HomeEntry, "id"),
        "entry_owner": column(HomeEntry, "owner"),
        "entry_post": column(HomeEntry, "post"),
        "floor": quote(HomeFloor._meta.db_table),
        "floor_owner": column(HomeFloor, "owner"),
        "floor_post": column(HomeFloor, "post_id"),
    }


def _cuts(owner_ids: list[int], keep: int) -> list[tuple[int, int]]:
    """(owner, post id of its ``keep``-th newest entry) for the owners that have that many; one
    read-only statement, reading at most ``keep`` index entries per owner."""
    n = _names()
    owners = ", ".join(["%s"] * len(owner_ids))
    sql = (
        f"SELECT owner, cut FROM ("  # noqa: S608
        f"  SELECT a.{n['account_id']} AS owner, ("
        f"    SELECT e.{n['entry_post']} FROM {n['entry']} e"
        f"    WHERE e.{n['entry_owner']} = a.{n['account_id']}"
        f"    ORDER BY e.{n['entry_post']} DESC LIMIT 1 OFFSET %s"
        f"  ) AS cut FROM {n['account']} a WHERE a.{n['account_id']} IN ({owners})"
        f") AS cuts WHERE cut IS NOT NULL ORDER BY owner"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [keep - 1, *owner_ids])
        return [(owner, cut) for owner, cut in cursor.fetchall()]


def _raise_floors(cuts: list[tuple[int, int]]) -> None:
    """Raise each owner's floor to its cut, never lower it: one upsert, in owner order."""
    if not cuts:
        return
    n = _names()
    rows = ", ".join(["(%s, %s)"] * len(cuts))
    sql = (
        f"INSERT INTO {n['floor']} ({n['floor_owner']}, {n['floor_post']}) "  # noqa: S608
        f"VALUES {rows} ON CONFLICT ({n['floor_owner']}) "
        f"DO UPDATE SET {n['floor_post']} = excluded.{n['floor_post']} "
        f"WHERE excluded.{n['floor_post']} > {n['floor']}.{n['floor_post']}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for cut in cuts for value in cut])


def _delete_below_floors(owner_ids: list[int]) -> int:
    """Delete up to ``DELETE_BATCH`` of the owners' entries that lie below their floors."""
    n = _names()
    owners = ", ".join(["%s"] * len(owner_ids))
    sql = (
        f"DELETE FROM {n['entry']} WHERE {n['entry_id']} IN ("  # noqa: S608
        f"  SELECT e.{n['entry_id']} FROM {n['entry']} e"
        f"  JOIN {n['floor']} f ON f.{n['floor_owner']} = e.{n['entry_owner']}"
        f"  WHERE e.{n['entry_owner']} IN ({owners}) AND e.{n['entry_post']} < f.{n['floor_post']}"
        f"  LIMIT %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*owner_ids, DELETE_BATCH])
        return cursor.rowcount
