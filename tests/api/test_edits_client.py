"""Editing statuses with Mastodon.py against a real ``tidings serve``: update, history, source."""

from __future__ import annotations

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError


def test_an_author_edits_a_status_and_reads_its_history_and_source(new_user):
    alice = new_user("ed")
    post = alice.status_post("Bridge closed #monsoon")
    assert post.edited_at is None

    edited = alice.status_update(post.id, "Bridge open again #sunshine")
    assert edited.id == post.id
    assert "Bridge open again" in edited.content
    assert [t.name for t in edited.tags] == ["sunshine"]
    assert edited.edited_at is not None

    history = alice.status_history(post.id)
    assert ["Bridge closed" in h.content for h in history] == [True, False]
    assert "Bridge open again" in history[1].content
    assert history[0].created_at <= history[1].created_at
    assert history[0].account.acct == alice.handle

    source = alice.status_source(post.id)
    assert source.text == "Bridge open again #sunshine"
    assert source.id == post.id
    assert alice.status(post.id).edited_at == edited.edited_at


def test_a_reposter_is_told_of_the_edit_with_an_update_notification(new_user):
    alice, bob = new_user("ea"), new_user("eb")
    post = alice.status_post("count is 100")
    bob.status_reblog(post.id)
    alice.status_update(post.id, "count is 120")
    updates = [n for n in bob.notifications() if n.type == "update"]
    assert len(updates) == 1
    assert updates[0].status.id == post.id and "120" in updates[0].status.content


def test_editing_someone_elses_status_is_forbidden_and_changes_nothing(new_user):
    alice, bob = new_user("ec"), new_user("ed")
    post = alice.status_post("my own words")
    with pytest.raises(MastodonAPIError) as refused:
        bob.status_update(post.id, "words put in her mouth")
    assert refused.value.args[1] == 403
    assert "my own words" in bob.status(post.id).content
    assert len(bob.status_history(post.id)) == 1


def test_editing_a_status_that_does_not_exist_is_not_found(new_user):
    alice = new_user("ee")
    with pytest.raises(MastodonNotFoundError):
        alice.status_update(123456789, "nothing here")
