"""When a withholding ends (lifted, or by the clock) or an account is withheld, open streams hear it.

Viewers in the countries it applied in get the posts back as ``update`` (each
still checked against every other rule); viewers elsewhere, who never lost
them, get nothing. Run on PostgreSQL too (``TIDINGS_DATABASE_URL``): there two
workers announcing at once really race.
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from functools import partial

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from tests.legal.test_lock_order import run_together
from tests.streaming.test_stream_rules import received, subscriber
from tidings.audit.models import AuditEvent
from tidings.legal.actions.withholding import (
    do_announce_ended_withholdings,
    do_lift_withholding,
    do_withhold,
)
from tidings.legal.models import Withholding
from tidings.social.actions import do_block, do_follow, do_repost
from tidings.social.models import StreamEvent


def lifted_events() -> list[dict]:
    return list(
        StreamEvent.objects.filter(kind="lifted").order_by("id").values_list("data", flat=True)
    )


def updates(sub, data: dict) -> list[str]:
    return [post_id for kind, post_id in received(sub, "lifted", data) if kind == "update"]


@pytest.fixture
def clock(monkeypatch):
    """Set the time everything reads (``clock(moment)``), as if the clock had moved on."""

    def move_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move_to


def test_an_end_by_the_clock_sends_the_post_again_once_in_india_and_never_in_the_us(
    alice, bob, carol, legal_admin, make_post, run_periodic_tasks, clock
):
    do_follow(alice, acting_user=bob)
    do_follow(alice, acting_user=carol)
    post = make_post(alice, "the farmers march on")
    start = timezone.now()
    withholding = do_withhold(
        post=post,
        countries=["IN"],
        until=start + timedelta(hours=6),
        reason="order under s.69A",
        acting_user=legal_admin,
    )
    in_india, in_us = subscriber(bob, "IN"), subscriber(carol, "US")

    clock(start + timedelta(hours=6) - timedelta(seconds=1))
    run_periodic_tasks()
    assert lifted_events() == []  # not ended yet: nothing to say

    clock(start + timedelta(hours=6, minutes=1))  # the task's next period (one a minute)
    run_periodic_tasks()
    [event] = lifted_events()
    assert event == {"posts": [post.id], "accounts": [], "countries": ["IN"]}
    assert received(in_india, "lifted", event) == [("update", str(post.id))]
    assert received(in_us, "lifted", event) == []
    withholding.refresh_from_db()
    assert withholding.end_announced_at == start + timedelta(hours=6, minutes=1)
    assert withholding.lifted_at is None  # the record says it ended by the clock, not lifted
    expired = AuditEvent.objects.get(action="legal.expire")
    assert (expired.subject_id, expired.actor_id) == (str(withholding.id), None)

    last = StreamEvent.objects.latest("id").id
    clock(start + timedelta(hours=7))
    run_periodic_tasks()  # a later period: the same end is never announced again
    assert not StreamEvent.objects.filter(kind="lifted", id__gt=last).exists()
    assert AuditEvent.objects.filter(action="legal.expire").count() == 1


def test_a_restarted_worker_announces_what_ended_while_it_was_down_and_nothing_twice(
    alice, legal_admin, make_post, clock
):
    posts = [make_post(alice, f"note {i}") for i in range(3)]
    start = timezone.now()
    for hours, post in enumerate(posts, start=1):
        do_withhold(
            post=post,
            countries=["IN"],
            until=start + timedelta(hours=hours),
            reason="order",
            acting_user=legal_admin,
        )
    clock(start + timedelta(hours=2, minutes=30))  # the worker was down through two ends
    assert do_announce_ended_withholdings(acting_user=None) == 2
    assert lifted_events() == [
        {"posts": [posts[0].id, posts[1].id], "accounts": [], "countries": ["IN"]}
    ]
    assert do_announce_ended_withholdings(acting_user=None) == 0
    clock(start + timedelta(hours=3))
    assert do_announce_ended_withholdings(acting_user=None) == 1
    assert lifted_events()[-1]["posts"] == [posts[2].id]


def test_an_end_of_a_withholding_lifted_before_it_is_not_announced_again(
    alice, legal_admin, make_post, clock
):
    post = make_post(alice, "short lived")
    start = timezone.now()
    withholding = do_withhold(
        post=post,
        countries=["IN"],
        until=start + timedelta(hours=1),
        reason="order",
        acting_user=legal_admin,
    )
    do_lift_withholding(withholding, reason="order withdrawn", acting_user=legal_admin)
    assert len(lifted_events()) == 1  # the lift's own
    clock(start + timedelta(hours=2))
    assert do_announce_ended_withholdings(acting_user=None) == 0
    assert len(lifted_events()) == 1


def test_a_post_still_withheld_by_another_order_is_not_sent_again(
    alice, bob, legal_admin, make_post, clock
):
    do_follow(alice, acting_user=bob)
    post = make_post(alice, "named in two orders")
    start = timezone.now()
    do_withhold(
        post=post,
        countries=["IN"],
        until=start + timedelta(hours=1),
        reason="emergency order",
        acting_user=legal_admin,
    )
    do_withhold(post=post, countries=["IN"], reason="committee order", acting_user=legal_admin)
    clock(start + timedelta(hours=2))
    assert do_announce_ended_withholdings(acting_user=None) == 1
    [event] = lifted_events()
    assert received(subscriber(bob, "IN"), "lifted", event) == []


def test_an_end_everywhere_sends_the_post_again_in_every_country(
    alice, bob, carol, legal_admin, make_post, clock
):
    do_follow(alice, acting_user=bob)
    do_follow(alice, acting_user=carol)
    post = make_post(alice, "hidden everywhere for an hour")
    start = timezone.now()
    do_withhold(
        post=post,
        countries=["XX"],
        until=start + timedelta(hours=1),
        reason="court order",
        acting_user=legal_admin,
    )
    clock(start + timedelta(hours=1))
    do_announce_ended_withholdings(acting_user=None)
    [event] = lifted_events()
    assert event["countries"] == ["XX"]
    assert updates(subscriber(bob, "IN"), event) == [str(post.id)]
    assert updates(subscriber(carol, "US"), event) == [str(post.id)]
    assert updates(subscriber(carol), event) == [str(post.id)]  # no country known


def test_withholding_an_account_deletes_its_posts_and_their_reposts_in_india_only(
    alice, bob, carol, legal_admin, make_post
):
    do_follow(alice, acting_user=bob)
    do_follow(alice, acting_user=carol)
    do_follow(carol, acting_user=bob)
    posts = [make_post(alice, f"dispatch {i}") for i in range(3)]
    repost = do_repost(posts[0], acting_user=carol)
    do_withhold(account=alice, countries=["IN"], reason="order", acting_user=legal_admin)
    event = StreamEvent.objects.filter(kind="withheld").latest("id")
    assert event.data == {"posts": [], "accounts": [alice.id]}
    deleted = received(subscriber(bob, "IN"), "withheld", event.data)
    assert sorted(deleted) == sorted(("delete", str(p.id)) for p in [*posts, repost])
    assert received(subscriber(carol, "US"), "withheld", event.data) == []
    assert received(subscriber(alice, "IN"), "withheld", event.data) == []  # the author keeps them


def test_lifting_an_account_withholding_sends_its_posts_again_in_india_only(
    alice, bob, carol, make_account, legal_admin, make_post
):
    dave = make_account("dave")
    do_follow(alice, acting_user=bob)
    do_follow(alice, acting_user=carol)
    posts = [make_post(alice, f"report {i}") for i in range(3)]
    withholding = do_withhold(
        account=alice, countries=["IN"], reason="order", acting_user=legal_admin
    )
    do_block(alice, acting_user=dave)
    do_lift_withholding(withholding, reason="restored by us", acting_user=legal_admin)
    [event] = lifted_events()
    assert event == {"posts": [], "accounts": [alice.id], "countries": ["IN"]}
    assert updates(subscriber(bob, "IN"), event) == [str(p.id) for p in posts]  # oldest first
    assert updates(subscriber(carol, "US"), event) == []  # never lost them
    assert updates(subscriber(None, "IN", streams=[("public", "")]), event) == [
        str(p.id) for p in posts
    ]
    assert updates(subscriber(dave, "IN", streams=[("public", "")]), event) == []  # blocked


def test_lifting_an_account_leaves_out_its_post_withheld_by_its_own_order(
    alice, bob, legal_admin, make_post
):
    do_follow(alice, acting_user=bob)
    kept, still_withheld = make_post(alice, "back"), make_post(alice, "still withheld")
    account_order = do_withhold(
        account=alice, countries=["IN"], reason="order", acting_user=legal_admin
    )
    do_withhold(post=still_withheld, countries=["IN"], reason="order", acting_user=legal_admin)
    do_lift_withholding(account_order, reason="order withdrawn", acting_user=legal_admin)
    event = lifted_events()[-1]
    assert updates(subscriber(bob, "IN"), event) == [str(kept.id)]
    assert updates(subscriber(bob, "US"), event) == []


def test_an_account_withholding_ending_by_the_clock_sends_its_posts_again(
    alice, bob, legal_admin, make_post, clock
):
    do_follow(alice, acting_user=bob)
    post = make_post(alice, "after the interim order")
    start = timezone.now()
    do_withhold(
        account=alice,
        countries=["IN", "PK"],
        until=start + timedelta(hours=48),
        reason="emergency order",
        acting_user=legal_admin,
    )
    clock(start + timedelta(hours=48))
    assert do_announce_ended_withholdings(acting_user=None) == 1
    [event] = lifted_events()
    assert event == {"posts": [], "accounts": [alice.id], "countries": ["IN", "PK"]}
    assert updates(subscriber(bob, "PK"), event) == [str(post.id)]


def test_ends_in_different_countries_reach_only_their_own_viewers(
    alice, bob, legal_admin, make_post, clock
):
    do_follow(alice, acting_user=bob)
    in_india, in_pakistan = make_post(alice, "one"), make_post(alice, "two")
    start = timezone.now()
    for post, country in ((in_india, "IN"), (in_pakistan, "PK")):
        do_withhold(
            post=post,
            countries=[country],
            until=start + timedelta(hours=1),
            reason="order",
            acting_user=legal_admin,
        )
    clock(start + timedelta(hours=1))
    assert do_announce_ended_withholdings(acting_user=None) == 2
    got = {
        country: [p for event in lifted_events() for p in updates(subscriber(bob, country), event)]
        for country in ("IN", "PK", "US")
    }
    assert got == {"IN": [str(in_india.id)], "PK": [str(in_pakistan.id)], "US": []}


def test_withholdings_that_ended_before_the_upgrade_are_not_announced_after_it(
    alice, legal_admin, make_post, clock
):
    post = make_post(alice, "long ago")
    start = timezone.now()
    withholding = do_withhold(
        post=post,
        countries=["IN"],
        until=start + timedelta(hours=1),
        reason="order",
        acting_user=legal_admin,
    )
    clock(start + timedelta(days=30))
    migration = importlib.import_module("tidings.legal.migrations.0010_withholding_end_announced")
    migration.mark_past_ends_announced(apps, None)
    withholding.refresh_from_db()
    assert withholding.end_announced_at == withholding.ends_at
    assert do_announce_ended_withholdings(acting_user=None) == 0
    assert lifted_events() == []


ROUNDS = 6 if connection.vendor == "postgresql" else 2


def test_two_workers_announcing_at_once_send_each_end_once(
    concurrent_database, make_account, legal_admin
):
    from tidings.social.actions import do_create_post

    author = make_account("racer")
    start = timezone.now()
    for n in range(ROUNDS):
        posts = [do_create_post(f"round {n} post {i}", acting_user=author) for i in range(4)]
        for post in posts:
            do_withhold(
                post=post,
                countries=["IN"],
                until=start + timedelta(hours=1),
                reason="order",
                acting_user=legal_admin,
            )
        # The clock moves past their end (as an hour passing would).
        Withholding.objects.filter(post__in=posts).update(ends_at=start - timedelta(minutes=n))
        errors = run_together(
            [partial(do_announce_ended_withholdings, acting_user=None) for _ in range(2)]
        )
        assert errors == []
        announced = [p for event in lifted_events() for p in event["posts"]]
        assert sorted(announced) == sorted(
            Withholding.objects.filter(post__isnull=False).values_list("post_id", flat=True)
        )
    assert AuditEvent.objects.filter(action="legal.expire").count() == 4 * ROUNDS
    assert not Withholding.objects.filter(end_announced_at__isnull=True).exists()
