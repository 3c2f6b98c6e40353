"""Which stream events a viewer receives: the list rules, asked of one post or notification.

A stream shows a post exactly when the list it mirrors would list it now:
``user`` is the home timeline (its index entry, or a followed author merged on
read, and :func:`post_allowed` with ``Listing.HOME``), ``public`` the public
timeline, ``hashtag`` that tag's timeline (both ``Listing.PUBLIC``). A
notification is sent when :func:`visible_notifications` keeps it. The viewer
must be built afresh for each batch of events, so that blocks, mutes and
withholdings made since are seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings

from tidings.lib.countries import EVERYWHERE
from tidings.social.home_trim import below_floor_posts, home_floor
from tidings.social.models import Follow, HomeEntry, Notification, Post, PostHashtag, Visibility
from tidings.visibility.policy import Grants, Listing, post_allowed, visible_notifications
from tidings.visibility.viewer import Viewer

#: Mastodon's stream names that Tidings serves (``:local`` equals the plain one: no federation).
POST_STREAMS = ("user", "public", "public:local", "hashtag", "hashtag:local")
STREAMS = (*POST_STREAMS, "user:notification")


def _in_home(viewer: Viewer, posts: list[Post]) -> list[Post]:
    """Those of ``posts`` the home timeline holds: an index entry (or, below a trimmed index's
    floor, a post the timeline reads directly), or an author merged on read."""
    ids = [p.id for p in posts]
    indexed = set(
        HomeEntry.objects.filter(owner_id=viewer.account_id, post_id__in=ids).values_list(
            "post_id", flat=True
        )
    )
    authors = {p.author_id for p in posts if p.id not in indexed}
    merged: set[int] = set()
    if authors:
        merged = set(
            Follow.objects.filter(
                follower_id=viewer.account_id,
                followee_id__in=authors,
                followee__followers_count__gt=settings.FANOUT_FOLLOWER_LIMIT,
            ).values_list("followee_id", flat=True)
        )
    missing = [p.id for p in posts if p.id not in indexed]
    floor = home_floor(viewer.account_id) if missing else 0
    trimmed = [i for i in missing if i < floor]
    if trimmed:  # below the floor the timeline reads posts directly: ask the same query
        indexed |= set(
            below_floor_posts(viewer.account_id, floor)
            .filter(id__in=trimmed)
            .values_list("id", flat=True)
        )
    return [p for p in posts if p.id in indexed or p.author_id in merged]


def stream_shown_posts(
    viewer: Viewer, posts: Sequence[Post], stream: str, tag: str = ""
) -> list[Post]:
    """Those of ``posts`` that ``stream`` (with ``tag`` for hashtag streams) lists for ``viewer``.

    In their order, in a few queries whatever their number. ``posts`` come with
    ``author``, ``repost_of`` and ``repost_of__author`` selected.
    """
    shown = [p for p in posts if p.deleted_at is None]
    if not shown:
        return []
    if stream == "user":
        if viewer.account_id is None:
            return []
        shown = _in_home(viewer, shown)
        listing = Listing.HOME
    elif stream in ("public", "public:local"):
        shown = [p for p in shown if p.visibility == Visibility.PUBLIC and p.repost_of_id is None]
        listing = Listing.PUBLIC
    elif stream in ("hashtag", "hashtag:local"):
        name = tag.lower().lstrip("#")
        tagged = set(
            PostHashtag.objects.filter(
                post_id__in=[p.id for p in shown], hashtag__name=name, listed=True
            ).values_list("post_id", flat=True)
        )
        shown = [p for p in shown if p.id in tagged]
        listing = Listing.PUBLIC
    else:
        return []
    if not shown:
        return []
    # One post: grants looked up as needed (usually none); many: loaded for them at once.
    grants = Grants(viewer) if len(shown) == 1 else Grants.for_posts(viewer, shown)
    return [p for p in shown if post_allowed(viewer, p, listing, grants)]


def stream_shows_post(viewer: Viewer, post: Post, stream: str, tag: str = "") -> bool:
    """Whether ``stream`` lists ``post`` for ``viewer``: :func:`stream_shown_posts` of one post."""
    return bool(stream_shown_posts(viewer, [post], stream, tag))


def stream_shows_notification(viewer: Viewer, notification_id: int) -> Notification | None:
    """The viewer's notification ``notification_id`` if the notifications list would show it."""
    if viewer.account_id is None:
        return None
    queryset = Notification.objects.filter(id=notification_id, recipient_id=viewer.account_id)
    return (
        visible_notifications(queryset, viewer)
        .select_related(
            "actor",
            "post",
            "post__author",
            "post__repost_of",
            "post__repost_of__author",
            "post__in_reply_to_account",
        )
        .first()
    )


def withholding_reached(viewer: Viewer, countries: Iterable[str]) -> bool:
    """Whether a withholding in ``countries`` (``XX``: everywhere) hid its subject from ``viewer``.

    Only such a viewer is sent a post again when the withholding ends; whether
    it may see the post now is still :func:`stream_shows_post`'s to say.
    """
    countries = frozenset(countries)
    return EVERYWHERE in countries or not countries.isdisjoint(viewer.countries)
