"""Reads of what an account keeps for itself: its bookmarks, lists, pinned posts and filters.

Every post and account comes through ``tidings.visibility``; a list or filter
is its owner's alone, so another account asking for it gets a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tidings.lib.errors import NotFound
from tidings.social.models import Account, Follow, Post
from tidings.social.models_lists import (
    AccountList,
    Bookmark,
    Filter,
    FilterKeyword,
    FilterStatus,
    ListMember,
    Pin,
    RepliesPolicy,
)
from tidings.social.queries import POST_RELATED, Cursor, _page_via_ids, page_by_cursor
from tidings.visibility import Listing, Viewer, visible_accounts, visible_posts


def _as_id(value: object) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < 2**63 else None


def access_list(viewer: Viewer, list_id: object) -> AccountList:
    """The viewer's own list with ``list_id``; anyone else's (or none) is ``NotFound``."""
    found = AccountList.objects.filter(id=_as_id(list_id), owner_id=viewer.account_id).first()
    if found is None or viewer.account_id is None:
        raise NotFound("Record not found")
    return found


def access_filter(viewer: Viewer, filter_id: object) -> Filter:
    found = Filter.objects.filter(id=_as_id(filter_id), account_id=viewer.account_id).first()
    if found is None or viewer.account_id is None:
        raise NotFound("Record not found")
    return found


def access_filter_keyword(viewer: Viewer, keyword_id: object) -> FilterKeyword:
    found = (
        FilterKeyword.objects.select_related("filter")
        .filter(id=_as_id(keyword_id), filter__account_id=viewer.account_id)
        .first()
    )
    if found is None or viewer.account_id is None:
        raise NotFound("Record not found")
    return found


def access_filter_status(viewer: Viewer, status_id: object) -> FilterStatus:
    found = (
        FilterStatus.objects.select_related("filter")
        .filter(id=_as_id(status_id), filter__account_id=viewer.account_id)
        .first()
    )
    if found is None or viewer.account_id is None:
        raise NotFound("Record not found")
    return found


# -- bookmarks -------------------------------------------------------------------


def bookmarks(viewer: Viewer, cursor: Cursor) -> tuple[list[Post], list[int]]:
    """The viewer's bookmarked posts it may still see, newest bookmark first, and the bookmark
    ids of the page (its cursor). The rule is in the SQL, so pages have no gaps."""
    assert viewer.account_id is not None
    shown = visible_posts(Post.objects.all(), viewer, Listing.DIRECT)
    rows = page_by_cursor(
        Bookmark.objects.filter(account_id=viewer.account_id, post__in=shown).select_related(
            *(f"post__{r}" for r in POST_RELATED)
        ),
        "id",
        cursor,
        cursor.limit,
    )
    return [row.post for row in rows], [row.id for row in rows]


# -- pinned posts ----------------------------------------------------------------


def pinned_posts(viewer: Viewer, account: Account) -> list[Post]:
    """``account``'s pinned posts that the viewer may see, most recently pinned first."""
    order = list(Pin.objects.filter(account=account).order_by("-id").values_list("post", flat=True))
    if not order:
        return []
    pinned = Post.objects.filter(id__in=order, author=account)
    found = {
        p.id: p for p in visible_posts(pinned, viewer, Listing.DIRECT).select_related(*POST_RELATED)
    }
    return [found[i] for i in order if i in found]


# -- lists -----------------------------------------------------------------------


def own_lists(viewer: Viewer) -> list[AccountList]:
    return list(AccountList.objects.filter(owner_id=viewer.account_id).order_by("title", "id"))


def lists_with(viewer: Viewer, account: Account) -> list[AccountList]:
    """The viewer's lists that ``account`` is a member of."""
    return list(
        AccountList.objects.filter(owner_id=viewer.account_id, members__account=account).order_by(
            "title", "id"
        )
    )


def _followed_members(account_list: AccountList) -> QuerySet[ListMember]:
    """Members the owner still follows: unfollowing someone takes them out of every list."""
    followed = Follow.objects.filter(follower_id=account_list.owner_id).values("followee_id")
    return ListMember.objects.filter(list=account_list, account_id__in=followed)


def list_members(
    viewer: Viewer, account_list: AccountList, cursor: Cursor
) -> tuple[list[Account], list[int]]:
    """The list's members the viewer may see, newest first, and their membership ids (the cursor)."""
    shown = visible_accounts(Account.objects.all(), viewer)
    rows = page_by_cursor(
        _followed_members(account_list).filter(account__in=shown).select_related("account"),
        "id",
        cursor,
        cursor.limit,
    )
    return [row.account for row in rows], [row.id for row in rows]


def list_timeline(viewer: Viewer, account_list: AccountList, cursor: Cursor) -> list[Post]:
    """Posts of the list's members, newest first, as the home timeline shows them (mutes hide)."""
    members = list(_followed_members(account_list).values_list("account_id", flat=True))
    if not members:
        return []
    posts = Post.objects.filter(author_id__in=members)
    no_reply = Q(in_reply_to_account__isnull=True)
    if account_list.replies_policy == RepliesPolicy.NONE:
        posts = posts.filter(no_reply)
    elif account_list.replies_policy == RepliesPolicy.LIST:
        posts = posts.filter(
            no_reply | Q(in_reply_to_account_id__in=[*members, account_list.owner_id])
        )
    else:
        followed = Follow.objects.filter(follower_id=account_list.owner_id).values("followee_id")
        posts = posts.filter(
            no_reply
            | Q(in_reply_to_account_id__in=followed)
            | Q(in_reply_to_account_id=account_list.owner_id)
        )
    return _page_via_ids(posts, "id", viewer, Listing.HOME, cursor)
