"""Home timelines keep their newest entries; trimming the rest loses nothing a reader can reach.

Each test makes a home timeline of posts from followed accounts, the reader's
own, a direct mention from a stranger and posts it must never see, reads it
page by page, trims it, and reads it again: the same posts, in the same order.
"""

from __future__ import annotations

from unittest.mock import patch

import pytest
from django.db import connections

from tests.conftest import viewer
from tests.social.test_races import at_once
from tidings.social import home_trim, queries
from tidings.social.actions import do_follow, do_mute
from tidings.social.home_trim import home_floor, trim_home_feeds, trim_home_feeds_of
from tidings.social.models import Account, HomeEntry, Post, Visibility
from tidings.social.queries import Cursor, home_timeline
from tidings.visibility.streams import stream_shows_post

KEEP = 4


@pytest.fixture
def keep_four(settings) -> None:
    settings.HOME_FEED_LIMIT = KEEP


@pytest.fixture
def home(alice, bob, carol, make_account, make_post, run_on_commit) -> list[Post]:
    """Alice's home timeline of 13 posts, oldest first, among posts she must not see."""
    dave = make_account("dave")
    with run_on_commit():
        do_follow(bob, acting_user=alice)
        do_follow(dave, acting_user=alice)
    shown = []
    for n in range(10):
        shown.append(make_post(bob if n % 2 else dave, f"followed {n}"))
        make_post(carol, f"stranger {n}")  # not followed: never in alice's home
        if n == 3:
            shown.append(make_post(alice, "my own"))
            make_post(bob, "bob to carol only @carol", visibility=Visibility.DIRECT)
        if n == 5:
            shown.append(make_post(carol, "@alice a word", visibility=Visibility.DIRECT))
        if n == 7:
            shown.append(make_post(bob, "for followers", visibility=Visibility.FOLLOWERS))
    return shown


def read_back(account: Account, limit: int) -> list[str]:
    """The whole home timeline, newest first, read page by page down (``max_id``)."""
    seen: list[Post] = []
    cursor = Cursor(limit=limit)
    while page := home_timeline(viewer(account), cursor):
        seen += page
        cursor = Cursor(max_id=page[-1].id, limit=limit)
    return [p.text for p in seen]


def read_up(account: Account, limit: int) -> list[str]:
    """The whole home timeline, newest first, read page by page up from the start (``min_id``)."""
    seen: list[Post] = []
    cursor = Cursor(min_id=0, limit=limit)
    while page := home_timeline(viewer(account), cursor):
        seen = page + seen
        cursor = Cursor(min_id=page[0].id, limit=limit)
    return [p.text for p in seen]


def entries_of(account: Account) -> list[int]:
    return list(
        HomeEntry.objects.filter(owner=account)
        .order_by("-post_id")
        .values_list("post_id", flat=True)
    )


def test_trimming_keeps_each_home_timelines_newest_entries(alice, home, keep_four):
    before = entries_of(alice)
    assert len(before) == 13
    trim_home_feeds.call()
    assert entries_of(alice) == before[:KEEP]
    assert home_floor(alice.id) == before[KEEP - 1]


@pytest.mark.parametrize("limit", [1, 3, 4, 5, 40])
def test_paging_past_the_trimmed_end_reads_on_in_order_without_gaps_or_repeats(
    alice, home, keep_four, limit
):
    expected = [p.text for p in reversed(home)]
    assert read_back(alice, limit) == expected
    trim_home_feeds.call()
    assert len(entries_of(alice)) == KEEP
    assert read_back(alice, limit) == expected
    assert read_up(alice, limit) == expected


def test_a_post_trimmed_from_the_index_is_still_reachable(alice, home, keep_four, make_post):
    oldest = home[0]
    trim_home_feeds.call()
    assert not HomeEntry.objects.filter(owner=alice, post=oldest).exists()
    assert [p.id for p in home_timeline(viewer(alice), Cursor(max_id=home[1].id))] == [oldest.id]
    assert stream_shows_post(viewer(alice), oldest, "user")  # its edits still reach alice live


def test_below_the_floor_the_visibility_rules_still_judge(alice, bob, home, keep_four):
    trim_home_feeds.call()
    do_mute(bob, acting_user=alice)
    assert not any(p.author_id == bob.id for p in home_timeline(viewer(alice), Cursor(limit=40)))
    assert "stranger 0" not in read_back(alice, 3)


