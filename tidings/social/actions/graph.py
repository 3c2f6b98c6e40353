"""Following, blocking and muting."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput
from tidings.social.fanout import backfill_home, remove_author_from_home
from tidings.social.models import Account, Block, Follow, Mute, NotificationKind
from tidings.social.notify import notify


def _not_self(target: Account, acting_user: Account, verb: str) -> None:
    if target.id == acting_user.id:
        raise InvalidInput(f"You cannot {verb} yourself.")


@transaction.atomic
def do_follow(target: Account, *, acting_user: Account) -> bool:
    """Follow ``target``; returns False if already following. Refused across a block."""
    _not_self(target, acting_user, "follow")
    if Block.objects.filter(blocker=target, blocked=acting_user).exists():
        raise InvalidInput(f"@{target.username} has blocked you.")
    if Block.objects.filter(blocker=acting_user, blocked=target).exists():
        raise InvalidInput(f"You have blocked @{target.username}; unblock them first.")
    _, created = Follow.objects.get_or_create(follower=acting_user, followee=target)
    if not created:
        return False
    Account.objects.filter(id=acting_user.id).update(following_count=F("following_count") + 1)
    Account.objects.filter(id=target.id).update(followers_count=F("followers_count") + 1)
    notify(NotificationKind.FOLLOW, recipient_ids=[target.id], actor_id=acting_user.id)
    record_event(
        "account.follow", actor_id=acting_user.id, subject_type="account", subject_id=target.id
    )
    backfill_home(acting_user.id, target.id)
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
    """Stop following ``target``; its posts leave the home timeline. Idempotent."""
    if not _drop_follow(acting_user, target):
        return False
    record_event(
        "account.unfollow", actor_id=acting_user.id, subject_type="account", subject_id=target.id
    )
    return True


@transaction.atomic
def do_block(target: Account, *, acting_user: Account) -> bool:
    """Block ``target``: follows both ways end and neither sees the other in lists."""
    _not_self(target, acting_user, "block")
    _, created = Block.objects.get_or_create(blocker=acting_user, blocked=target)
    if created:
        _drop_follow(acting_user, target)
        _drop_follow(target, acting_user)
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
