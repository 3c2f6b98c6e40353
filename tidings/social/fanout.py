"""Home timelines: fan-out on write into ``HomeEntry`` rows.

Authors with more followers than ``FANOUT_FOLLOWER_LIMIT`` are not fanned out;
their posts are merged into home timelines on read (see ``queries.home_timeline``).
Runs after the post's transaction commits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from tidings.social.models import Follow, HomeEntry, Post, Visibility

BACKFILL_POSTS = 20


def fans_out(followers_count: int) -> bool:
    return followers_count <= settings.FANOUT_FOLLOWER_LIMIT


def fanout_post(post_id: int) -> None:
    post = Post.objects.select_related("author").filter(id=post_id).first()
    if post is None:
        return
    owners = [post.author_id]
    if fans_out(post.author.followers_count):
        owners += list(
            Follow.objects.filter(followee_id=post.author_id).values_list("follower_id", flat=True)
        )
    HomeEntry.objects.bulk_create(
        [HomeEntry(owner_id=o, post_id=post.id, author_id=post.author_id) for o in owners],
        batch_size=1000,
        ignore_conflicts=True,
    )


def schedule_fanout(post: Post) -> None:
    transaction.on_commit(lambda: fanout_post(post.id))


def backfill_home(owner_id: int, author_id: int) -> None:
    """After a follow: the author's recent posts appear in the follower's home timeline."""
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
