"""An owner deleting their own account: its content goes, its legal record stays."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.actions.posts import do_delete_post
from tidings.social.models import (
    Account,
    Block,
    Favourite,
    Follow,
    FollowRequest,
    HomeEntry,
    Marker,
    Mute,
    Notification,
    Post,
)
from tidings.social.models_accountdel import AccountDeletion
from tidings.tasks import task


@task()
def remove_avatar_file(name: str) -> None:
    """Remove a deleted account's avatar from storage; removing a missing file changes nothing."""
    if name and default_storage.exists(name):
        default_storage.delete(name)


def _delete_posts(account: Account) -> tuple[int, int]:
    """Every post of ``account`` goes as its author's delete does: (deleted, kept as tombstones)."""
    deleted = tombstoned = 0
    # Reposts first: a repost left behind would keep its original "legally referenced".
    posts = Post.objects.filter(author=account, deleted_at__isnull=True).order_by(
        F("repost_of_id").asc(nulls_last=True), "id"
    )
    for post in list(posts):
        do_delete_post(post, acting_user=account)
        if Post.objects.filter(id=post.id, deleted_at__isnull=False).exists():
            tombstoned += 1
        else:
            deleted += 1
    return deleted, tombstoned


def _drop_relationships(account: Account) -> dict[str, int]:
    """Favourites, follows, requests, mutes and blocks, both ways, with the counters they moved."""
    favourited = list(Favourite.objects.filter(account=account).values_list("post_id", flat=True))
    Post.objects.filter(id__in=favourited, favourites_count__gt=0).update(
        favourites_count=F("favourites_count") - 1
    )
    Favourite.objects.filter(account=account).delete()
    followees = list(Follow.objects.filter(follower=account).values_list("followee_id", flat=True))
    followers = list(Follow.objects.filter(followee=account).values_list("follower_id", flat=True))
    Account.objects.filter(id__in=followees, followers_count__gt=0).update(
        followers_count=F("followers_count") - 1
    )
    Account.objects.filter(id__in=followers, following_count__gt=0).update(
        following_count=F("following_count") - 1
    )
    Follow.objects.filter(Q(follower=account) | Q(followee=account)).delete()
    HomeEntry.objects.filter(Q(owner=account) | Q(author=account)).delete()
    FollowRequest.objects.filter(Q(requester=account) | Q(target=account)).delete()
    Mute.objects.filter(Q(muter=account) | Q(muted=account)).delete()
    Block.objects.filter(Q(blocker=account) | Q(blocked=account)).delete()
    Notification.objects.filter(Q(recipient=account) | Q(actor=account)).delete()
    Marker.objects.filter(account=account).delete()
    return {"favourites": len(favourited), "following": len(followees), "followers": len(followers)}


def _revoke_tokens(account: Account) -> int:
    from oauth2_provider.models import AccessToken, Grant, RefreshToken

    tokens, _ = AccessToken.objects.filter(user=account).delete()
    RefreshToken.objects.filter(user=account).delete()
    Grant.objects.filter(user=account).delete()
    return tokens


@transaction.atomic
def do_delete_own_account(*, acting_user: Account, password: str) -> AccountDeletion:
    """Delete ``acting_user``'s account, confirmed by its password; only its owner can.

    Every post goes as when its author deletes it (one ``post.delete`` event
    each): a post a legal record points at stays a tombstone, its text kept
    under a legal hold where the demand's jurisdiction requires it.
    Favourites, reposts, follows, requests, mutes, blocks, notifications,
    markers and tokens are removed; the profile is blanked and the avatar file
    removed after commit (a queued task). The ``Account`` row stays, so legal
    records keep pointing at it and the handle stays reserved; it can no
    longer sign in and its profile answers 410 Gone. A wrong password changes
    nothing. A withheld account can delete itself like any other.
    """
    account = Account.objects.select_for_update().get(id=acting_user.id)
    if AccountDeletion.objects.filter(account=account).exists():
        raise InvalidInput("This account is already deleted.")
    if not isinstance(password, str) or not password or "\x00" in password:
        raise NotPermitted("Enter your password to delete your account.")
    if not account.check_password(password):
        raise NotPermitted("That password is not right; your account was not deleted.")
    deleted, tombstoned = _delete_posts(account)
    relationships = _drop_relationships(account)
    tokens = _revoke_tokens(account)
    avatar = account.avatar.name if account.avatar else ""
    now = timezone.now()
    account.display_name = account.bio = account.country = account.email = ""
    account.avatar = ""
    account.locked = False
    account.is_active = False
    account.suspended_at = now
    account.set_unusable_password()  # also ends every signed-in session (its hash changes)
    account.followers_count = account.following_count = account.posts_count = 0
    account.save()
    deletion = AccountDeletion.objects.create(
        account=account,
        handle=account.username,
        deleted_at=now,
        posts_deleted=deleted,
        posts_tombstoned=tombstoned,
    )
    if avatar:
        remove_avatar_file.enqueue(avatar)
    record_event(
        "account.delete",
        actor_id=account.id,
        subject_type="account",
        subject_id=account.id,
        data={
            "username": account.username,
            "posts_deleted": deleted,
            "posts_tombstoned": tombstoned,
            "tokens_revoked": tokens,
            **relationships,
        },
    )
    return deletion
