"""Mastodon entities (Account, Status, Relationship, Notification, Tag) as plain dicts.

A page of posts is serialised with a fixed number of queries whatever its
size: viewer flags and mentioned accounts are loaded for the whole page at
once; hashtags come from the text itself. Ids are strings, as Mastodon's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils import timezone

from tidings.lib.images import avatar_path
from tidings.social.edits import Version
from tidings.social.filtering import FilterMatch
from tidings.social.models import Account, Hashtag, Notification, Post, Visibility
from tidings.social.models_lists import AccountList, Filter, FilterKeyword, FilterStatus
from tidings.social.models_media import MediaAttachment, media_path
from tidings.social.notification_groups import NotificationGroup
from tidings.social.queries import (
    Relationship,
    ViewerFlags,
    follow_requests_count,
    viewer_flags,
)
from tidings.social.queries_direct import ConversationEntry, PollView, polls_for
from tidings.social.text import extract_hashtags, extract_mentions, render_post_html
from tidings.visibility import Viewer, visible_accounts, withheld_extension

VISIBILITY_OUT = {
    Visibility.PUBLIC: "public",
    Visibility.UNLISTED: "unlisted",
    Visibility.FOLLOWERS: "private",
    Visibility.DIRECT: "direct",
}
NOTIFICATION_TYPES = {
    "follow": "follow",
    "follow_request": "follow_request",
    "mention": "mention",
    "reply": "mention",
    "repost": "reblog",
    "favourite": "favourite",
    "legal": "moderation_warning",
    "update": "update",
    "poll": "poll",
    "moderation": "moderation_warning",
}


def iso(moment: datetime | None) -> str | None:
    """Mastodon's timestamp form: UTC, milliseconds, ``Z``."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC) if timezone.is_aware(moment) else moment
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def base_url(request: HttpRequest) -> str:
    """This site's canonical address: ``TIDINGS_DOMAIN``, never the Host the request came on.

    The URLs we hand out are pasted into orders and links elsewhere; they must name the
    platform, not whichever address (127.0.0.1:8123, an alias) a client happened to use.
    """
    return f"{request.scheme}://{settings.DOMAIN}"


