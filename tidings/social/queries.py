"""Reads: timelines, threads, lists of accounts. Every one goes through ``tidings.visibility``.

Pagination is by id cursor, as Mastodon's API does it: ``max_id`` (older
than), ``since_id`` (newer than, newest first) and ``min_id`` (immediately
newer than, oldest first, returned newest first). Never OFFSET.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet, Subquery
from django.db.models.functions import Coalesce

from tidings.social.home_trim import below_floor_posts, home_floor
from tidings.social.media_queries import media_by_post
from tidings.social.models import (
    Account,
    Block,
    Favourite,
    Follow,
    FollowRequest,
    Hashtag,
    HomeEntry,
    HomeFloor,
    MediaAttachment,
    Mute,
    Notification,
    Post,
    PostHashtag,
    Visibility,
)
from tidings.social.models_direct import Poll
from tidings.social.models_lists import Bookmark, Pin
from tidings.social.page_loader import posts_by_id
from tidings.visibility import (
    Listing,
    Viewer,
    filter_visible_posts,
    visible_accounts,
    visible_notifications,
    visible_posts,
)

MAX_LIMIT = 40
DEFAULT_LIMIT = 20
POST_RELATED = ("author", "repost_of", "repost_of__author", "in_reply_to_account")


@dataclass(frozen=True)
class Cursor:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = DEFAULT_LIMIT

    @classmethod
    def from_params(cls, params: dict, *, default_limit: int = DEFAULT_LIMIT) -> Cursor:
        """Read ``max_id``/``since_id``/``min_id``/``limit`` leniently: junk is ignored, limit is clamped."""

        def as_id(name: str) -> int | None:
            try:
                value = int(str(params.get(name, "")).strip())
            except ValueError:
                return None
            return value if 0 <= value < 2**63 else None

        try:
            limit = int(params.get("limit", default_limit))
        except (TypeError, ValueError):
            limit = default_limit
        return cls(
            as_id("max_id"), as_id("since_id"), as_id("min_id"), max(1, min(limit, MAX_LIMIT))
        )

    @property
    def ascending(self) -> bool:
        return self.min_id is not None


def page_by_cursor(queryset: QuerySet, field: str, cursor: Cursor, size: int) -> list:
    """Up to ``size`` rows of ``queryset`` under ``cursor`` by ``field``, newest first."""
    if cursor.max_id is not None:
        queryset = queryset.filter(**{f"{field}__lt": cursor.max_id})
    if cursor.since_id is not None:
        queryset = queryset.filter(**{f"{field}__gt": cursor.since_id})
    if cursor.min_id is not None:
        queryset = queryset.filter(**{f"{field}__gt": cursor.min_id})
        return list(reversed(queryset.order_by(field)[:size]))
    return list(queryset.order_by(f"-{field}")[:size])


def _posts_by_ids(ids: Sequence[int], viewer: Viewer, listing: Listing) -> list[Post]:
    if not ids:
        return []
    found = posts_by_id(ids, POST_RELATED)
    return filter_visible_posts([found[i] for i in ids if i in found], viewer, listing)


def _page_via_ids(
    id_queryset: QuerySet, field: str, viewer: Viewer, listing: Listing, cursor: Cursor
) -> list[Post]:
    """Page through an index of post ids, then load the visible posts; usually two queries.

    Over-fetches ids so that a few hidden posts still leave a full page; if too many
    were hidden, it reads on from where it stopped.
    """
    return _scan_via_ids(id_queryset, field, viewer, listing, cursor)[0]


def _scan_via_ids(
    id_queryset: QuerySet, field: str, viewer: Viewer, listing: Listing, cursor: Cursor
) -> tuple[list[Post], bool]:
    """:func:`_page_via_ids`, and whether it read the index to its end under the cursor
    (False when it stopped at a full page, or gave up after too many hidden posts)."""
    result: list[Post] = []
    current = cursor
    exhausted = False
    for _ in range(5):
        want = cursor.limit - len(result)
        ids = [
            row
            for row in page_by_cursor(
                id_queryset.values_list(field, flat=True), field, current, want + 10
            )
        ]
        result += _posts_by_ids(ids, viewer, listing)
        if len(ids) < want + 10:
            exhausted = True
            break
        if len(result) >= cursor.limit:
            break
        edge = ids[0] if current.ascending else ids[-1]
        current = (
            Cursor(min_id=edge, limit=cursor.limit)
            if current.ascending
            else Cursor(max_id=edge, since_id=cursor.since_id, limit=cursor.limit)
        )
    if cursor.ascending:
        return sorted(result, key=lambda p: p.id, reverse=True)[-cursor.limit :], exhausted
    return result[: cursor.limit], exhausted


def home_timeline(viewer: Viewer, cursor: Cursor) -> list[Post]:
    """Posts of the accounts ``viewer`` follows and its own, newest first.

    Fanned-out entries down to the index's floor (see ``home_trim``), the posts
    below it read directly from the followed accounts, and merged on read the posts
    of followed authors too widely followed to fan out (see ``fanout.fans_out``).
    """
    assert viewer.account_id is not None
    page = (_home_upwards if cursor.ascending else _home_downwards)(viewer, cursor)
    widely_followed = Account.objects.filter(followers_count__gt=settings.FANOUT_FOLLOWER_LIMIT)
    merged = list(
        Follow.objects.filter(
            follower_id=viewer.account_id, followee_id__in=widely_followed.values("id")
        ).values_list("followee_id", flat=True)
    )
    if not merged:
        return page
    # Each source holds its own first page under the cursor, so the merged page is among them.
    page += _page_via_ids(
        Post.objects.filter(author_id__in=merged), "id", viewer, Listing.HOME, cursor
    )
    return _one_page(page, cursor)


def _one_page(posts: list[Post], cursor: Cursor) -> list[Post]:
    """The page under ``cursor`` among the first pages of several sources: each post once."""
    newest_first = sorted({p.id: p for p in posts}.values(), key=lambda p: p.id, reverse=True)
    if cursor.ascending:
        return newest_first[-cursor.limit :]
    return newest_first[: cursor.limit]


def _home_downwards(viewer: Viewer, cursor: Cursor) -> list[Post]:
    """A page of the home timeline going back in time: the index at and above its floor (read
    in the same query), then, only once that is read to its end, the posts below the floor.

    The floor is read again for the posts below it; if a trim raised it meanwhile, the two
    sources overlap (never leave a gap) and the overlap is counted once.
    """
    me = viewer.account_id
    floor_now = HomeFloor.objects.filter(owner_id=me).values("post_id")[:1]
    above = HomeEntry.objects.filter(owner_id=me, post_id__gte=Coalesce(Subquery(floor_now), 0))
    page, exhausted = _scan_via_ids(above, "post_id", viewer, Listing.HOME, cursor)
    if not exhausted or len(page) >= cursor.limit:
        return page
    floor = home_floor(me)
    if not floor:
        return page
    below = below_floor_posts(me, floor)
    return _one_page(page + _page_via_ids(below, "id", viewer, Listing.HOME, cursor), cursor)


def _home_upwards(viewer: Viewer, cursor: Cursor) -> list[Post]:
    """A page of the home timeline going forward from ``min_id``: the posts below the floor
    first, then, only once those are read to their end, the index at and above it."""
    me = viewer.account_id
    entries = HomeEntry.objects.filter(owner_id=me)
    floor = home_floor(me)
    if not floor:
        return _page_via_ids(entries, "post_id", viewer, Listing.HOME, cursor)
    below = below_floor_posts(me, floor)
    page, exhausted = _scan_via_ids(below, "id", viewer, Listing.HOME, cursor)
    if not exhausted or len(page) >= cursor.limit:
        return page
    above = entries.filter(post_id__gte=floor)
    return _one_page(page + _page_via_ids(above, "post_id", viewer, Listing.HOME, cursor), cursor)


def public_timeline(viewer: Viewer, cursor: Cursor) -> list[Post]:
    """Every public original post and reply on this server (no reposts), newest first."""
    posts = Post.objects.filter(visibility=Visibility.PUBLIC, repost_of__isnull=True)
    return _page_via_ids(posts, "id", viewer, Listing.PUBLIC, cursor)


def hashtag_timeline(viewer: Viewer, name: str, cursor: Cursor) -> list[Post]:
    tag = Hashtag.objects.filter(name=name.lower().lstrip("#")).first()
    if tag is None:
        return []
    links = PostHashtag.objects.filter(hashtag=tag, listed=True)
    return _page_via_ids(links, "post_id", viewer, Listing.PUBLIC, cursor)


def profile_timeline(
    viewer: Viewer,
    account: Account,
    cursor: Cursor,
    *,
    exclude_replies: bool = False,
    exclude_reposts: bool = False,
) -> list[Post]:
    posts = Post.objects.filter(author=account)
    if exclude_replies:
        posts = posts.filter(in_reply_to__isnull=True)
    if exclude_reposts:
        posts = posts.filter(repost_of__isnull=True)
    return _page_via_ids(posts, "id", viewer, Listing.DIRECT, cursor)


def thread(viewer: Viewer, post: Post, *, limit: int = 200) -> tuple[list[Post], list[Post]]:
    """(ancestors oldest first, descendants in reading order) of ``post`` that ``viewer`` may see."""
    ancestors: list[Post] = []
    parent_id = post.in_reply_to_id
    seen = {post.id}
    while parent_id and parent_id not in seen and len(ancestors) < limit:
        seen.add(parent_id)
        parent = Post.objects.select_related(*POST_RELATED).filter(id=parent_id).first()
        if parent is None:
            break
        ancestors.append(parent)
        parent_id = parent.in_reply_to_id
    visible_ancestor_ids = set(
        visible_posts(
            Post.objects.filter(id__in=[a.id for a in ancestors]), viewer, Listing.DIRECT
        ).values_list("id", flat=True)
    )
    ancestors = [a for a in reversed(ancestors) if a.id in visible_ancestor_ids]

    children: dict[int, list[Post]] = {}
    frontier = [post.id]
    total = 0
    while frontier and total < limit:
        level = list(
            visible_posts(Post.objects.filter(in_reply_to_id__in=frontier), viewer, Listing.DIRECT)
            .select_related(*POST_RELATED)
            .order_by("id")[: limit - total]
        )
        for reply in level:
            children.setdefault(reply.in_reply_to_id, []).append(reply)
        total += len(level)
        frontier = [r.id for r in level]
    descendants: list[Post] = []

    def walk(parent_id: int) -> None:
        for child in children.get(parent_id, []):
            descendants.append(child)
            walk(child.id)

    walk(post.id)
    return ancestors, descendants


def follow_list(
    viewer: Viewer, account: Account, cursor: Cursor, *, followers: bool
) -> tuple[list[Account], int | None]:
    """Followers (or followings) of ``account``, newest follow first; also the next ``max_id`` cursor.

    The cursor is the Follow row's id, as Mastodon pages these lists.
    """
    if followers:
        links = Follow.objects.filter(followee=account)
        other = "follower"
    else:
        links = Follow.objects.filter(follower=account)
        other = "followee"
    visible = visible_accounts(Account.objects.all(), viewer)
    links = links.filter(**{f"{other}__in": visible}).select_related(other)
    rows = page_by_cursor(links, "id", cursor, cursor.limit)
    next_id = rows[-1].id if len(rows) == cursor.limit else None
    return [getattr(row, other) for row in rows], next_id


def notifications(
    viewer: Viewer, cursor: Cursor, *, kinds: Sequence[str] = ()
) -> list[Notification]:
    assert viewer.account_id is not None
    queryset = Notification.objects.filter(recipient_id=viewer.account_id)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    queryset = visible_notifications(queryset, viewer).select_related(
        "actor",
        "post",
        "post__author",
        "post__repost_of",
        "post__repost_of__author",
        "post__in_reply_to_account",
    )
    return page_by_cursor(queryset, "id", cursor, cursor.limit)


@dataclass(frozen=True)
class ViewerFlags:
    """What the viewer has done to each post on a page, and the posts' images and polls."""

    favourited: frozenset[int]
    reposted: frozenset[int]
    bookmarked: frozenset[int] = frozenset()
    pinned: frozenset[int] = frozenset()
    media: dict[int, tuple[MediaAttachment, ...]] = field(default_factory=dict)
    #: Posts (originals) that have a poll: ``polls_for`` loads only these.
    with_poll: frozenset[int] = frozenset()

    def media_of(self, post: Post) -> tuple[MediaAttachment, ...]:
        return self.media.get(post.repost_of_id or post.id, ())

    def favourited_post(self, post: Post) -> bool:
        return (post.repost_of_id or post.id) in self.favourited

    def bookmarked_post(self, post: Post) -> bool:
        return (post.repost_of_id or post.id) in self.bookmarked

    def pinned_post(self, post: Post) -> bool:
        return post.id in self.pinned

    def reposted_post(self, post: Post) -> bool:
        return (post.repost_of_id or post.id) in self.reposted


