"""Notifications grouped as Mastodon 4.3 groups them: favourites, reposts and follows together.

Grouping reads only what the visibility rule shows (``visible_notifications``,
through :func:`tidings.social.queries.notifications`), so an actor hidden from
the viewer (withheld in its country, blocked, muted, suspended) is neither
shown in a group nor counted in it.

A group is every notification of one kind about one post (``favourite-<post
id>``, ``reblog-<post id>``) or every follow (``follow``); any other
notification is a group of its own (``ungrouped-<id>``). A page holds up to
``limit`` groups, built from the newest notifications under the cursor; a
group can continue on the next page under the same key, as on Mastodon.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q

from tidings.social.filtering import FilterMatch, ViewerFilters, filter_notifications
from tidings.social.models import Account, Notification, NotificationKind, Post
from tidings.social.queries import Cursor, notifications, page_by_cursor
from tidings.visibility import Viewer, visible_notifications

#: The kinds grouped, and the Mastodon type that names their groups.
GROUPED = {
    NotificationKind.FAVOURITE: "favourite",
    NotificationKind.REPOST: "reblog",
    NotificationKind.FOLLOW: "follow",
}
_KIND_OF_TYPE = {t: k for k, t in GROUPED.items()}
SAMPLE_ACCOUNTS = 8
_KEY = re.compile(
    r"^(?:(favourite|reblog)-([1-9][0-9]{0,18})|(follow)|ungrouped-([1-9][0-9]{0,18}))$"
)


def group_key(notification: Notification, grouped: Sequence[str] = tuple(GROUPED)) -> str:
    """The key of the group ``notification`` belongs to, when ``grouped`` kinds are grouped."""
    kind = notification.kind
    if kind in grouped and kind in GROUPED:
        if kind == NotificationKind.FOLLOW:
            return "follow"
        return f"{GROUPED[kind]}-{notification.post_id}"
    return f"ungrouped-{notification.id}"


def group_filter(key: str) -> Q | None:
    """The notifications of the group ``key`` as a filter; None when ``key`` names no group."""
    match = _KEY.match(key or "")
    if match is None:
        return None
    typed, post_id, follow, single = match.groups()
    if follow:
        return Q(kind=NotificationKind.FOLLOW)
    if single:
        return Q(id=int(single))
    if int(post_id) >= 2**63:
        return None
    return Q(kind=_KIND_OF_TYPE[typed], post_id=int(post_id))


@dataclass
class NotificationGroup:
    """One group as a page shows it: its notifications on the page (newest first) and its size."""

    key: str
    notifications: list[Notification]
    count: int = 0
    sample_accounts: list[Account] = field(default_factory=list)
    #: The viewer's ``warn`` filters its post matches (Mastodon's ``filtered`` on the status).
    filtered: list[FilterMatch] = field(default_factory=list)

    @property
    def latest(self) -> Notification:
        return self.notifications[0]

    @property
    def kind(self) -> str:
        return self.latest.kind

    @property
    def post(self) -> Post | None:
        return self.latest.post

    @property
    def page_min_id(self) -> int:
        return self.notifications[-1].id

    @property
    def page_max_id(self) -> int:
        return self.notifications[0].id

    @property
    def latest_at(self) -> datetime:
        return self.latest.created_at

    @property
    def unread(self) -> bool:
        return any(n.read_at is None for n in self.notifications)

    @property
    def others(self) -> int:
        """How many more than the latest account: "@a and 11 others"."""
        return max(self.count - 1, 0)


def _visible_group_rows(viewer: Viewer, q: Q):
    base = Notification.objects.filter(recipient_id=viewer.account_id).filter(q)
    return visible_notifications(base, viewer)


def _fill(viewer: Viewer, groups: list[NotificationGroup], upper: int) -> None:
    """Set each group's size (visible notifications up to ``upper``) and its sample accounts."""
    grouped = [g for g in groups if not g.key.startswith("ungrouped-")]
    for group in groups:
        group.count = len(group.notifications)
    if grouped:
        wanted = Q(pk__in=[])
        for group in grouped:
            wanted |= group_filter(group.key)  # type: ignore[operator]
        sizes = (
            _visible_group_rows(viewer, wanted)
            .filter(id__lte=upper)
            .values("kind", "post_id")
            .annotate(n=Count("id"))
        )
        by_key = {}
        for row in sizes:
            kind = row["kind"]
            key = (
                "follow" if kind == NotificationKind.FOLLOW else f"{GROUPED[kind]}-{row['post_id']}"
            )
            by_key[key] = row["n"]
        for group in grouped:
            group.count = max(by_key.get(group.key, 0), len(group.notifications))
    for group in groups:
        seen: dict[int, Account] = {}
        for n in group.notifications:
            seen.setdefault(n.actor_id, n.actor)
        group.sample_accounts = list(seen.values())[:SAMPLE_ACCOUNTS]


