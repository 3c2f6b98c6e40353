"""Who may see a post or an account, as a check on one object and as a queryset filter.

The rules, each written once per form below:

- ``account_is_live``: a suspended account and everything it wrote is hidden.
- ``not_blocked``: an author who blocks the viewer is hidden from the viewer;
  in lists, blocks hide in both directions, and mutes hide too.
- ``privacy_allows``: public and unlisted posts are for everyone; a
  followers-only post is for its author, the author's followers and the
  accounts it mentions.
- ``listing_allows``: public and hashtag timelines and search list only
  public posts (unlisted ones are reachable but not listed).
- a repost is visible only when the post it reposts is.
"""

from __future__ import annotations

from enum import Enum

from django.db.models import Exists, OuterRef, Q, QuerySet

from tidings.lib.errors import NotFound
from tidings.social.models import Account, Follow, Mention, Notification, Post, Visibility
from tidings.visibility.viewer import Viewer


class Listing(Enum):
    """Which kind of list a queryset is for; it decides whether unlisted posts and mutes count."""

    DIRECT = "direct"  # a thread, a profile: every post the viewer may see
    HOME = "home"  # the viewer's own home timeline: mutes hide
    PUBLIC = "public"  # public and hashtag timelines, search, trends: only public posts


# -- one object -------------------------------------------------------------


def can_view_account(viewer: Viewer, account: Account) -> bool:
    if account.is_suspended:
        return False
    return account.id not in viewer.blocked_by_ids


def _privacy_allows(viewer: Viewer, post: Post) -> bool:
    if post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        return True
    if viewer.account_id is None:
        return False
    if post.author_id == viewer.account_id:
        return True
    return (
        Follow.objects.filter(follower_id=viewer.account_id, followee_id=post.author_id).exists()
        or Mention.objects.filter(post_id=post.id, account_id=viewer.account_id).exists()
    )


def can_view_post(viewer: Viewer, post: Post) -> bool:
    """Whether ``viewer`` may see ``post`` when it is fetched directly."""
    if not can_view_account(viewer, post.author):
        return False
    if not _privacy_allows(viewer, post):
        return False
    if post.repost_of_id is not None:
        return can_view_post(viewer, post.repost_of)
    return True


def access_post(viewer: Viewer, post_id: int | str) -> Post:
    """The post with ``post_id`` if ``viewer`` may see it; else ``NotFound`` (never a hint it exists)."""
    try:
        post = Post.objects.select_related("author", "repost_of", "repost_of__author").get(
            id=int(post_id)
        )
    except (Post.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("That post does not exist or is not visible to you.") from None
    if not can_view_post(viewer, post):
        raise NotFound("That post does not exist or is not visible to you.")
    return post


def access_account(viewer: Viewer, handle_or_id: str | int, *, by_id: bool = False) -> Account:
    """The account by handle (case-insensitive) or id if ``viewer`` may see it; else ``NotFound``."""
    try:
        if by_id:
            account = Account.objects.get(id=int(handle_or_id))
        else:
            account = Account.objects.get(username__iexact=str(handle_or_id).lstrip("@"))
    except (Account.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(f"There is no account {_shown(handle_or_id, by_id)}.") from None
    if not can_view_account(viewer, account):
        raise NotFound(f"There is no account {_shown(handle_or_id, by_id)}.")
    return account


def _shown(handle_or_id: str | int, by_id: bool) -> str:
    return f"with id {handle_or_id}" if by_id else f"@{str(handle_or_id).lstrip('@')[:30]}"


# -- querysets ----------------------------------------------------------------


def _privacy_q(viewer: Viewer, prefix: str = "") -> Q:
    open_to_all = Q(**{f"{prefix}visibility__in": [Visibility.PUBLIC, Visibility.UNLISTED]})
    if viewer.account_id is None:
        return open_to_all
    me = viewer.account_id
    follows_author = Exists(
        Follow.objects.filter(follower_id=me, followee_id=OuterRef(f"{prefix}author_id"))
    )
    mentioned = Exists(Mention.objects.filter(post_id=OuterRef(f"{prefix}id"), account_id=me))
    return open_to_all | Q(**{f"{prefix}author_id": me}) | follows_author | mentioned


def visible_posts(queryset: QuerySet[Post], viewer: Viewer, listing: Listing) -> QuerySet[Post]:
    """``queryset`` narrowed to what ``viewer`` may see in a list of kind ``listing``."""
    hidden = viewer.hidden_author_ids(include_mutes=listing is not Listing.DIRECT)
    queryset = queryset.filter(author__suspended_at__isnull=True)
    if hidden:
        queryset = queryset.exclude(author_id__in=hidden)
    if listing is Listing.PUBLIC:
        queryset = queryset.filter(visibility=Visibility.PUBLIC)
    else:
        queryset = queryset.filter(_privacy_q(viewer))
    # A repost is only as visible as what it reposts.
    original_ok = Q(repost_of__author__suspended_at__isnull=True) & _privacy_q(
        viewer, "repost_of__"
    )
    if hidden:
        original_ok &= ~Q(repost_of__author_id__in=hidden)
    return queryset.filter(Q(repost_of__isnull=True) | original_ok)


def visible_accounts(queryset: QuerySet[Account], viewer: Viewer) -> QuerySet[Account]:
    queryset = queryset.filter(suspended_at__isnull=True)
    if viewer.blocked_by_ids:
        queryset = queryset.exclude(id__in=viewer.blocked_by_ids)
    return queryset


def visible_notifications(
    queryset: QuerySet[Notification], viewer: Viewer
) -> QuerySet[Notification]:
    """Notifications whose actor and post the viewer may still see; mutes and blocks hide them."""
    hidden = viewer.hidden_author_ids(include_mutes=True)
    queryset = queryset.filter(actor__suspended_at__isnull=True)
    if hidden:
        queryset = queryset.exclude(actor_id__in=hidden)
    return queryset.filter(Q(post__isnull=True) | Q(post__author__suspended_at__isnull=True))
