"""Turning one stream event into the messages each connection receives (synchronous, ORM).

Every decision is asked of ``tidings.visibility.streams`` with a viewer built
afresh for the event, so a block, mute or withholding made a moment ago counts.
The viewer's own keyword filters then apply as on the matching timeline
(``tidings.social.filtering``): ``home`` for the user stream (which also leaves
out members of exclusive lists), ``public`` for the public and hashtag streams,
``notifications`` for notifications. A ``hide`` match is not sent (an edit that
now matches one is sent as a ``delete``, as the timeline no longer lists it); a
``warn`` match is sent with ``filtered``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.http import HttpRequest

from tidings.api.auth import check_account_usable
from tidings.api.serializers import Serializer
from tidings.lib.errors import TidingsError
from tidings.social.filtering import FilterMatch, ViewerFilters
from tidings.social.models import Account, Post
from tidings.social.queries import POST_RELATED
from tidings.visibility import viewer_for_account, withheld_post_for
from tidings.visibility.streams import (
    POST_STREAMS,
    stream_shown_posts,
    stream_shows_notification,
    withholding_reached,
)
from tidings.visibility.viewer import Viewer

#: Posts of a withheld (or reinstated) account whose ``delete`` (or ``update``) is sent: its
#: newest 200. A client holds what it loaded since its stream opened plus the pages it scrolled
#: back (Mastodon pages hold 20 to 40 posts), so an account's older posts are rarely on a screen;
#: the bound keeps one event's work fixed for an author of 100,000 posts. Posts further back
#: disappear or come back on the next reload, as the lists always show them.
WITHHELD_ACCOUNT_RECENT_POSTS = 200
#: Reposts of those posts sent along with them (the newest first).
WITHHELD_RECENT_REPOSTS = 1000
#: Post ids remembered per connection, so a post fanned out twice is sent once.
REMEMBERED = 2000
#: The filter context of each post stream's timeline (Mastodon's: lists and home share ``home``).
FILTER_CONTEXTS = {
    "user": "home",
    "public": "public",
    "public:local": "public",
    "hashtag": "public",
    "hashtag:local": "public",
}


@dataclass(frozen=True)
class Message:
    """One event for one connection: Mastodon's event name, its payload, and the stream."""

    event: str
    payload: str
    stream: tuple[str, ...]


@dataclass(eq=False)
class Subscriber:
    """A connection: who is looking, from where, and the streams it follows."""

    account_id: int | None
    countries: frozenset[str]
    request: HttpRequest
    scopes: frozenset[str] = frozenset()
    streams: set[tuple[str, str]] = field(default_factory=set)
    sent: OrderedDict[int, None] = field(default_factory=OrderedDict)
    closed: bool = False

    def remember(self, post_id: int) -> bool:
        """False if ``post_id`` was already sent as an update on this connection."""
        if post_id in self.sent:
            return False
        self.sent[post_id] = None
        while len(self.sent) > REMEMBERED:
            self.sent.popitem(last=False)
        return True


def stream_name(stream: str, tag: str) -> tuple[str, ...]:
    return (stream, tag) if stream.startswith("hashtag") else (stream,)


class _Batch:
    """Viewers and serializers built once per event, for every connection."""

    def __init__(self, subscribers: list[Subscriber]) -> None:
        ids = {s.account_id for s in subscribers if s.account_id is not None}
        self.accounts = Account.objects.in_bulk(ids)
        self._viewers: dict[int, Viewer | None] = {}
        self._serializers: dict[int, Serializer] = {}
        self._filters: dict[tuple[int, str], ViewerFilters] = {}

    def viewer(self, sub: Subscriber) -> Viewer | None:
        """None when the connection's account may no longer read (suspended, deleted...)."""
        key = id(sub)
        if key not in self._viewers:
            account = None
            if sub.account_id is not None:
                account = self.accounts.get(sub.account_id)
                try:
                    if account is None:
                        raise TidingsError("gone")
                    check_account_usable(account)
                except TidingsError:
                    sub.closed = True
                    self._viewers[key] = None
                    return None
            self._viewers[key] = viewer_for_account(account, sub.countries)
        return self._viewers[key]

    def serializer(self, sub: Subscriber, viewer: Viewer) -> Serializer:
        key = id(sub)
        if key not in self._serializers:
            self._serializers[key] = Serializer(sub.request, viewer)
        return self._serializers[key]

    def filters(self, sub: Subscriber, viewer: Viewer, context: str) -> ViewerFilters:
        """The viewer's filters for ``context`` (with exclusive-list members for ``home``)."""
        key = (id(sub), context)
        if key not in self._filters:
            self._filters[key] = ViewerFilters.load(viewer, context, exclusive=context == "home")
        return self._filters[key]


