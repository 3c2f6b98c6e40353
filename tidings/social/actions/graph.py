"""Following (and asking to follow locked accounts), blocking and muting.

A locked account is followed only through a ``FollowRequest`` that it
authorizes; until then the requester holds no ``Follow`` and so sees nothing
that is for followers only. Blocking either way drops requests both ways.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput, NotFound
from tidings.social.fanout import backfill_home, remove_author_from_home
from tidings.social.models import (
    Account,
    Block,
    Follow,
    FollowRequest,
    Mute,
    Notification,
    NotificationKind,
)
from tidings.social.notify import notify


def _not_self(target: Account, acting_user: Account, verb: str) -> None:
    if target.id == acting_user.id:
        raise InvalidInput(f"You cannot {verb} yourself.")


@transaction.atomic
def do_follow(target: Account, *, acting_user: Account) -> bool:
    """Follow ``target``, or ask to if it is locked; False if nothing changed. Refused across a block.

    A locked account gets a ``follow_request`` notification and no ``Follow`` exists until it
    authorizes; an existing follow stays a follow when the account locks later.
    """
    _not_self(target, acting_user, "follow")
    if Block.objects.filter(blocker=target, blocked=acting_user).exists():
        raise InvalidInput(f"@{target.username} has blocked you.")
    if Block.objects.filter(blocker=acting_user, blocked=target).exists():
        raise InvalidInput(f"You have blocked @{target.username}; unblock them first.")
    if Follow.objects.filter(follower=acting_user, followee=target).exists():
        return False
    # "locked" is read under the row lock that unlocking takes, so no request is left behind.
    if _lock_accounts(acting_user, target)[target.id]:
        return _request_follow(target, acting_user)
    if not _make_follow(acting_user, target):
        return False  # followed meanwhile by a simultaneous request (we waited on its lock)
    notify(NotificationKind.FOLLOW, recipient_ids=[target.id], actor_id=acting_user.id)
    record_event(
        "account.follow", actor_id=acting_user.id, subject_type="account", subject_id=target.id
    )
    return True


def _lock_accounts(*accounts: Account) -> dict[int, bool]:
    """Row-lock the accounts whose counters will change, in id order; their ``locked`` flags.

    Both sides of a follow are locked before either counter moves, always lowest id first,
    so two people following each other at once wait instead of deadlocking.
    """
    rows = (
        Account.objects.select_for_update()
        .filter(id__in=[a.id for a in accounts])
        .order_by("id")
        .values_list("id", "locked")
    )
    return dict(rows)


def _request_follow(target: Account, acting_user: Account) -> bool:
    _, created = FollowRequest.objects.get_or_create(requester=acting_user, target=target)
    if not created:
        return False
    notify(NotificationKind.FOLLOW_REQUEST, recipient_ids=[target.id], actor_id=acting_user.id)
    record_event(
        "account.follow_request",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=target.id,
    )
    return True


def _make_follow(follower: Account, followee: Account) -> bool:
    """The Follow row, both counters and the home backfill (after commit); False if it existed."""
    _, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    if not created:
        return False
    Account.objects.filter(id=follower.id).update(following_count=F("following_count") + 1)
    Account.objects.filter(id=followee.id).update(followers_count=F("followers_count") + 1)
    follower_id, author_id = follower.id, followee.id
    backfill_home(follower_id, author_id)
    return True


def _drop_request(requester: Account, target: Account) -> bool:
    """Delete a pending request and the notification that announced it."""
    deleted, _ = FollowRequest.objects.filter(requester=requester, target=target).delete()
    if deleted:
        Notification.objects.filter(
            recipient=target, actor=requester, kind=NotificationKind.FOLLOW_REQUEST
        ).delete()
    return bool(deleted)


def _take_request(requester: Account, target: Account) -> None:
    """Remove the pending request of ``requester`` to ``target``, or ``NotFound``."""
    if not _drop_request(requester, target):
        raise NotFound(f"@{requester.username} has not asked to follow you.")


@transaction.atomic
def do_authorize_follow_request(requester: Account, *, acting_user: Account) -> bool:
    """Accept ``requester``'s request to follow ``acting_user``: the Follow is made now.

    As Mastodon does, ``acting_user`` then gets a ``follow`` notification from the requester,
    and the requester's home timeline receives ``acting_user``'s recent posts.
    """
    _lock_accounts(requester, acting_user)
    _take_request(requester, acting_user)
    _accept(requester, acting_user, actor=acting_user)
    return True


def _accept(requester: Account, target: Account, *, actor: Account) -> None:
    if _make_follow(requester, target):
        notify(NotificationKind.FOLLOW, recipient_ids=[target.id], actor_id=requester.id)
    record_event(
        "account.follow_request.authorize",
        actor_id=actor.id,
        subject_type="account",
        subject_id=requester.id,
        data={"target": target.id},
    )


def authorize_all_follow_requests(target: Account, *, acting_user: Account) -> int:
    """Accept every pending request to ``target`` (it just unlocked); inside the caller's action."""
    pending = list(
        FollowRequest.objects.filter(target=target).select_related("requester").order_by("id")
    )
    for request in pending:
        _drop_request(request.requester, target)
        _accept(request.requester, target, actor=acting_user)
    return len(pending)


