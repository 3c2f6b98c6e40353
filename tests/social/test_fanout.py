"""Fan-out to home timelines runs on the queue, in batches, after the post is made."""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from tidings.social.actions import do_create_post, do_delete_post
from tidings.social.fanout import FANOUT_BATCH, fanout_post
from tidings.social.models import Account, Follow, HomeEntry


def give_followers(author: Account, count: int) -> list[int]:
    """``count`` new accounts following ``author``, inserted at once (set-up, not under test)."""
    fans = Account.objects.bulk_create(
        Account(username=f"{author.username}fan{i}", password="!") for i in range(count)
    )
    Follow.objects.bulk_create(Follow(follower=fan, followee=author) for fan in fans)
    Account.objects.filter(id=author.id).update(followers_count=F("followers_count") + count)
    return [fan.id for fan in fans]


def posting_queries(author: Account, text: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        do_create_post(text, acting_user=author)
    return [q["sql"] for q in queries.captured_queries]


def test_posting_costs_the_same_with_2500_followers_as_with_none(alice, bob):
    give_followers(bob, 2500)
    assert len(posting_queries(bob, "to 2,500 people")) == len(posting_queries(alice, "to nobody"))


def test_a_post_reaches_its_author_at_once_and_every_follower_through_the_queue(alice, run_tasks):
    fans = give_followers(alice, 2500)
    post = do_create_post("hello all", acting_user=alice)
    assert list(HomeEntry.objects.filter(post=post).values_list("owner_id", flat=True)) == [
        alice.id
    ]
    with CaptureQueriesContext(connection) as queries:
        assert run_tasks() == 3  # 1,000 + 1,000 + 500 followers
    inserts = [q for q in queries.captured_queries if 'INTO "social_homeentry"' in q["sql"]]
    fields = [f for f in HomeEntry._meta.concrete_fields if not f.primary_key]
    per_statement = min(FANOUT_BATCH, connection.ops.bulk_batch_size(fields, [None] * 2500))
    assert len(inserts) == sum(-(-n // per_statement) for n in (1000, 1000, 500))
    owners = set(HomeEntry.objects.filter(post=post).values_list("owner_id", flat=True))
    assert owners == {alice.id, *fans}


def test_fanning_out_again_adds_nothing_and_a_deleted_post_is_not_fanned_out(alice, run_tasks):
    give_followers(alice, 3)
    post = do_create_post("twice", acting_user=alice)
    run_tasks()
    assert fanout_post.call(post.id) == 3
    assert HomeEntry.objects.filter(post=post).count() == 4
    gone = do_create_post("deleted before the worker ran", acting_user=alice)
    do_delete_post(gone, acting_user=alice)
    run_tasks()
    assert not HomeEntry.objects.filter(post_id=gone.id).exists()
