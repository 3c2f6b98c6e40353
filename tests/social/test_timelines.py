"""Timelines, threads, search and trends as readers see them."""

from __future__ import annotations

from tests.conftest import viewer
from tidings.social.actions import do_follow, do_mute, do_repost, do_unfollow
from tidings.social.queries import (
    Cursor,
    hashtag_timeline,
    home_timeline,
    profile_timeline,
    public_timeline,
    thread,
)
from tidings.social.search import search_accounts, search_hashtags, search_posts
from tidings.social.trends import trending_hashtags


def texts(posts) -> list[str]:
    return [p.text or f"repost of {p.repost_of.text}" for p in posts]


def test_home_timeline_holds_my_posts_and_those_i_follow_newest_first(
    alice, bob, carol, make_post, run_on_commit
):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
    make_post(bob, "from bob")
    make_post(carol, "from carol, not followed")
    make_post(alice, "from alice")
    assert texts(home_timeline(viewer(alice), Cursor())) == ["from alice", "from bob"]


def test_following_backfills_and_unfollowing_clears_the_home_timeline(
    alice, bob, make_post, run_on_commit
):
    make_post(bob, "older post by bob")
    with run_on_commit():
        do_follow(bob, acting_user=alice)
    assert texts(home_timeline(viewer(alice), Cursor())) == ["older post by bob"]
    do_unfollow(bob, acting_user=alice)
    assert home_timeline(viewer(alice), Cursor()) == []


def test_muted_account_leaves_the_home_timeline(alice, bob, make_post, run_on_commit):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
    make_post(bob, "muted soon")
    do_mute(bob, acting_user=alice)
    assert home_timeline(viewer(alice), Cursor()) == []


def test_reposts_reach_the_followers_home_timeline(alice, bob, carol, make_post, run_on_commit):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
    original = make_post(carol, "carol's news")
    with run_on_commit():
        do_repost(original, acting_user=bob)
    assert texts(home_timeline(viewer(alice), Cursor())) == ["repost of carol's news"]


def test_cursor_pagination_walks_every_post_once(alice, make_post):
    made = [make_post(alice, f"post {i}").id for i in range(7)]
    seen, cursor = [], Cursor(limit=3)
    while page := public_timeline(viewer(None), cursor):
        seen += [p.id for p in page]
        cursor = Cursor(max_id=page[-1].id, limit=3)
    assert seen == list(reversed(made))
    newer = public_timeline(viewer(None), Cursor(min_id=made[2], limit=2))
    assert [p.id for p in newer] == [made[4], made[3]]
    since = public_timeline(viewer(None), Cursor(since_id=made[4], limit=40))
    assert [p.id for p in since] == [made[6], made[5]]


def test_public_timeline_lists_only_public_posts(alice, make_post):
    make_post(alice, "public one")
    make_post(alice, "unlisted one", visibility="unlisted")
    make_post(alice, "followers one", visibility="followers")
    assert texts(public_timeline(viewer(None), Cursor())) == ["public one"]


def test_hashtag_timeline_lists_public_posts_with_the_tag(alice, bob, make_post):
    make_post(alice, "#FarmLaws explained")
    make_post(bob, "nothing here")
    make_post(bob, "#farmlaws quietly", visibility="unlisted")
    assert texts(hashtag_timeline(viewer(None), "FARMLAWS", Cursor())) == ["#FarmLaws explained"]
    assert hashtag_timeline(viewer(None), "unknowntag", Cursor()) == []


def test_profile_timeline_shows_followers_only_posts_to_followers(alice, bob, make_post):
    make_post(alice, "everyone")
    make_post(alice, "friends", visibility="followers")
    assert texts(profile_timeline(viewer(bob), alice, Cursor())) == ["everyone"]
    do_follow(alice, acting_user=bob)
    assert texts(profile_timeline(viewer(bob), alice, Cursor())) == ["friends", "everyone"]


def test_thread_shows_ancestors_and_nested_replies_in_reading_order(alice, bob, make_post):
    root = make_post(alice, "root")
    reply = make_post(bob, "reply", in_reply_to=root)
    nested = make_post(alice, "nested", in_reply_to=reply)
    second = make_post(bob, "second reply", in_reply_to=root)
    ancestors, descendants = thread(viewer(None), nested)
    assert [p.id for p in ancestors] == [root.id, reply.id]
    ancestors, descendants = thread(viewer(None), root)
    assert ancestors == []
    assert [p.id for p in descendants] == [reply.id, nested.id, second.id]


def test_search_finds_posts_by_every_word(alice, make_post):
    make_post(alice, "Tractor rally on the highway")
    make_post(alice, "Rally in the city")
    found = search_posts(viewer(None), "rally tractor", Cursor())
    assert texts(found) == ["Tractor rally on the highway"]
    assert search_posts(viewer(None), 'rally" OR "x', Cursor()) == []


def test_search_by_hashtag_uses_the_tag(alice, make_post):
    make_post(alice, "#Monsoon arrives")
    assert texts(search_posts(viewer(None), "#monsoon", Cursor())) == ["#Monsoon arrives"]
    assert [t.name for t in search_hashtags("mon")] == ["monsoon"]


def test_search_accounts_by_handle_prefix_and_display_name(alice, bob):
    assert [a.username for a in search_accounts(viewer(None), "ali")] == ["alice"]
    assert [a.username for a in search_accounts(viewer(None), "Baptiste")] == ["bob"]
    assert search_accounts(viewer(None), "   ") == []


def test_trends_rank_tags_by_distinct_accounts_over_a_day(alice, bob, carol, make_post):
    make_post(alice, "#Cricket")
    make_post(alice, "#Cricket again")
    make_post(alice, "#Budget2021")
    make_post(bob, "#Budget2021")
    make_post(carol, "#Budget2021", visibility="unlisted")
    trends = trending_hashtags(viewer(None))
    assert [(t.hashtag.name, t.accounts, t.uses) for t in trends] == [
        ("budget2021", 2, 2),
        ("cricket", 1, 2),
    ]


def test_widely_followed_authors_are_merged_into_home_timelines_on_read(
    alice, bob, carol, make_post, run_on_commit, settings
):
    from tidings.social.models import HomeEntry

    settings.FANOUT_FOLLOWER_LIMIT = 1
    with run_on_commit():
        do_follow(bob, acting_user=alice)
        do_follow(bob, acting_user=carol)
    first = make_post(bob, "from a widely followed author")
    make_post(alice, "my own")
    second = make_post(bob, "again")
    assert not HomeEntry.objects.filter(owner=alice, post=first).exists()
    assert texts(home_timeline(viewer(alice), Cursor())) == [
        "again",
        "my own",
        "from a widely followed author",
    ]
    assert texts(home_timeline(viewer(alice), Cursor(max_id=second.id, limit=1))) == ["my own"]
    older = home_timeline(viewer(alice), Cursor(min_id=first.id, limit=1))
    assert texts(older) == ["my own"]
