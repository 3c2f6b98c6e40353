"""Mastodon.py's bookmarks, lists, pins and filters, used as an app uses them, against ``tidings serve``."""

from __future__ import annotations

import time

import pytest
from mastodon import MastodonNotFoundError


def _home_with(reader, post_id, seconds: float = 30) -> dict:
    """The reader's home timeline by id, once fan-out (on the task worker) has brought ``post_id``."""
    deadline = time.monotonic() + seconds
    while True:
        home = {s.id: s for s in reader.timeline_home()}
        if post_id in home or time.monotonic() > deadline:
            return home
        time.sleep(0.1)


def test_bookmarks_round_trip_and_page_with_fetch_next(new_user):
    author, reader = new_user("bkauthor"), new_user("bkreader")
    posts = [author.status_post(f"keepsake {i}") for i in range(5)]
    for post in posts:
        assert reader.status_bookmark(post).bookmarked is True
    first = reader.bookmarks(limit=2)
    seen = [s.id for s in first]
    page = first
    while (page := reader.fetch_next(page)) is not None and len(page):
        seen += [s.id for s in page]
    assert seen == [p.id for p in reversed(posts)]
    assert reader.status_unbookmark(posts[0]).bookmarked is False
    assert posts[0].id not in {s.id for s in reader.bookmarks()}


def test_a_list_is_made_filled_and_read_as_a_timeline(new_user):
    owner, member, other = new_user("lsowner"), new_user("lsmember"), new_user("lsother")
    owner.account_follow(member.me())
    owner.account_follow(other.me())
    made = owner.list_create("Reporters")
    owner.list_accounts_add(made, [member.me()])
    assert [a.id for a in owner.list_accounts(made)] == [member.me().id]
    assert [lst.id for lst in owner.lists()] == [made.id]
    written = member.status_post("from the field")
    other.status_post("not on the list")
    assert [s.id for s in owner.timeline_list(made)] == [written.id]
    assert [lst.title for lst in owner.account_lists(member.me())] == ["Reporters"]
    owner.list_accounts_delete(made, [member.me()])
    assert owner.list_accounts(made) == []
    owner.list_accounts_add(made, [member.me()])
    renamed = owner.list_update(made, title="Field reporters")
    assert renamed.title == "Field reporters"
    with pytest.raises(MastodonNotFoundError):
        other.list(made)
    owner.list_delete(made)
    assert owner.lists() == []


def test_a_pinned_status_heads_the_account_statuses_with_pinned_true(new_user):
    author = new_user("pinner")
    intro = author.status_post("About me")
    author.status_post("Something later")
    assert author.status_pin(intro).pinned is True
    pinned = author.account_statuses(author.me(), pinned=True)
    assert [s.id for s in pinned] == [intro.id]
    assert author.status_unpin(intro).pinned is False
    assert author.account_statuses(author.me(), pinned=True) == []


def test_a_v2_filter_warns_on_home_and_shows_in_v1(new_user):
    reader, author = new_user("flreader"), new_user("flauthor")
    reader.account_follow(author.me())
    made = reader.create_filter_v2(
        "Spoilers",
        ["home"],
        "warn",
        keywords_attributes=[{"keyword": "finale", "whole_word": True}],
    )
    assert [f.id for f in reader.filters_v2()] == [made.id]
    assert [k.keyword for k in made.keywords] == ["finale"]
    post = author.status_post("That finale!")
    home = _home_with(reader, post.id)
    assert home[post.id].filtered[0].filter.title == "Spoilers"
    assert home[post.id].filtered[0].keyword_matches == ["finale"]
    assert [f.phrase for f in reader.filters()] == ["finale"]
    reader.delete_filter_v2(made)
    assert reader.filters_v2() == []
