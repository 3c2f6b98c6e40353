"""Locked accounts: following one asks; only the account's answer makes a follow."""

from __future__ import annotations

import pytest

from tests.conftest import viewer
from tidings.audit.models import AuditEvent
from tidings.lib.errors import NotFound
from tidings.social.actions import (
    do_authorize_follow_request,
    do_block,
    do_follow,
    do_reject_follow_request,
    do_unfollow,
    do_update_profile,
)
from tidings.social.models import Account, Follow, FollowRequest, HomeEntry, Notification
from tidings.social.queries import Cursor, home_timeline, relationship
from tidings.visibility import can_view_post


@pytest.fixture
def locked(make_account) -> Account:
    return make_account("locksmith", display_name="Locked Lou", locked=True)


@pytest.fixture
def make_account(make_account):
    """``make_account`` that also accepts ``locked`` (set through the owner's own action)."""

    def make(username: str | None = None, *, locked: bool = False, **fields) -> Account:
        account = make_account(username, **fields)
        if locked:
            do_update_profile(account, acting_user=account, locked=True)
        return account

    return make


def counts(account: Account) -> tuple[int, int]:
    account.refresh_from_db()
    return account.followers_count, account.following_count


def actions_recorded() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_following_a_locked_account_asks_instead_of_following(locked, bob, run_on_commit):
    with run_on_commit():
        assert do_follow(locked, acting_user=bob) is True
    assert not Follow.objects.filter(follower=bob, followee=locked).exists()
    assert FollowRequest.objects.filter(requester=bob, target=locked).exists()
    assert counts(locked) == (0, 0)
    assert counts(bob) == (0, 0)
    note = Notification.objects.get(recipient=locked)
    assert (note.kind, note.actor_id) == ("follow_request", bob.id)
    assert actions_recorded()[-1] == "account.follow_request"
    rel = relationship(viewer(bob), locked)
    assert (rel.following, rel.requested) == (False, True)
    assert relationship(viewer(locked), bob).requested_by is True


def test_asking_twice_changes_nothing(locked, bob, run_on_commit):
    with run_on_commit():
        do_follow(locked, acting_user=bob)
        before = AuditEvent.objects.count()
        assert do_follow(locked, acting_user=bob) is False
    assert FollowRequest.objects.count() == 1
    assert Notification.objects.filter(recipient=locked).count() == 1
    assert AuditEvent.objects.count() == before


def test_a_followers_only_post_stays_hidden_from_a_requester_until_authorized(
    locked, bob, make_post, run_on_commit
):
    secret = make_post(locked, "for my followers", visibility="followers")
    with run_on_commit():
        do_follow(locked, acting_user=bob)
    assert not can_view_post(viewer(bob), secret)
    assert secret.id not in [p.id for p in home_timeline(viewer(bob), Cursor())]
    assert not HomeEntry.objects.filter(owner=bob, post=secret).exists()

    with run_on_commit():
        do_authorize_follow_request(bob, acting_user=locked)
    assert can_view_post(viewer(bob), secret)
    assert secret.id in [p.id for p in home_timeline(viewer(bob), Cursor())]


def test_authorizing_makes_the_follow_and_tells_the_account_it_has_a_follower(
    locked, bob, run_on_commit
):
    with run_on_commit():
        do_follow(locked, acting_user=bob)
    with run_on_commit():
        assert do_authorize_follow_request(bob, acting_user=locked) is True
    assert Follow.objects.filter(follower=bob, followee=locked).exists()
    assert not FollowRequest.objects.exists()
    assert counts(locked) == (1, 0)
    assert counts(bob) == (0, 1)
    kinds = list(Notification.objects.filter(recipient=locked).values_list("kind", "actor_id"))
    assert kinds == [("follow", bob.id)]  # the request's own notification is gone with it
    event = AuditEvent.objects.order_by("seq").last()
    assert (event.action, event.actor_id, event.subject_id) == (
        "account.follow_request.authorize",
        locked.id,
        str(bob.id),
    )
    assert relationship(viewer(bob), locked).following is True


def test_rejecting_leaves_no_follow_and_no_request(locked, bob, make_post, run_on_commit):
    secret = make_post(locked, "still private", visibility="followers")
    with run_on_commit():
        do_follow(locked, acting_user=bob)
    do_reject_follow_request(bob, acting_user=locked)
    assert not Follow.objects.exists()
    assert not FollowRequest.objects.exists()
    assert not Notification.objects.filter(recipient=locked).exists()
    assert counts(locked) == (0, 0)
    assert not can_view_post(viewer(bob), secret)
    assert actions_recorded()[-1] == "account.follow_request.reject"
    assert relationship(viewer(bob), locked).requested is False


def test_unfollowing_withdraws_a_pending_request(locked, bob, run_on_commit):
    with run_on_commit():
        do_follow(locked, acting_user=bob)
    assert do_unfollow(locked, acting_user=bob) is True
    assert not FollowRequest.objects.exists()
    assert not Notification.objects.filter(recipient=locked).exists()
    assert actions_recorded()[-1] == "account.follow_request.withdraw"
    assert do_unfollow(locked, acting_user=bob) is False


@pytest.mark.parametrize("answer", [do_authorize_follow_request, do_reject_follow_request])
def test_answering_a_request_that_was_never_made_is_not_found(answer, locked, bob):
    before = AuditEvent.objects.count()
    with pytest.raises(NotFound, match="has not asked to follow you"):
        answer(bob, acting_user=locked)
    assert not Follow.objects.exists()
    assert AuditEvent.objects.count() == before


def test_only_the_locked_account_can_authorize_requests_to_it(locked, bob, carol):
    do_follow(locked, acting_user=bob)
    with pytest.raises(NotFound):
        do_authorize_follow_request(bob, acting_user=carol)
    assert not Follow.objects.exists()
    assert FollowRequest.objects.filter(requester=bob, target=locked).exists()


def test_blocking_the_requester_removes_the_request(locked, bob, run_on_commit):
    with run_on_commit():
        do_follow(locked, acting_user=bob)
    do_block(bob, acting_user=locked)
    assert not FollowRequest.objects.exists()
    assert not Notification.objects.filter(recipient=locked, kind="follow_request").exists()


def test_blocking_a_locked_account_withdraws_ones_own_request(locked, bob):
    do_follow(locked, acting_user=bob)
    do_block(locked, acting_user=bob)
    assert not FollowRequest.objects.exists()


def test_unlocking_accepts_every_pending_request(locked, bob, carol, run_on_commit):
    with run_on_commit():
        do_follow(locked, acting_user=bob)
        do_follow(locked, acting_user=carol)
    with run_on_commit():
        do_update_profile(locked, acting_user=locked, locked=False)
    assert set(Follow.objects.filter(followee=locked).values_list("follower", flat=True)) == {
        bob.id,
        carol.id,
    }
    assert not FollowRequest.objects.exists()
    assert counts(locked) == (2, 0)
    assert actions_recorded()[-3:] == [
        "account.update_profile",
        "account.follow_request.authorize",
        "account.follow_request.authorize",
    ]


def test_locking_keeps_existing_followers(make_account, alice, bob, make_post):
    do_follow(alice, acting_user=bob)
    do_update_profile(alice, acting_user=alice, locked=True)
    secret = make_post(alice, "locked now", visibility="followers")
    assert can_view_post(viewer(bob), secret)
    assert do_follow(alice, acting_user=bob) is False
    assert not FollowRequest.objects.exists()
