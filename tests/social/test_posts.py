"""Posting, replying, reposting, favouriting and deleting, through the actions."""

from __future__ import annotations

import pytest
from django.db.models import Max

from tidings.audit.models import AuditEvent
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.actions import (
    do_delete_post,
    do_favourite,
    do_repost,
    do_unfavourite,
    do_unrepost,
)
from tidings.social.models import Account, Hashtag, Mention, Notification, Post, PostHashtag


def test_post_is_stored_exactly_as_written(alice, make_post):
    text = "  <b>bold?</b> & #Tag\n second line "
    post = make_post(alice, text)
    assert Post.objects.get(id=post.id).text == text


def test_empty_post_is_refused(alice, make_post):
    for empty in ["", "   ", "\n\t"]:
        with pytest.raises(InvalidInput, match="cannot be empty"):
            make_post(alice, empty)


def test_over_length_post_is_refused_with_its_length(alice, make_post):
    with pytest.raises(InvalidInput, match="at most 500 characters; this one has 501"):
        make_post(alice, "x" * 501)
    assert make_post(alice, "x" * 500).text == "x" * 500


def test_unknown_visibility_is_refused(alice, make_post):
    with pytest.raises(InvalidInput, match="Unknown visibility"):
        make_post(alice, "hi", visibility="secret")


def test_hashtags_are_linked_case_insensitively(alice, make_post):
    post = make_post(alice, "#FarmersProtest day 3 #farmersprotest #FarmLaws")
    names = set(PostHashtag.objects.filter(post=post).values_list("hashtag__name", flat=True))
    assert names == {"farmersprotest", "farmlaws"}
    assert Hashtag.objects.get(name="farmersprotest").display_name == "FarmersProtest"


def test_mentions_notify_the_mentioned_account(alice, bob, make_post):
    post = make_post(alice, "hello @Bob and @nobody")
    assert list(Mention.objects.filter(post=post).values_list("account_id", flat=True)) == [bob.id]
    notification = Notification.objects.get(recipient=bob)
    assert (notification.kind, notification.actor_id, notification.post_id) == (
        "mention",
        alice.id,
        post.id,
    )


def test_reply_counts_and_notifies_the_parent_author_once(alice, bob, make_post):
    parent = make_post(alice, "question?")
    reply = make_post(bob, "@alice answer", in_reply_to=parent)
    parent.refresh_from_db()
    assert parent.replies_count == 1
    assert reply.in_reply_to_account_id == alice.id
    assert list(Notification.objects.filter(recipient=alice).values_list("kind", flat=True)) == [
        "reply"
    ]


def test_repost_counts_notifies_and_is_idempotent(alice, bob, make_post, run_on_commit):
    original = make_post(alice, "worth sharing")
    with run_on_commit():
        first = do_repost(original, acting_user=bob)
        again = do_repost(original, acting_user=bob)
    original.refresh_from_db()
    assert first.id == again.id
    assert original.reposts_count == 1
    assert Notification.objects.filter(recipient=alice, kind="repost").count() == 1


def test_reposting_a_repost_reposts_the_original(alice, bob, carol, make_post):
    original = make_post(alice, "original")
    repost = do_repost(original, acting_user=bob)
    assert do_repost(repost, acting_user=carol).repost_of_id == original.id


def test_followers_only_post_cannot_be_reposted(alice, bob, make_post):
    post = make_post(alice, "private", visibility="followers")
    with pytest.raises(InvalidInput, match="cannot be reposted"):
        do_repost(post, acting_user=bob)


def test_unrepost_removes_the_repost(alice, bob, make_post):
    original = make_post(alice, "x")
    do_repost(original, acting_user=bob)
    assert do_unrepost(original, acting_user=bob).reposts_count == 0
    assert not Post.objects.filter(repost_of=original).exists()


def test_favourite_and_unfavourite_keep_the_count(alice, bob, make_post):
    post = make_post(alice, "like me")
    assert do_favourite(post, acting_user=bob).favourites_count == 1
    assert do_favourite(post, acting_user=bob).favourites_count == 1
    assert do_unfavourite(post, acting_user=bob).favourites_count == 0
    assert do_unfavourite(post, acting_user=bob).favourites_count == 0


def test_only_the_author_can_delete_a_post(alice, bob, make_post):
    post = make_post(alice, "mine")
    with pytest.raises(NotPermitted):
        do_delete_post(post, acting_user=bob)
    do_delete_post(post, acting_user=alice)
    assert not Post.objects.filter(id=post.id).exists()
    assert Account.objects.get(id=alice.id).posts_count == 0


def test_each_action_writes_its_audit_event(alice, bob, make_post):
    before = AuditEvent.objects.aggregate(newest=Max("seq"))["newest"] or 0
    post = make_post(alice, "audited")
    do_favourite(post, acting_user=bob)
    do_repost(post, acting_user=bob)
    do_delete_post(post, acting_user=alice)
    actions = list(
        AuditEvent.objects.filter(seq__gt=before).order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["post.create", "post.favourite", "post.repost", "post.delete"]


def test_post_ids_sort_by_creation_time(alice, make_post):
    posts = [make_post(alice, f"post {i}") for i in range(5)]
    assert [p.id for p in posts] == sorted(p.id for p in posts)
