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

from collections.abc import Iterable

from django.conf import settings

from tidings.lib.countries import EVERYWHERE
from tidings.social.models import Follow, HomeEntry, Notification, Post, PostHashtag, Visibility
from tidings.visibility.policy import Grants, Listing, post_allowed, visible_notifications
from tidings.visibility.viewer import Viewer

#: Mastodon's stream names that Tidings serves (``:local`` equals the plain one: no federation).
POST_STREAMS = ("user", "public", "public:local", "hashtag", "hashtag:local")
STREAMS = (*POST_STREAMS, "user:notification")


def _in_home(viewer: Viewer, post: Post) -> bool:
    if HomeEntry.objects.filter(owner_id=viewer.account_id, post_id=post.id).exists():
        return True
    return Follow.objects.filter(
        follower_id=viewer.account_id,
        followee_id=post.author_id,
        followee__followers_count__gt=settings.FANOUT_FOLLOWER_LIMIT,
    ).exists()


def stream_shows_post(viewer: Viewer, post: Post, stream: str, tag: str = "") -> bool:
    """Whether ``stream`` (with ``tag`` for hashtag streams) lists ``post`` for ``viewer``.

    ``post`` comes with ``author``, ``repost_of`` and ``repost_of__author`` selected.
    """
    if post.deleted_at is not None:
        return False
    if stream == "user":
        if viewer.account_id is None or not _in_home(viewer, post):
            return False
        listing = Listing.HOME
    elif stream in ("public", "public:local"):
        if post.visibility != Visibility.PUBLIC or post.repost_of_id is not None:
            return False
        listing = Listing.PUBLIC
    elif stream in ("hashtag", "hashtag:local"):
        name = tag.lower().lstrip("#")
        if not PostHashtag.objects.filter(
            post_id=post.id, hashtag__name=name, listed=True
        ).exists():
            return False
        listing = Listing.PUBLIC
    else:
        return False
    return post_allowed(viewer, post, listing, Grants(viewer))


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