def test_trimming_twice_changes_nothing_more(alice, home, keep_four):
    expected = [p.text for p in reversed(home)]
    assert trim_home_feeds.call() > 0
    kept = entries_of(alice)
    assert trim_home_feeds.call() == 0
    assert entries_of(alice) == kept
    assert read_back(alice, 3) == expected


def test_a_feed_within_the_limit_is_left_alone(alice, home, settings):
    settings.HOME_FEED_LIMIT = 13
    trim_home_feeds.call()
    assert len(entries_of(alice)) == 13
    assert home_floor(alice.id) == home[0].id  # the floor is the oldest entry, which stays


def test_new_posts_after_trimming_join_the_top_and_the_next_trim_moves_the_floor_up(
    alice, bob, home, keep_four, make_post
):
    trim_home_feeds.call()
    floor = home_floor(alice.id)
    newer = [make_post(bob, f"newer {n}") for n in range(3)]
    expected = [p.text for p in reversed(home + newer)]
    assert read_back(alice, 3) == expected
    trim_home_feeds.call()
    assert home_floor(alice.id) > floor
    assert read_back(alice, 3) == expected


def test_a_trim_killed_after_raising_the_floor_loses_nothing(alice, home, keep_four):
    """Killed inside its first transaction: the floor and the deletions roll back together."""
    expected = [p.text for p in reversed(home)]
    with (
        patch.object(home_trim, "_delete_below_floors", side_effect=RuntimeError("killed")),
        pytest.raises(RuntimeError),
    ):
        trim_home_feeds.call()
    assert home_floor(alice.id) == 0
    assert len(entries_of(alice)) == 13
    assert read_back(alice, 3) == expected
    trim_home_feeds.call()
    assert read_back(alice, 3) == expected


def test_a_trim_killed_between_its_delete_batches_loses_nothing(alice, home, keep_four):
    """Killed after the first batch of deletions committed: what is left still reads the same."""
    expected = [p.text for p in reversed(home)]
    real_delete = home_trim._delete_below_floors
    calls = []

    def delete_then_die(owner_ids: list[int]) -> int:
        calls.append(owner_ids)
        if len(calls) > 1:
            raise RuntimeError("killed")
        return real_delete(owner_ids)

    with (
        patch.object(home_trim, "DELETE_BATCH", 2),
        patch.object(home_trim, "_delete_below_floors", delete_then_die),
        pytest.raises(RuntimeError),
    ):
        trim_home_feeds_of([alice.id])
    assert len(entries_of(alice)) == 13 - 2
    assert read_back(alice, 3) == expected
    trim_home_feeds.call()
    assert len(entries_of(alice)) == KEEP
    assert read_back(alice, 3) == expected


def test_the_workers_scheduler_runs_the_trim(alice, home, keep_four, run_periodic_tasks):
    run_periodic_tasks()
    assert len(entries_of(alice)) == KEEP


def test_two_workers_trimming_at_once_keep_the_newest_entries_and_lose_nothing(
    concurrent_database, make_account, settings
):
    """Real concurrent transactions on PostgreSQL (queued ones on SQLite)."""
    settings.HOME_FEED_LIMIT = 3
    readers = [make_account(f"reader{n}") for n in range(5)]
    author = make_account("writer")
    posts = Post.objects.bulk_create(
        Post(author=author, text=f"post {n}", visibility=Visibility.PUBLIC) for n in range(12)
    )
    for reader in readers:
        do_follow(author, acting_user=reader)
    HomeEntry.objects.bulk_create(
        (HomeEntry(owner=r, post=p, author=author) for r in readers for p in posts),
        ignore_conflicts=True,  # following backfilled the newest already
    )
    expected = {r.id: read_back(r, 5) for r in readers}
    assert len(expected[readers[0].id]) == 12
    connections.close_all()
    at_once(lambda _: trim_home_feeds.call())
    newest = sorted((p.id for p in posts), reverse=True)[:3]
    for reader in readers:
        assert entries_of(reader) == newest
        assert read_back(reader, 5) == expected[reader.id]


def test_a_trim_between_reading_the_index_and_its_floor_repeats_nothing(alice, home, keep_four):
    """A reader's page straddles the floor while a worker raises it: each post still shows once."""
    expected = [p.text for p in reversed(home)]
    trim_home_feeds_of([alice.id], keep=8)
    read_floor = queries.home_floor

    def floor_raised_meanwhile(owner_id: int) -> int:
        trim_home_feeds.call()
        return read_floor(owner_id)

    with patch.object(queries, "home_floor", floor_raised_meanwhile):
        assert read_back(alice, 5) == expected