def _marks_part(model: type, kind: str, post_field: str, ids: int, owner_field: str = "") -> str:
    """One arm of the marks query: ``post_field`` of ``model`` rows among ``ids`` placeholders,
    tagged ``kind``; with ``owner_field``, only the viewer's rows. Names come from the models."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = quote(model._meta.get_field(post_field).column)
    where = f"{column} IN ({', '.join(['%s'] * ids)})"
    if owner_field:
        where = f"{quote(model._meta.get_field(owner_field).column)} = %s AND {where}"
    assert kind.isalpha() and len(kind) == 1
    # Only quoted model names, a one-letter tag and placeholders: no value enters the text.
    return f"SELECT {column}, '{kind}' FROM {table} WHERE {where}"  # noqa: S608


def viewer_flags(viewer: Viewer, posts: Sequence[Post]) -> ViewerFlags:
    """What the viewer did to each post of a page, which posts have images and polls, and the
    images themselves: one query for the marks, plus one for the images only if there are any.

    The posts must already be ones the viewer may see. The marks query is written out in SQL
    (built from the models' names): the ORM took longer to build its six arms than the
    database took to answer them.
    """
    if not posts:
        return ViewerFlags(frozenset(), frozenset())
    ids = sorted({p.repost_of_id or p.id for p in posts})
    n = len(ids)
    parts = [_marks_part(MediaAttachment, "m", "post", n), _marks_part(Poll, "q", "post", n)]
    params: list[int] = ids + ids
    me = viewer.account_id
    if me is not None:
        parts += [
            _marks_part(Favourite, "f", "post", n, "account"),
            _marks_part(Post, "r", "repost_of", n, "author"),
            _marks_part(Bookmark, "b", "post", n, "account"),
        ]
        params += [me, *ids] * 3
        own = sorted({p.id for p in posts if p.author_id == me and not p.repost_of_id})
        if own:
            parts.append(_marks_part(Pin, "p", "post", len(own), "account"))
            params += [me, *own]
    by_kind: dict[str, set[int]] = {kind: set() for kind in "mqfrbp"}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for post_id, kind in cursor.fetchall():
            by_kind[kind].add(post_id)
    with_media = [p for p in posts if (p.repost_of_id or p.id) in by_kind["m"]]
    return ViewerFlags(
        frozenset(by_kind["f"]),
        frozenset(by_kind["r"]),
        frozenset(by_kind["b"]),
        frozenset(by_kind["p"]),
        media_by_post(with_media) if with_media else {},
        frozenset(by_kind["q"]),
    )


def accounts_who(viewer: Viewer, post: Post, cursor: Cursor, *, reposted: bool) -> list[Account]:
    """Accounts that reposted (or favourited) ``post``, that the viewer may see."""
    visible = visible_accounts(Account.objects.all(), viewer)
    if reposted:
        rows = page_by_cursor(
            visible_posts(Post.objects.filter(repost_of=post), viewer, Listing.DIRECT)
            .filter(author__in=visible)
            .select_related("author"),
            "id",
            cursor,
            cursor.limit,
        )
        return [r.author for r in rows]
    favs = Favourite.objects.filter(post=post, account__in=visible).select_related("account")
    return [f.account for f in page_by_cursor(favs, "id", cursor, cursor.limit)]


def unread_notifications_count(viewer: Viewer) -> int:
    """How many of the viewer's notifications are unread, counting only ones it may still see.

    Asks first whether there is any unread notification at all (one probe of a partial
    index): most pages are viewed with none, and then the visibility-filtered count, whose
    query costs milliseconds to build and plan, is not needed to know the answer is 0.
    """
    if viewer.account_id is None:
        return 0
    queryset = Notification.objects.filter(recipient_id=viewer.account_id, read_at__isnull=True)
    if not queryset.exists():
        return 0
    return visible_notifications(queryset, viewer).count()


@dataclass(frozen=True)
class Relationship:
    """What the viewer has done to one account, and whether it follows (or asks to follow) the viewer."""

    following: bool = False
    followed_by: bool = False
    blocking: bool = False
    muting: bool = False
    requested: bool = False
    requested_by: bool = False


def relationship(viewer: Viewer, account: Account) -> Relationship:
    return relationships(viewer, [account])[account.id]


def relationships(viewer: Viewer, accounts: Sequence[Account]) -> dict[int, Relationship]:
    """The viewer's relationship to each of ``accounts``, by id: six queries however many."""
    ids = [a.id for a in accounts]
    me = viewer.account_id
    others = [i for i in ids if i != me]
    if me is None or not others:
        return {i: Relationship() for i in ids}

    def among(queryset: QuerySet, field: str) -> set[int]:
        return set(queryset.filter(**{f"{field}__in": others}).values_list(field, flat=True))

    following = among(Follow.objects.filter(follower_id=me), "followee_id")
    followed_by = among(Follow.objects.filter(followee_id=me), "follower_id")
    blocking = among(Block.objects.filter(blocker_id=me), "blocked_id")
    muting = among(Mute.objects.filter(muter_id=me), "muted_id")
    requested = among(FollowRequest.objects.filter(requester_id=me), "target_id")
    requested_by = among(FollowRequest.objects.filter(target_id=me), "requester_id")
    return {
        i: Relationship(
            following=i in following,
            followed_by=i in followed_by,
            blocking=i in blocking,
            muting=i in muting,
            requested=i in requested,
            requested_by=i in requested_by,
        )
        if i != me
        else Relationship()
        for i in ids
    }


def follow_requests(viewer: Viewer, cursor: Cursor) -> tuple[list[Account], list[int]]:
    """Accounts asking to follow the viewer (that it may see), newest request first.

    Also the request ids of the page, which are its cursor (as Mastodon pages this list).
    """
    assert viewer.account_id is not None
    visible = visible_accounts(Account.objects.all(), viewer)
    pending = FollowRequest.objects.filter(
        target_id=viewer.account_id, requester__in=visible
    ).select_related("requester")
    rows = page_by_cursor(pending, "id", cursor, cursor.limit)
    return [row.requester for row in rows], [row.id for row in rows]


def follow_requests_count(viewer: Viewer) -> int:
    """How many accounts the viewer may see are waiting for it to answer their request."""
    if viewer.account_id is None:
        return 0
    visible = visible_accounts(Account.objects.all(), viewer)
    return FollowRequest.objects.filter(target_id=viewer.account_id, requester__in=visible).count()