def _json(data: Any) -> str:
    return orjson.dumps(data).decode()


def _load_posts(ids: list[int]) -> list[Post]:
    return list(Post.objects.filter(id__in=ids).select_related(*POST_RELATED).order_by("id"))


def _post_messages(
    kind: str, posts: list[Post], subscribers: list[Subscriber], batch: _Batch
) -> dict[Subscriber, list[Message]]:
    """``update`` (or ``status.update``) for each post each connection's streams list.

    Per connection, each stream is asked about all ``posts`` at once and the
    posts it shows are serialized as one page, so an event of 200 posts costs
    a few queries per connection, not a few per post. The viewer's filters for
    each stream's context are applied after (see the module's docstring).
    """
    out: dict[Subscriber, list[Message]] = {}
    for sub in subscribers:
        viewer = batch.viewer(sub)
        if viewer is None:
            continue
        shown_on: dict[int, list[tuple[str, str]]] = {}
        hidden_on: dict[int, list[tuple[str, str]]] = {}
        warned: dict[tuple[int, str], list[FilterMatch]] = {}
        for stream, tag in sorted(sub.streams):
            if stream not in POST_STREAMS:
                continue
            context = FILTER_CONTEXTS[stream]
            filters = batch.filters(sub, viewer, context)
            listed = stream_shown_posts(viewer, posts, stream, tag)
            if context == "home":
                listed = filters.without_exclusive(listed)
            kept, matches = filters.apply(listed)
            kept_ids = {p.id for p in kept}
            for post in listed:
                on = shown_on if post.id in kept_ids else hidden_on
                on.setdefault(post.id, []).append((stream, tag))
            warned.update({(post_id, context): m for post_id, m in matches.items()})
        shown = [p for p in posts if p.id in shown_on]
        if kind == "update":
            shown = [p for p in shown if sub.remember(p.id)]
        messages: list[Message] = []
        if kind == "status.update":
            for post_id, streams in hidden_on.items():
                sub.sent.pop(post_id, None)
                messages.extend(
                    Message("delete", str(post_id), stream_name(s, t)) for s, t in streams
                )
        if shown:
            serializer = batch.serializer(sub, viewer).prepare(shown)
            for post in shown:
                payloads: dict[str, str] = {}
                for s, t in shown_on[post.id]:
                    context = FILTER_CONTEXTS[s]
                    if context not in payloads:
                        serializer.filtered = {post.id: warned.get((post.id, context), [])}
                        payloads[context] = _json(serializer.status(post))
                    messages.append(Message(kind, payloads[context], stream_name(s, t)))
            serializer.filtered = {}
        if messages:
            out[sub] = messages
    return out


def _delete_messages(
    post_ids: list[int], subscribers: list[Subscriber]
) -> dict[Subscriber, list[Message]]:
    out: dict[Subscriber, list[Message]] = {}
    for sub in subscribers:
        streams = [(s, t) for s, t in sorted(sub.streams) if s in POST_STREAMS]
        for post_id in post_ids:
            sub.sent.pop(post_id, None)
            out.setdefault(sub, []).extend(
                Message("delete", str(post_id), stream_name(s, t)) for s, t in streams
            )
    return {sub: messages for sub, messages in out.items() if messages}


