"""Mastodon.py against a live ``tidings serve``: direct messages, conversations and polls."""

from __future__ import annotations

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError


def test_a_direct_message_becomes_a_conversation_only_its_participants_see(new_user):
    alice, bob, carol = new_user("dma"), new_user("dmb"), new_user("dmc")
    carol.account_follow(alice.me().id)
    sent = alice.status_post(f"@{bob.handle} the meeting moved", visibility="direct")
    assert sent.visibility == "direct"
    [conversation] = bob.conversations()
    assert conversation.unread is True
    assert conversation.last_status.id == sent.id
    assert [a.acct for a in conversation.accounts] == [alice.handle]
    bob.conversations_read(conversation.id)
    assert bob.conversations()[0].unread is False
    with pytest.raises(MastodonNotFoundError):
        carol.status(sent.id)
    assert carol.conversations() == []
    assert all(s.id != sent.id for s in carol.timeline_home())
    assert all(s.id != sent.id for s in carol.account_statuses(alice.me().id))
    assert carol.search_v2("meeting", result_type="statuses").statuses == []


def test_a_poll_is_posted_voted_in_once_and_read_back(new_user):
    alice, bob = new_user("polla"), new_user("pollb")
    status = alice.status_post(
        "Where next?", poll=alice.make_poll(["Delhi", "Mumbai", "Pune"], expires_in=600)
    )
    assert [o.title for o in status.poll.options] == ["Delhi", "Mumbai", "Pune"]
    assert status.poll.expired is False
    voted = bob.poll_vote(status.poll.id, [2])
    assert voted.voted is True and voted.own_votes == [2]
    assert voted.options[2].votes_count == 1
    with pytest.raises(MastodonAPIError, match="already voted"):
        bob.poll_vote(status.poll.id, [0])
    assert alice.poll(status.poll.id).voters_count == 1
    assert bob.status(status.id).poll.own_votes == [2]
