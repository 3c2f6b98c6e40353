"""Bookmarks, lists of accounts and pinned posts: each an account's own arrangement, audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.models import Account, Follow, Post, Visibility
from tidings.social.models_lists import (
    LIST_MEMBERS_MAX,
    LIST_TITLE_MAX_LENGTH,
    LISTS_PER_ACCOUNT,
    PINS_PER_ACCOUNT,
    AccountList,
    Bookmark,
    ListMember,
    Pin,
    RepliesPolicy,
)

__all__ = [
    "do_add_list_accounts",
    "do_bookmark",
    "do_create_list",
    "do_delete_list",
    "do_pin",
    "do_remove_list_accounts",
    "do_unbookmark",
    "do_unpin",
    "do_update_list",
]


def check_short_text(text: object, *, what: str, limit: int) -> str:
    """Stripped one-line ``text``; refuses non-text, NUL, lone surrogates, blank and over-long."""
    if not isinstance(text, str):
        raise InvalidInput(f"Validation failed: {what} must be text")
    if "\x00" in text:
        raise InvalidInput(f"Validation failed: {what} contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"Validation failed: {what} is not valid Unicode text") from None
    text = text.strip()
    if not text:
        raise InvalidInput(f"Validation failed: {what} can't be blank")
    if len(text) > limit:
        raise InvalidInput(
            f"Validation failed: {what} is too long ({len(text):,} characters; at most {limit})"
        )
    return text


def _original(post: Post) -> Post:
    return post.repost_of if post.repost_of_id is not None else post


# -- bookmarks ------------------------------------------------------------------


@transaction.atomic
def do_bookmark(post: Post, *, acting_user: Account) -> Post:
    """Bookmark ``post`` (or what it reposts); idempotent. Returns the post bookmarked."""
    original = _original(post)
    try:
        with transaction.atomic():
            Bookmark.objects.create(account=acting_user, post=original)
    except IntegrityError:
        return original
    record_event(
        "post.bookmark", actor_id=acting_user.id, subject_type="post", subject_id=original.id
    )
    return original


@transaction.atomic
def do_unbookmark(post: Post, *, acting_user: Account) -> Post:
    original = _original(post)
    deleted, _ = Bookmark.objects.filter(account=acting_user, post=original).delete()
    if deleted:
        record_event(
            "post.unbookmark", actor_id=acting_user.id, subject_type="post", subject_id=original.id
        )
    return original


# -- pinned posts -----------------------------------------------------------------


@transaction.atomic
def do_pin(post: Post, *, acting_user: Account) -> Post:
    """Pin one of ``acting_user``'s own public or unlisted posts; idempotent, at most five."""
    if post.author_id != acting_user.id or post.repost_of_id is not None:
        raise InvalidInput("Validation failed: You can only pin your own posts")
    if post.visibility not in (Visibility.PUBLIC, Visibility.UNLISTED):
        raise InvalidInput("Validation failed: A followers-only post cannot be pinned")
    # Lock the account row: two pins at once cannot both slip under the limit.
    Account.objects.select_for_update().filter(id=acting_user.id).first()
    pins = Pin.objects.filter(account=acting_user)
    if pins.filter(post=post).exists():
        return post
    if pins.count() >= PINS_PER_ACCOUNT:
        raise InvalidInput(
            f"Validation failed: You can pin at most {PINS_PER_ACCOUNT} posts; unpin one first"
        )
    Pin.objects.create(account=acting_user, post=post)
    record_event("post.pin", actor_id=acting_user.id, subject_type="post", subject_id=post.id)
    return post


@transaction.atomic
def do_unpin(post: Post, *, acting_user: Account) -> Post:
    deleted, _ = Pin.objects.filter(account=acting_user, post=post).delete()
    if deleted:
        record_event("post.unpin", actor_id=acting_user.id, subject_type="post", subject_id=post.id)
    return post


# -- lists ------------------------------------------------------------------------


def check_replies_policy(value: object) -> str:
    if value not in RepliesPolicy.values:
        shown = str(value)[:20].replace("\x00", "")
        raise InvalidInput(
            f"Validation failed: Replies policy {shown!r} is not one of "
            f"{', '.join(RepliesPolicy.values)}"
        )
    return str(value)


