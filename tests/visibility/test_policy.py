"""The visibility rules, one sentence each, for single objects and for lists."""

from __future__ import annotations

import pytest

from tests.conftest import viewer
from tidings.lib.errors import NotFound
from tidings.social.actions import (
    do_block,
    do_follow,
    do_mute,
    do_repost,
    do_suspend_account,
)
from tidings.social.models import Post
from tidings.visibility import (
    Listing,
    access_account,
    access_post,
    can_view_account,
    can_view_post,
    visible_posts,
)


def listed(post: Post, account, listing: Listing = Listing.DIRECT) -> bool:
    return visible_posts(Post.objects.filter(id=post.id), viewer(account), listing).exists()


def test_public_post_is_visible_to_anonymous_viewers(alice, make_post):
    post = make_post(alice, "hello")
    assert can_view_post(viewer(None), post)
    assert listed(post, None, Listing.PUBLIC)


def test_followers_only_post_is_hidden_from_a_non_follower(alice, bob, make_post):
    post = make_post(alice, "for friends", visibility="followers")
    assert not can_view_post(viewer(bob), post)
    assert not listed(post, bob)
    with pytest.raises(NotFound):
        access_post(viewer(bob), post.id)


def test_followers_only_post_is_hidden_from_anonymous_viewers(alice, make_post):
    post = make_post(alice, "for friends", visibility="followers")
    assert not can_view_post(viewer(None), post)
    assert not listed(post, None)


def test_followers_only_post_is_visible_to_a_follower(alice, bob, make_post):
    do_follow(alice, acting_user=bob)
    post = make_post(alice, "for friends", visibility="followers")
    assert can_view_post(viewer(bob), post)
    assert listed(post, bob, Listing.HOME)


def test_followers_only_post_is_visible_to_an_account_it_mentions(alice, bob, make_post):
    post = make_post(alice, "just for @bob", visibility="followers")
    assert can_view_post(viewer(bob), post)
    assert listed(post, bob)


def test_followers_only_post_is_visible_to_its_author(alice, make_post):
    post = make_post(alice, "mine", visibility="followers")
    assert can_view_post(viewer(alice), post)
    assert listed(post, alice)


def test_an_author_sees_its_own_post_without_loading_blocks_or_mutes(
    alice, bob, make_post, django_assert_num_queries
):
    """No account blocks or mutes itself, so the check asks nothing (posting relies on it)."""
    do_block(bob, acting_user=alice)
    do_mute(bob, acting_user=alice)
    post = make_post(alice, "mine", visibility="direct")
    me = viewer(alice)
    with django_assert_num_queries(0):
        assert can_view_post(me, post)
    assert not can_view_post(viewer(bob), post)


def test_followers_only_post_never_appears_in_public_listings(alice, bob, make_post):
    do_follow(alice, acting_user=bob)
    post = make_post(alice, "for friends", visibility="followers")
    assert not listed(post, bob, Listing.PUBLIC)


def test_unlisted_post_is_reachable_but_not_publicly_listed(alice, bob, make_post):
    post = make_post(alice, "quiet", visibility="unlisted")
    assert can_view_post(viewer(bob), post)
    assert listed(post, bob, Listing.DIRECT)
    assert not listed(post, bob, Listing.PUBLIC)


def test_suspended_author_is_hidden_with_everything_they_wrote(alice, bob, make_account, make_post):
    post = make_post(alice, "soon gone")
    moderator = make_account("mod", role="moderator")
    do_suspend_account(alice, reason="spam", acting_user=moderator)
    alice.refresh_from_db()
    post.refresh_from_db()
    assert not can_view_account(viewer(bob), alice)
    assert not can_view_post(viewer(bob), post)
    assert not listed(post, bob, Listing.PUBLIC)
    with pytest.raises(NotFound):
        access_account(viewer(bob), "alice")


def test_author_who_blocks_the_viewer_is_hidden_from_the_viewer(alice, bob, make_post):
    post = make_post(alice, "not for bob")
    do_block(bob, acting_user=alice)
    assert not can_view_post(viewer(bob), post)
    assert not can_view_account(viewer(bob), alice)
    assert not listed(post, bob, Listing.PUBLIC)


def test_blocking_an_author_hides_their_posts_from_the_blockers_lists(alice, bob, make_post):
    post = make_post(alice, "bob blocked me")
    do_block(alice, acting_user=bob)
    assert not listed(post, bob, Listing.PUBLIC)
    assert not listed(post, bob, Listing.HOME)


def test_muted_author_is_absent_from_lists_but_reachable_directly(alice, bob, make_post):
    post = make_post(alice, "muted")
    do_mute(alice, acting_user=bob)
    assert not listed(post, bob, Listing.HOME)
    assert not listed(post, bob, Listing.PUBLIC)
    assert can_view_post(viewer(bob), post)


def test_repost_is_hidden_when_the_reposted_author_is_suspended(
    alice, bob, carol, make_account, make_post
):
    original = make_post(alice, "original")
    repost = do_repost(original, acting_user=bob)
    moderator = make_account("mod", role="moderator")
    do_suspend_account(alice, reason="spam", acting_user=moderator)
    repost = Post.objects.select_related("author", "repost_of__author").get(id=repost.id)
    assert not can_view_post(viewer(carol), repost)
    assert not listed(repost, carol)


def test_repost_is_hidden_from_a_viewer_the_original_author_blocks(alice, bob, carol, make_post):
    original = make_post(alice, "original")
    repost = do_repost(original, acting_user=bob)
    do_block(carol, acting_user=alice)
    assert not listed(repost, carol, Listing.HOME)
    assert listed(repost, bob, Listing.HOME)


def test_unknown_or_malformed_post_ids_are_not_found(alice):
    for bad in ["999", "abc", "", "9" * 40, -1]:
        with pytest.raises(NotFound):
            access_post(viewer(alice), bad)


def test_account_lookup_is_case_insensitive(alice):
    assert access_account(viewer(None), "ALICE").id == alice.id
    assert access_account(viewer(None), "@Alice").id == alice.id
