"""Home timelines: fan-out on write into ``HomeEntry`` rows.

The author's own entry is written in the posting transaction; followers'
entries by the ``fanout_post`` task, enqueued in that same transaction, in
batches of ``FANOUT_BATCH`` followers (one INSERT and one short transaction
each), so posting costs the same whatever the follower count. Authors with
more followers than ``FANOUT_FOLLOWER_LIMIT`` are not fanned out; their posts
are merged into home timelines on read (see ``queries.home_timeline``). A
direct post goes to the accounts it mentions only, never to followers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction

from tidings.social.models import Follow, HomeEntry, Mention, Post, Visibility
from tidings.streaming.events import publish_status
from tidings.tasks import task

BACKFILL_POSTS = 20
#: Followers handled per fan-out task (and per INSERT).
FANOUT_BATCH = 1000
HOME_COLUMNS = ("owner", "post", "author")


def fans_out(followers_count: int) -> bool:
    return followers_count <= settings.FANOUT_FOLLOWER_LIMIT


@task(atomic=True)
def fanout_post(post_id: int, after_follower_id: int = 0) -> int:
    """Put the post into the home timelines of the next batch of followers; returns how many.

    Idempotent (entries are unique per owner and post). When the batch is full,
    the next batch is enqueued in the same transaction as this one's insert, and
    the worker commits both with the record that this batch is done, so a worker
    killed mid-batch leaves neither lost followers nor a second chain of batches.
    """
    post = Post.objects.select_related("author").filter(id=post_id).first()
    if post is not None and post.visibility == Visibility.DIRECT:
        return _fanout_to_mentioned(post)
    if post is None or not fans_out(post.author.followers_count):
        return 0
    followers = list(
        Follow.objects.filter(followee_id=post.author_id, follower_id__gt=after_follower_id)
        .order_by("follower_id")
        .values_list("follower_id", flat=True)[:FANOUT_BATCH]
    )
    if not followers:
        return 0
    # No savepoint: the worker runs this task in its own transaction, and a failure here
    # fails the whole task (and its success record) anyway.
    with transaction.atomic(savepoint=False):
        _insert_home_entries(post, after_follower_id, followers[-1])
        publish_status(post.id)  # live home streams of this batch of followers
        if len(followers) == FANOUT_BATCH:
            fanout_post.enqueue(post.id, followers[-1])
    return len(followers)


def _insert_home_entries(post: Post, after_follower_id: int, last_follower_id: int) -> None:
    """One ``INSERT ... SELECT`` for the followers in (after, last]: the database copies the
    ids, so no model object is built per follower (that was most of a batch's time)."""
    followers = Follow.objects.filter(
        followee_id=post.author_id,
        follower_id__gt=after_follower_id,
        follower_id__lte=last_follower_id,
    ).values_list("follower_id")
    select, params = followers.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(HomeEntry._meta.get_field(f).column) for f in HOME_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(HomeEntry._meta.db_table)} ({columns}) "  # noqa: S608 (no input)
            f"SELECT batch.follower_id, %s, %s FROM ({select}) AS batch WHERE true "
            "ON CONFLICT DO NOTHING",
            [post.id, post.author_id, *params],
        )


def _fanout_to_mentioned(post: Post) -> int:
    """A direct post reaches the home timelines of the accounts it mentions, and no one else's."""
    mentioned = list(Mention.objects.filter(post_id=post.id).values_list("account_id", flat=True))
    HomeEntry.objects.bulk_create(
        [HomeEntry(owner_id=m, post_id=post.id, author_id=post.author_id) for m in mentioned],
        ignore_conflicts=True,
    )
    return len(mentioned)


def schedule_fanout(post: Post) -> None:
    """In the posting transaction: the author's own entry now, followers' by the queue."""
    HomeEntry.objects.bulk_create(
        [HomeEntry(owner_id=post.author_id, post_id=post.id, author_id=post.author_id)],
        ignore_conflicts=True,
    )
    publish_status(post.id)  # live public, hashtag and the author's own home streams
    fanout_post.enqueue(post.id)


def backfill_home(owner_id: int, author_id: int) -> None:
    """On a follow, in its transaction: the author's recent posts enter the follower's home."""
    recent = list(
        Post.objects.filter(
            author_id=author_id,
            visibility__in=[Visibility.PUBLIC, Visibility.UNLISTED, Visibility.FOLLOWERS],
        )
        .order_by("-id")
        .values_list("id", flat=True)[:BACKFILL_POSTS]
    )
    HomeEntry.objects.bulk_create(
        [HomeEntry(owner_id=owner_id, post_id=p, author_id=author_id) for p in recent],
        ignore_conflicts=True,
    )


def remove_author_from_home(owner_id: int, author_id: int) -> None:
    HomeEntry.objects.filter(owner_id=owner_id, author_id=author_id).delete()