@dataclass
class Serializer:
    """Serialises for one request: knows the viewer and the site's address."""

    request: HttpRequest
    viewer: Viewer
    base: str = ""
    flags: ViewerFlags = field(default_factory=lambda: ViewerFlags(frozenset(), frozenset()))
    mentioned: dict[str, Account] = field(default_factory=dict)
    polls: dict[int, PollView] = field(default_factory=dict)
    #: The viewer's ``warn`` filter matches by post id (``tidings.social.filtering``).
    filtered: dict[int, list[FilterMatch]] = field(default_factory=dict)
    # Per request: the same author appears many times on a page, and static URLs never change.
    _accounts: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)
    _static: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.base = base_url(self.request)

    def static_url(self, path: str) -> str:
        """The absolute URL of a static file (resolved once per request)."""
        url = self._static.get(path)
        if url is None:
            url = self._static[path] = self.base + static(path)
        return url

    def html(self, text: str) -> str:
        """Rendered text in a paragraph, with our links made absolute (clients show it elsewhere)."""
        if not text:
            return ""
        return "<p>" + render_post_html(text).replace('href="/', f'href="{self.base}/') + "</p>"

    # -- accounts -------------------------------------------------------------

    def avatar(self, account: Account) -> str:
        if account.avatar:
            return self.base + avatar_path(account)
        return self.static_url("api/missing.png")

    def account(self, account: Account) -> dict[str, Any]:
        """The Mastodon Account entity; built once per account per request, a fresh dict each call."""
        data = self._accounts.get(account.id)
        if data is None:
            data = self._accounts[account.id] = self._account(account)
        return dict(data)

    def _account(self, account: Account) -> dict[str, Any]:
        url = f"{self.base}/@{account.username}"
        avatar = self.avatar(account)
        header = self.static_url("api/header.png")
        data: dict[str, Any] = {
            "id": str(account.id),
            "username": account.username,
            "acct": account.username,
            "display_name": account.display_name,
            "locked": account.locked,
            "bot": False,
            "discoverable": True,
            "indexable": True,
            "group": False,
            "noindex": False,
            "hide_collections": False,
            "created_at": iso(account.created_at),
            "note": self.html(account.bio),
            "url": url,
            "uri": f"{self.base}/users/{account.username}",
            "avatar": avatar,
            "avatar_static": avatar,
            "header": header,
            "header_static": header,
            "followers_count": account.followers_count,
            "following_count": account.following_count,
            "statuses_count": account.posts_count,
            "last_status_at": account.last_post_at.date().isoformat()
            if account.last_post_at
            else None,
            "emojis": [],
            "fields": [],
            "roles": [],
        }
        withheld = withheld_extension(self.viewer, account, base=self.base)
        if withheld:
            data["withheld"] = withheld
        return data

    def credential_account(self, account: Account) -> dict[str, Any]:
        """The caller's own account, with ``source`` and ``role`` as verify_credentials gives them."""
        data = self.account(account)
        data["source"] = {
            "privacy": "public",
            "sensitive": False,
            "language": "",
            "note": account.bio,
            "fields": [],
            "follow_requests_count": follow_requests_count(self.viewer),
            "hide_collections": False,
            "discoverable": True,
            "indexable": True,
        }
        data["role"] = {
            "id": account.role,
            "name": account.get_role_display(),
            "color": "",
            "permissions": "0",
            "highlighted": account.role != "user",
        }
        return data

    # -- statuses -------------------------------------------------------------

    def prepare(self, posts: Sequence[Post]) -> Serializer:
        """Load what a page of ``posts`` needs in bulk (viewer flags, mentioned accounts)."""
        self.flags = viewer_flags(self.viewer, posts)
        self.polls.update(polls_for(self.viewer, posts, with_poll=self.flags.with_poll))
        handles: set[str] = set()
        for post in posts:
            original = post.repost_of if post.repost_of_id else post
            handles.update(extract_mentions(original.text))
        handles -= set(self.mentioned)
        if handles:
            found = visible_accounts(
                Account.objects.annotate(handle_lower=Lower("username")).filter(
                    handle_lower__in=handles
                ),
                self.viewer,
            )
            self.mentioned.update({a.username.lower(): a for a in found})
        return self

    def tag(self, name: str, history: list[dict[str, str]] | None = None) -> dict[str, Any]:
        return {
            "name": name,
            "url": f"{self.base}/tags/{name.lower()}",
            "history": history or [],
            "following": False,
        }

    def hashtag(self, tag: Hashtag) -> dict[str, Any]:
        return self.tag(tag.display_name or tag.name)

    def status(self, post: Post) -> dict[str, Any]:
        reblog = self.status(post.repost_of) if post.repost_of_id else None
        original = post.repost_of if post.repost_of_id else post
        mentions = [
            self.mentioned[h] for h in extract_mentions(original.text) if h in self.mentioned
        ]
        data: dict[str, Any] = {
            "id": str(post.id),
            "uri": f"{self.base}/users/{post.author.username}/statuses/{post.id}",
            "url": f"{self.base}/@{post.author.username}/{post.id}",
            "created_at": iso(post.created_at),
            "account": self.account(post.author),
            "content": self.html(post.text),
            "visibility": VISIBILITY_OUT.get(post.visibility, "public"),
            "sensitive": False,
            "spoiler_text": "",
            "media_attachments": [
                self.media_attachment(m) for m in self.flags.media.get(post.id, ())
            ],
            "application": None,
            "mentions": [
                {
                    "id": str(a.id),
                    "username": a.username,
                    "url": f"{self.base}/@{a.username}",
                    "acct": a.username,
                }
                for a in mentions
            ]
            if reblog is None
            else [],
            "tags": [self.tag(n) for n in extract_hashtags(post.text)],
            "emojis": [],
            "reblogs_count": post.reposts_count,
            "favourites_count": post.favourites_count,
            "replies_count": post.replies_count,
            "in_reply_to_id": str(post.in_reply_to_id) if post.in_reply_to_id else None,
            "in_reply_to_account_id": str(post.in_reply_to_account_id)
            if post.in_reply_to_account_id
            else None,
            "reblog": reblog,
            "poll": self.poll(self.polls[post.id])
            if reblog is None and post.id in self.polls
            else None,
            "card": None,
            "language": None,
            "text": None,
            "edited_at": iso(post.edited_at),
            "favourited": self.flags.favourited_post(post),
            "reblogged": self.flags.reposted_post(post),
            "muted": False,
            "bookmarked": self.flags.bookmarked_post(post),
            "pinned": self.flags.pinned_post(post),
            "filtered": [self.filter_result(m) for m in self.filtered.get(post.id, ())],
        }
        withheld = withheld_extension(self.viewer, post, base=self.base)
        if withheld:
            data["withheld"] = withheld
        return data

    def status_edit(self, post: Post, version: Version) -> dict[str, Any]:
        """Mastodon's StatusEdit: one version of ``post`` (already fetched through visibility)."""
        return {
            "content": self.html(version.text),
            "spoiler_text": "",
            "sensitive": False,
            "created_at": iso(version.created_at),
            "account": self.account(post.author),
            "poll": None,
            "media_attachments": [],
            "emojis": [],
        }

    def media_attachment(self, media: MediaAttachment) -> dict[str, Any]:
        """Mastodon's MediaAttachment entity (always an image here)."""
        return {
            "id": str(media.id),
            "type": "image",
            "url": self.base + media_path(media),
            "preview_url": self.base + media_path(media, small=True),
            "remote_url": None,
            "preview_remote_url": None,
            "text_url": None,
            "meta": media.meta,
            "description": media.description or None,
            "blurhash": media.blurhash or None,
        }

    def statuses(self, posts: Sequence[Post]) -> list[dict[str, Any]]:
        self.prepare(posts)
        return [self.status(p) for p in posts]

    # -- polls and conversations ----------------------------------------------

    def poll(self, view: PollView) -> dict[str, Any]:
        """Mastodon's Poll entity as the viewer sees it now (expiry read from the clock)."""
        poll, totals = view.poll, view.show_totals(self.viewer)
        return {
            "id": str(poll.id),
            "expires_at": iso(poll.expires_at),
            "expired": view.expired,
            "multiple": poll.multiple,
            "votes_count": poll.votes_count,
            "voters_count": poll.voters_count,
            "options": [
                {"title": o.title, "votes_count": o.votes_count if totals else None}
                for o in view.options
            ],
            "emojis": [],
            "voted": view.voted if self.viewer.account_id else None,
            "own_votes": view.own_votes if self.viewer.account_id else None,
        }

    def conversation(self, entry: ConversationEntry) -> dict[str, Any]:
        return {
            "id": str(entry.id),
            "unread": entry.unread,
            "accounts": [self.account(a) for a in entry.accounts],
            "last_status": self.status(entry.last_post),
        }

    def conversations(self, entries: Sequence[ConversationEntry]) -> list[dict[str, Any]]:
        self.prepare([e.last_post for e in entries])
        return [self.conversation(e) for e in entries]

    # -- what an account keeps for itself: lists and filters --------------------

    def account_list(self, account_list: AccountList) -> dict[str, Any]:
        return {
            "id": str(account_list.id),
            "title": account_list.title,
            "replies_policy": account_list.replies_policy,
            "exclusive": account_list.exclusive,
        }

    def filter_keyword(self, keyword: FilterKeyword) -> dict[str, Any]:
        return {"id": str(keyword.id), "keyword": keyword.keyword, "whole_word": keyword.whole_word}

    def filter_status(self, status: FilterStatus) -> dict[str, Any]:
        return {"id": str(status.id), "status_id": str(status.post_id)}

    def filter_v2(self, f: Filter, *, nested: bool = True) -> dict[str, Any]:
        """Mastodon's v2 Filter; ``nested=False`` leaves out keywords and statuses (as in results)."""
        data: dict[str, Any] = {
            "id": str(f.id),
            "title": f.title,
            "context": list(f.context or []),
            "expires_at": iso(f.expires_at),
            "filter_action": f.action,
        }
        if nested:
            data["keywords"] = [self.filter_keyword(k) for k in f.keywords.all()]
            data["statuses"] = [self.filter_status(s) for s in f.statuses.all()]
        return data

    def filter_result(self, match: FilterMatch) -> dict[str, Any]:
        return {
            "filter": self.filter_v2(match.filter, nested=False),
            "keyword_matches": list(match.keyword_matches) or None,
            "status_matches": list(match.status_matches) or None,
        }

    def filter_v1(self, keyword: FilterKeyword) -> dict[str, Any]:
        """A keyword as Mastodon's v1 Filter (one per keyword of a v2 filter)."""
        f = keyword.filter
        return {
            "id": str(keyword.id),
            "phrase": keyword.keyword,
            "context": list(f.context or []),
            "whole_word": keyword.whole_word,
            "expires_at": iso(f.expires_at),
            "irreversible": f.action == "hide",
        }

    # -- the rest -------------------------------------------------------------

    def relationship(self, account: Account, rel: Relationship) -> dict[str, Any]:
        return {
            "id": str(account.id),
            "following": rel.following,
            "showing_reblogs": rel.following,
            "notifying": False,
            "languages": None,
            "followed_by": rel.followed_by,
            "blocking": rel.blocking,
            "blocked_by": account.id in self.viewer.blocked_by_ids,
            "muting": rel.muting,
            "muting_notifications": rel.muting,
            "requested": rel.requested,
            "requested_by": rel.requested_by,
            "domain_blocking": False,
            "endorsed": False,
            "note": "",
        }

    def notification(self, notification: Notification) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(notification.id),
            "type": NOTIFICATION_TYPES.get(notification.kind, notification.kind),
            "created_at": iso(notification.created_at),
            "group_key": f"ungrouped-{notification.id}",
            "account": self.account(notification.actor),
        }
        if notification.post_id is not None:
            data["status"] = self.status(notification.post)
        if notification.kind in ("legal", "moderation"):
            # Mastodon's shape for a notice from the server about one's own content.
            data["moderation_warning"] = {
                "id": str(notification.id),
                "action": "none",
                "text": notification.message,
                "status_ids": None,
                "appeal": None,
                "target_account": data["account"],
                "created_at": data["created_at"],
            }
        return data

    def notifications(self, rows: Iterable[Notification]) -> list[dict[str, Any]]:
        rows = list(rows)
        self.prepare([n.post for n in rows if n.post_id is not None])
        return [self.notification(n) for n in rows]

    # -- grouped notifications (Mastodon 4.3) -----------------------------------

    def notification_group(self, group: NotificationGroup) -> dict[str, Any]:
        latest = group.latest
        data: dict[str, Any] = {
            "group_key": group.key,
            "notifications_count": group.count,
            "type": NOTIFICATION_TYPES.get(latest.kind, latest.kind),
            "most_recent_notification_id": str(latest.id),
            "page_min_id": str(group.page_min_id),
            "page_max_id": str(group.page_max_id),
            "latest_page_notification_at": iso(group.latest_at),
            "sample_account_ids": [str(a.id) for a in group.sample_accounts],
            "status_id": str(latest.post_id) if latest.post_id is not None else None,
        }
        if latest.kind == "legal":
            data["moderation_warning"] = self.notification(latest)["moderation_warning"]
        return data

    def grouped_notifications(self, groups: Sequence[NotificationGroup]) -> dict[str, Any]:
        """Mastodon's GroupedNotificationsResults: the groups, and each account and status once."""
        posts = {g.post.id: g.post for g in groups if g.post is not None}
        self.prepare(list(posts.values()))
        accounts = {a.id: a for g in groups for a in g.sample_accounts}
        return {
            "accounts": [self.account(a) for a in accounts.values()],
            "statuses": [self.status(p) for p in posts.values()],
            "notification_groups": [self.notification_group(g) for g in groups],
        }
