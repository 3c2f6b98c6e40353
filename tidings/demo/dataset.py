"""An in-memory dataset of accounts, follows, posts and favourites, built before any write.

Seeders describe *what* exists; :mod:`tidings.demo.writer` inserts it in bulk and
derives every denormalised counter from these rows, so counters always match them.
Ids are snowflakes of each row's creation time, so they sort by time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tidings.lib.snowflake import snowflake_at
from tidings.social.models import Account, AccountKind, NotificationKind, Visibility


@dataclass
class NewAccount:
    id: int
    username: str
    display_name: str
    kind: str
    country: str
    created_at: datetime
    bio: str = ""
    verified: bool = False
    email: str = ""


@dataclass
class NewPost:
    id: int
    author_id: int
    text: str
    created_at: datetime
    visibility: str = Visibility.PUBLIC
    in_reply_to_id: int | None = None
    in_reply_to_account_id: int | None = None
    repost_of_id: int | None = None


@dataclass
class NewNotification:
    recipient_id: int
    kind: str
    actor_id: int
    post_id: int | None
    created_at: datetime


@dataclass
class Dataset:
    """Rows to insert. ``existing`` holds accounts already in the database that take part.

    Invariants kept by the methods: no self-follows, no duplicate follow, favourite or
    repost, replies and reposts come after what they refer to, and a repost's
    visibility is its original's.
    """

    accounts: list[NewAccount] = field(default_factory=list)
    existing: dict[int, str] = field(default_factory=dict)  # id -> handle
    follows: dict[tuple[int, int], datetime] = field(default_factory=dict)
    posts: list[NewPost] = field(default_factory=list)
    favourites: dict[tuple[int, int], datetime] = field(default_factory=dict)
    notifications: list[NewNotification] = field(default_factory=list)
    _reposts: set[tuple[int, int]] = field(default_factory=set)

    def add_account(
        self,
        username: str,
        *,
        display_name: str,
        created_at: datetime,
        kind: str = AccountKind.PERSON,
        country: str = "",
        bio: str = "",
        verified: bool = False,
    ) -> NewAccount:
        account = NewAccount(
            id=snowflake_at(created_at),
            username=username,
            display_name=display_name[:60],
            kind=kind,
            country=country,
            created_at=created_at,
            bio=bio[:500],
            verified=verified,
            email=f"{username.lower()}@example.org",
        )
        self.accounts.append(account)
        return account

    def include_existing(self, account: Account) -> None:
        """Let an account already in the database follow, post and be followed here.

        Only a fresh account (no follows or posts yet) may take part, so that counters
        and home timelines can be derived from this dataset alone.
        """
        if account.followers_count or account.following_count or account.posts_count:
            raise ValueError(f"@{account.username} already has follows or posts")
        self.existing[account.id] = account.username

    def follow(self, follower_id: int, followee_id: int, at: datetime) -> bool:
        if follower_id == followee_id or (follower_id, followee_id) in self.follows:
            return False
        self.follows[(follower_id, followee_id)] = at
        return True

    def post(
        self,
        author_id: int,
        text: str,
        at: datetime,
        *,
        visibility: str = Visibility.PUBLIC,
        reply_to: NewPost | None = None,
    ) -> NewPost:
        if reply_to is not None and reply_to.repost_of_id is not None:
            raise ValueError("reply to the original, not to a repost")
        if reply_to is not None and reply_to.created_at >= at:
            raise ValueError("a reply comes after its parent")
        post = NewPost(
            id=snowflake_at(at),
            author_id=author_id,
            text=text,
            created_at=at,
            visibility=visibility,
            in_reply_to_id=reply_to.id if reply_to else None,
            in_reply_to_account_id=reply_to.author_id if reply_to else None,
        )
        self.posts.append(post)
        return post

    def repost(self, author_id: int, original: NewPost, at: datetime) -> NewPost | None:
        """A repost of ``original``; None if not allowed (own, followers-only, repeated, too early)."""
        key = (author_id, original.id)
        if (
            original.repost_of_id is not None
            or original.author_id == author_id
            or original.visibility == Visibility.FOLLOWERS
            or original.created_at >= at
            or key in self._reposts
        ):
            return None
        self._reposts.add(key)
        post = NewPost(
            id=snowflake_at(at),
            author_id=author_id,
            text="",
            created_at=at,
            visibility=original.visibility,
            repost_of_id=original.id,
        )
        self.posts.append(post)
        return post

    def favourite(self, account_id: int, post: NewPost, at: datetime) -> bool:
        if post.repost_of_id is not None or post.created_at >= at:
            return False
        key = (account_id, post.id)
        if key in self.favourites:
            return False
        self.favourites[key] = at
        return True

    def notify(
        self,
        kind: NotificationKind,
        *,
        recipient_id: int,
        actor_id: int,
        at: datetime,
        post: NewPost | None = None,
    ) -> None:
        if recipient_id != actor_id:
            self.notifications.append(
                NewNotification(recipient_id, kind, actor_id, post.id if post else None, at)
            )

    def handles(self) -> dict[str, int]:
        """Lower-cased handle -> id, for every account taking part."""
        found = {a.username.lower(): a.id for a in self.accounts}
        found.update({h.lower(): i for i, h in self.existing.items()})
        return found
