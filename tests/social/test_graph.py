"""Following, blocking and muting."""

from __future__ import annotations

import pytest

from tidings.lib.errors import InvalidInput
from tidings.social.actions import do_block, do_follow, do_unblock, do_unfollow
from tidings.social.models import Account, Follow, Notification


def counts(account: Account) -> tuple[int, int]:
    account.refresh_from_db()
    return account.followers_count, account.following_count


def test_follow_updates_counts_and_notifies(alice, bob, run_on_commit):
    with run_on_commit():
        assert do_follow(alice, acting_user=bob) is True
    assert counts(alice) == (1, 0)
    assert counts(bob) == (0, 1)
    assert Notification.objects.get(recipient=alice).kind == "follow"


def test_following_twice_changes_nothing(alice, bob):
    do_follow(alice, acting_user=bob)
    assert do_follow(alice, acting_user=bob) is False
    assert counts(alice) == (1, 0)


def test_unfollow_restores_counts(alice, bob):
    do_follow(alice, acting_user=bob)
    assert do_unfollow(alice, acting_user=bob) is True
    assert do_unfollow(alice, acting_user=bob) is False
    assert counts(alice) == (0, 0)


def test_you_cannot_follow_yourself(alice):
    with pytest.raises(InvalidInput, match="cannot follow yourself"):
        do_follow(alice, acting_user=alice)


def test_block_ends_follows_in_both_directions(alice, bob):
    do_follow(alice, acting_user=bob)
    do_follow(bob, acting_user=alice)
    do_block(bob, acting_user=alice)
    assert not Follow.objects.exists()
    assert counts(alice) == (0, 0)
    assert counts(bob) == (0, 0)


def test_a_blocked_account_cannot_follow_the_blocker(alice, bob):
    do_block(bob, acting_user=alice)
    with pytest.raises(InvalidInput, match="has blocked you"):
        do_follow(alice, acting_user=bob)
    do_unblock(bob, acting_user=alice)
    assert do_follow(alice, acting_user=bob) is True