def _withheld_posts(post_ids: list[int], account_ids: list[int]) -> list[Post]:
    """The posts a withholding of these posts or accounts takes out of timelines, reposts too."""
    ids = set(post_ids)
    for account_id in account_ids:
        ids |= set(
            Post.objects.filter(author_id=account_id, deleted_at__isnull=True)
            .order_by("-id")
            .values_list("id", flat=True)[:WITHHELD_ACCOUNT_RECENT_POSTS]
        )
    reposts = Post.objects.filter(repost_of_id__in=ids, deleted_at__isnull=True)
    ids |= set(reposts.order_by("-id").values_list("id", flat=True)[:WITHHELD_RECENT_REPOSTS])
    return _load_posts(sorted(ids))


def _withheld_messages(
    data: dict[str, Any], subscribers: list[Subscriber], batch: _Batch
) -> dict[Subscriber, list[Message]]:
    """``delete`` for each affected post, to the connections in a country it is withheld in."""
    posts = _withheld_posts(data.get("posts", []), data.get("accounts", []))
    out: dict[Subscriber, list[Message]] = {}
    for sub in subscribers:
        viewer = batch.viewer(sub)
        if viewer is None or not any(s in POST_STREAMS for s, _ in sub.streams):
            continue
        gone = [p.id for p in posts if withheld_post_for(viewer, p) is not None]
        for sub_, messages in _delete_messages(gone, [sub]).items():
            out.setdefault(sub_, []).extend(messages)
    return out


def _reached(viewer: Viewer | None, countries: list[str]) -> bool:
    return viewer is not None and withholding_reached(viewer, countries)


def _lifted_messages(
    data: dict[str, Any], subscribers: list[Subscriber], batch: _Batch
) -> dict[Subscriber, list[Message]]:
    """``update`` for each post that comes back, to the connections that had lost it.

    The same posts a ``withheld`` event deletes (the posts, the account's
    newest, their reposts), sent only to viewers in the countries the ended
    withholdings applied in (every viewer for an event that names none), and
    each only where a stream lists it now: a post still withheld by another
    order, or from a blocked author, stays away.
    """
    countries = data.get("countries")
    if countries is not None:
        subscribers = [sub for sub in subscribers if _reached(batch.viewer(sub), countries)]
    if not subscribers:
        return {}
    posts = _withheld_posts(data.get("posts", []), data.get("accounts", []))
    return _post_messages("update", posts, subscribers, batch)


def _notification_messages(
    ids: list[int], subscribers: list[Subscriber], batch: _Batch
) -> dict[Subscriber, list[Message]]:
    out: dict[Subscriber, list[Message]] = {}
    for sub in subscribers:
        streams = [(s, t) for s, t in sorted(sub.streams) if s in ("user", "user:notification")]
        if sub.account_id is None or not streams:
            continue
        if not ({"read", "read:notifications"} & sub.scopes):
            continue
        viewer = batch.viewer(sub)
        if viewer is None:
            continue
        for notification_id in ids:
            notification = stream_shows_notification(viewer, notification_id)
            if notification is None:
                continue
            filters = batch.filters(sub, viewer, "notifications")
            kept, warned = filters.apply_to_notifications([notification])
            if not kept:
                continue  # a hide filter matches its post, as on the notifications list
            serializer = batch.serializer(sub, viewer)
            if notification.post_id is not None:
                serializer.prepare([notification.post])
            serializer.filtered = warned
            payload = _json(serializer.notification(notification))
            serializer.filtered = {}
            out.setdefault(sub, []).extend(
                Message("notification", payload, stream_name(s, t)) for s, t in streams
            )
    return out


def messages_for(
    kind: str, data: dict[str, Any], subscribers: list[Subscriber]
) -> dict[Subscriber, list[Message]]:
    """What each of ``subscribers`` receives for the event ``kind`` with ``data``."""
    subscribers = [s for s in subscribers if not s.closed and s.streams]
    if not subscribers:
        return {}
    batch = _Batch(subscribers)
    if kind in ("status", "status.update"):
        event = "update" if kind == "status" else "status.update"
        return _post_messages(event, _load_posts([data["post"]]), subscribers, batch)
    if kind == "delete":
        return _delete_messages([int(data["post"])], subscribers)
    if kind == "notification":
        return _notification_messages(data.get("notifications", []), subscribers, batch)
    if kind == "withheld":
        return _withheld_messages(data, subscribers, batch)
    if kind == "lifted":
        return _lifted_messages(data, subscribers, batch)
    return {}
