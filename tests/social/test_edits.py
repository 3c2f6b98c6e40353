"""Editing a post through its action: versions, hashtags, mentions, search, notifications, audit."""

from __future__ import annotations

import pytest

from tests.conftest import viewer
from tidings.audit.models import AuditEvent
from tidings.legal.holds import text_sha256
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.actions import do_delete_post, do_edit_post, do_repost
from tidings.social.edits import post_versions
from tidings.social.models import Mention, Notification, Post, PostEdit, PostHashtag
from tidings.social.queries import Cursor, hashtag_timeline
from tidings.social.search import search_posts


def test_an_edit_keeps_the_new_text_and_every_version_oldest_first(alice, make_post):
    post = make_post(alice, "first draft")
    edited = do_edit_post(post, "second draft", acting_user=alice)
    do_edit_post(edited, "third draft", acting_user=alice)

    post = Post.objects.get(id=post.id)
    assert post.text == "third draft" and post.edited_at is not None
    versions = post_versions(post)
    assert [v.text for v in versions] == ["first draft", "second draft", "third draft"]
    assert versions[0].created_at == post.created_at
    assert [v.current for v in versions] == [False, False, True]
    assert [v.text_sha256 for v in versions] == [
        text_sha256(t) for t in ("first draft", "second draft", "third draft")
    ]


def test_a_post_never_edited_has_one_version_and_no_edited_time(alice, make_post):
    post = make_post(alice, "as written")
    assert [v.text for v in post_versions(post)] == ["as written"]
    assert post.edited_at is None


def test_the_same_text_again_records_no_version(alice, make_post):
    post = make_post(alice, "unchanged")
    do_edit_post(post, "unchanged", acting_user=alice)
    assert not PostEdit.objects.exists()
    assert Post.objects.get(id=post.id).edited_at is None


def test_hashtags_follow_the_new_text(alice, make_post):
    post = make_post(alice, "Rally today #FarmLaws")
    do_edit_post(post, "Rally moved #Monsoon", acting_user=alice)
    assert [p.id for p in hashtag_timeline(viewer(None), "monsoon", Cursor())] == [post.id]
    assert hashtag_timeline(viewer(None), "farmlaws", Cursor()) == []
    assert PostHashtag.objects.filter(post_id=post.id).count() == 1


def test_mentions_follow_the_new_text_and_only_new_ones_are_notified(alice, bob, carol, make_post):
    post = make_post(alice, "thanks @bob")
    do_edit_post(post, "thanks @bob and @carol", acting_user=alice)
    assert set(Mention.objects.filter(post=post).values_list("account_id", flat=True)) == {
        bob.id,
        carol.id,
    }
    assert Notification.objects.filter(recipient=bob, kind="mention").count() == 1
    assert Notification.objects.filter(recipient=carol, kind="mention", post=post).count() == 1

    do_edit_post(post, "thanks @carol", acting_user=alice)
    assert list(Mention.objects.filter(post=post).values_list("account_id", flat=True)) == [
        carol.id
    ]
    assert Notification.objects.filter(recipient=carol, kind="mention").count() == 1


def test_search_finds_the_new_text_and_not_the_old(alice, make_post):
    post = make_post(alice, "tamarind harvest report")
    do_edit_post(post, "jackfruit harvest report", acting_user=alice)
    assert [p.id for p in search_posts(viewer(None), "jackfruit", Cursor())] == [post.id]
    assert search_posts(viewer(None), "tamarind", Cursor()) == []


def test_accounts_that_reposted_it_get_an_update_notification(alice, bob, carol, make_post):
    post = make_post(alice, "breaking: the bridge is open")
    do_repost(post, acting_user=bob)
    do_edit_post(post, "breaking: the bridge is closed again", acting_user=alice)
    update = Notification.objects.get(kind="update")
    assert update.recipient_id == bob.id and update.post_id == post.id
    assert update.actor_id == alice.id
    assert not Notification.objects.filter(recipient=carol).exists()


def test_an_edit_is_audited_with_the_new_texts_hash(alice, bob, make_post):
    post = make_post(alice, "before")
    do_repost(post, acting_user=bob)
    do_edit_post(post, "after", acting_user=alice)
    event = AuditEvent.objects.filter(action="post.update").get()
    assert event.actor_id == alice.id and event.subject_id == str(post.id)
    assert event.data == {"text_sha256": text_sha256("after"), "notified_reposters": 1}


def test_only_the_author_may_edit(alice, bob, make_post):
    post = make_post(alice, "mine")
    with pytest.raises(NotPermitted, match="Only the author"):
        do_edit_post(post, "yours now", acting_user=bob)
    assert Post.objects.get(id=post.id).text == "mine"


def test_a_repost_cannot_be_edited(alice, bob, make_post):
    repost = do_repost(make_post(alice, "original"), acting_user=bob)
    with pytest.raises(InvalidInput, match="repost"):
        do_edit_post(repost, "my words now", acting_user=bob)


def test_a_deleted_post_cannot_be_edited(alice, make_post, legal):
    from tidings.legal.actions.withholding import do_withhold

    post = make_post(alice, "soon gone")
    do_withhold(post=post, countries=["PK"], reason="order", acting_user=legal)
    do_delete_post(post, acting_user=alice)  # a tombstone: a legal record points at it
    with pytest.raises(InvalidInput, match="deleted"):
        do_edit_post(post, "back again", acting_user=alice)


@pytest.mark.parametrize("text", ["", "   ", "x" * 501, "x" * 1_000_000])
def test_empty_and_over_length_texts_are_refused(alice, make_post, text):
    post = make_post(alice, "fine")
    with pytest.raises(InvalidInput):
        do_edit_post(post, text, acting_user=alice)
    assert Post.objects.get(id=post.id).text == "fine"


def test_a_tombstone_without_a_hold_forgets_every_version_but_their_hashes(alice, make_post, legal):
    from tidings.legal.actions.withholding import do_withhold

    post = make_post(alice, "first words")
    do_edit_post(post, "second words", acting_user=alice)
    do_withhold(post=post, countries=["PK"], reason="order", acting_user=legal)
    do_delete_post(post, acting_user=alice)
    edits = list(PostEdit.objects.filter(post_id=post.id).order_by("created_at"))
    assert [e.text for e in edits] == ["", ""]
    assert [e.text_sha256 for e in edits] == [
        text_sha256("first words"),
        text_sha256("second words"),
    ]