@dataclass
class GroupPage:
    """One page of groups and the notifications it went through, newest first: those a ``hide``
    filter dropped included, so the next page starts below them all."""

    groups: list[NotificationGroup]
    rows: list[Notification]


def warned_posts(groups: Sequence[NotificationGroup]) -> dict[int, list[FilterMatch]]:
    """The ``warn`` filter matches of the groups' posts, by post id (for the serializer)."""
    return {g.post.id: g.filtered for g in groups if g.post is not None and g.filtered}


def notification_groups(
    viewer: Viewer,
    cursor: Cursor,
    *,
    kinds: Sequence[str] = (),
    grouped: Sequence[str] = tuple(GROUPED),
    actor_id: int | None = None,
) -> GroupPage:
    """Up to ``cursor.limit`` groups under the cursor, newest first.

    The viewer's ``notifications`` filters apply before grouping (``filter_notifications``, the
    rule ``/api/v1/notifications`` uses): a notification a ``hide`` filter matches takes no
    place on the page and counts in no group. A filter judges a notification by its post and
    every member of a grouped key shares that post, so a ``hide`` filter takes a whole group or
    none of it, and the sizes counted in the database stay exact.
    """
    fetch = Cursor(cursor.max_id, cursor.since_id, cursor.min_id, min(cursor.limit * 8, 640))
    rows = notifications(viewer, fetch, kinds=kinds)
    if actor_id is not None:
        rows = [n for n in rows if n.actor_id == actor_id]
    kept, warned = filter_notifications(viewer, rows)
    kept_ids = {n.id for n in kept}
    walk = list(reversed(rows)) if cursor.ascending else rows
    groups: dict[str, NotificationGroup] = {}
    used: list[Notification] = []
    for n in walk:
        if n.id not in kept_ids:
            used.append(n)
            continue
        key = group_key(n, grouped)
        if key not in groups:
            if len(groups) == cursor.limit:
                break
            groups[key] = NotificationGroup(key, [])
        groups[key].notifications.append(n)
        used.append(n)
    if cursor.ascending:
        used.reverse()
        for group in groups.values():
            group.notifications.reverse()
    page = sorted(groups.values(), key=lambda g: g.page_max_id, reverse=True)
    if page:
        _fill(viewer, page, used[0].id)
    for group in page:
        group.filtered = warned.get(group.latest.post_id, []) if group.post else []
    return GroupPage(page, used)


def notification_group(viewer: Viewer, key: str) -> NotificationGroup | None:
    """The group ``key`` with its newest notifications; None when the viewer has none in it, or
    a ``hide`` filter of its takes them (as it takes the group from the list)."""
    q = group_filter(key)
    if q is None:
        return None
    newest = list(
        _visible_group_rows(viewer, q)
        .select_related(
            "actor",
            "post",
            "post__author",
            "post__repost_of",
            "post__repost_of__author",
            "post__in_reply_to_account",
        )
        .order_by("-id")[:40]
    )
    newest, warned = filter_notifications(viewer, newest)
    if not newest:
        return None
    group = NotificationGroup(key, newest)
    group.filtered = warned.get(group.latest.post_id, []) if group.post else []
    _fill(viewer, [group], newest[0].id)
    return group


def group_accounts(viewer: Viewer, key: str, cursor: Cursor) -> list[Notification] | None:
    """The group's notifications (each with its actor) under the cursor, newest first."""
    q = group_filter(key)
    if q is None:
        return None
    queryset = _visible_group_rows(viewer, q).select_related("actor")
    return page_by_cursor(queryset, "id", cursor, cursor.limit)


def unread_group_count(viewer: Viewer, *, limit: int, kinds: Sequence[str] = ()) -> int:
    """How many groups hold an unread notification the viewer may see and its ``hide`` filters
    leave (as the list shows them), at most ``limit``."""
    queryset = Notification.objects.filter(recipient_id=viewer.account_id, read_at__isnull=True)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    visible = visible_notifications(queryset, viewer).order_by("-id")
    filters = ViewerFilters.load(viewer, "notifications")
    if filters:  # the posts' text is needed only to match filters
        loaded = list(visible.select_related("post", "post__repost_of")[: limit * 8])
        kept, _warned = filters.apply_to_notifications(loaded)
        rows = [(n.id, n.kind, n.post_id) for n in kept]
    else:
        rows = list(visible.values_list("id", "kind", "post_id")[: limit * 8])
    keys: set[str] = set()
    for notification_id, kind, post_id in rows:
        if kind == NotificationKind.FOLLOW:
            keys.add("follow")
        elif kind in GROUPED:
            keys.add(f"{GROUPED[kind]}-{post_id}")
        else:
            keys.add(f"ungrouped-{notification_id}")
        if len(keys) >= limit:
            break
    return min(len(keys), limit)