@transaction.atomic
def do_reject_follow_request(requester: Account, *, acting_user: Account) -> bool:
    """Refuse ``requester``'s request to follow ``acting_user``; the requester is not told."""
    _take_request(requester, acting_user)
    record_event(
        "account.follow_request.reject",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=requester.id,
    )
    return True


def _drop_follow(follower: Account, followee: Account) -> bool:
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    if not deleted:
        return False
    Account.objects.filter(id=follower.id, following_count__gt=0).update(
        following_count=F("following_count") - 1
    )
    Account.objects.filter(id=followee.id, followers_count__gt=0).update(
        followers_count=F("followers_count") - 1
    )
    remove_author_from_home(follower.id, followee.id)
    return True


@transaction.atomic
def do_unfollow(target: Account, *, acting_user: Account) -> bool:
    """Stop following ``target`` (its posts leave the home timeline), or withdraw a pending request.

    Idempotent: False when there was neither.
    """
    if _drop_request(acting_user, target):
        record_event(
            "account.follow_request.withdraw",
            actor_id=acting_user.id,
            subject_type="account",
            subject_id=target.id,
        )
        return True
    if not _drop_follow(acting_user, target):
        return False
    record_event(
        "account.unfollow", actor_id=acting_user.id, subject_type="account", subject_id=target.id
    )
    return True


@transaction.atomic
def do_block(target: Account, *, acting_user: Account) -> bool:
    """Block ``target``: follows and follow requests both ways end; neither sees the other in lists."""
    _not_self(target, acting_user, "block")
    _, created = Block.objects.get_or_create(blocker=acting_user, blocked=target)
    if created:
        _drop_follow(acting_user, target)
        _drop_follow(target, acting_user)
        _drop_request(acting_user, target)
        _drop_request(target, acting_user)
        record_event(
            "account.block", actor_id=acting_user.id, subject_type="account", subject_id=target.id
        )
    return created


@transaction.atomic
def do_unblock(target: Account, *, acting_user: Account) -> bool:
    deleted, _ = Block.objects.filter(blocker=acting_user, blocked=target).delete()
    if deleted:
        record_event(
            "account.unblock", actor_id=acting_user.id, subject_type="account", subject_id=target.id
        )
    return bool(deleted)


@transaction.atomic
def do_mute(target: Account, *, acting_user: Account) -> bool:
    """Mute ``target``: its posts and notifications leave the viewer's lists; nothing else changes."""
    _not_self(target, acting_user, "mute")
    _, created = Mute.objects.get_or_create(muter=acting_user, muted=target)
    if created:
        record_event(
            "account.mute", actor_id=acting_user.id, subject_type="account", subject_id=target.id
        )
    return created


@transaction.atomic
def do_unmute(target: Account, *, acting_user: Account) -> bool:
    deleted, _ = Mute.objects.filter(muter=acting_user, muted=target).delete()
    if deleted:
        record_event(
            "account.unmute", actor_id=acting_user.id, subject_type="account", subject_id=target.id
        )
    return bool(deleted)