@transaction.atomic
def do_create_list(
    title: str,
    *,
    replies_policy: str = RepliesPolicy.LIST,
    exclusive: bool = False,
    acting_user: Account,
) -> AccountList:
    title = check_short_text(title, what="Title", limit=LIST_TITLE_MAX_LENGTH)
    replies_policy = check_replies_policy(replies_policy)
    Account.objects.select_for_update().filter(id=acting_user.id).first()
    if AccountList.objects.filter(owner=acting_user).count() >= LISTS_PER_ACCOUNT:
        raise InvalidInput(f"Validation failed: You can have at most {LISTS_PER_ACCOUNT} lists")
    made = AccountList.objects.create(
        owner=acting_user, title=title, replies_policy=replies_policy, exclusive=exclusive
    )
    record_event(
        "list.create",
        actor_id=acting_user.id,
        subject_type="list",
        subject_id=made.id,
        data={"title": title, "replies_policy": replies_policy, "exclusive": exclusive},
    )
    return made


def _own(account_list: AccountList, acting_user: Account) -> None:
    if account_list.owner_id != acting_user.id:
        raise NotPermitted("Only the owner of a list can change it.")


@transaction.atomic
def do_update_list(
    account_list: AccountList,
    *,
    title: str | None = None,
    replies_policy: str | None = None,
    exclusive: bool | None = None,
    acting_user: Account,
) -> AccountList:
    _own(account_list, acting_user)
    changes: dict[str, object] = {}
    if title is not None:
        changes["title"] = check_short_text(title, what="Title", limit=LIST_TITLE_MAX_LENGTH)
    if replies_policy is not None:
        changes["replies_policy"] = check_replies_policy(replies_policy)
    if exclusive is not None:
        changes["exclusive"] = bool(exclusive)
    for name, value in changes.items():
        setattr(account_list, name, value)
    if changes:
        account_list.save(update_fields=list(changes))
        record_event(
            "list.update",
            actor_id=acting_user.id,
            subject_type="list",
            subject_id=account_list.id,
            data=changes,
        )
    return account_list


@transaction.atomic
def do_delete_list(account_list: AccountList, *, acting_user: Account) -> None:
    _own(account_list, acting_user)
    record_event(
        "list.delete",
        actor_id=acting_user.id,
        subject_type="list",
        subject_id=account_list.id,
        data={"title": account_list.title},
    )
    account_list.delete()


@transaction.atomic
def do_add_list_accounts(
    account_list: AccountList, accounts: Sequence[Account], *, acting_user: Account
) -> None:
    """Add accounts ``acting_user`` follows to its list (as Mastodon: only followed accounts)."""
    _own(account_list, acting_user)
    ids = list(dict.fromkeys(a.id for a in accounts))
    followed = set(
        Follow.objects.filter(follower=acting_user, followee_id__in=ids).values_list(
            "followee_id", flat=True
        )
    )
    if set(ids) - followed:
        raise InvalidInput("Validation failed: You can only add accounts you follow to a list")
    AccountList.objects.select_for_update().filter(id=account_list.id).first()
    present = set(
        ListMember.objects.filter(list=account_list, account_id__in=ids).values_list(
            "account_id", flat=True
        )
    )
    new = [i for i in ids if i not in present]
    if not new:
        return
    if ListMember.objects.filter(list=account_list).count() + len(new) > LIST_MEMBERS_MAX:
        raise InvalidInput(f"Validation failed: A list holds at most {LIST_MEMBERS_MAX} accounts")
    ListMember.objects.bulk_create([ListMember(list=account_list, account_id=i) for i in new])
    record_event(
        "list.add_accounts",
        actor_id=acting_user.id,
        subject_type="list",
        subject_id=account_list.id,
        data={"accounts": new},
    )


@transaction.atomic
def do_remove_list_accounts(
    account_list: AccountList, account_ids: Sequence[int], *, acting_user: Account
) -> None:
    _own(account_list, acting_user)
    ids = list(dict.fromkeys(account_ids))
    deleted, _ = ListMember.objects.filter(list=account_list, account_id__in=ids).delete()
    if deleted:
        record_event(
            "list.remove_accounts",
            actor_id=acting_user.id,
            subject_type="list",
            subject_id=account_list.id,
            data={"accounts": ids},
        )
