"""The social graph and its content.

Every id that users see is a snowflake (time-sortable), so timelines page by
id and never by OFFSET. Counters on ``Account`` and ``Post`` are denormalised
and kept by the ``do_*`` actions only.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from tidings.lib.snowflake import new_snowflake

HANDLE_MAX_LENGTH = 30
POST_MAX_LENGTH = 500

handle_validator = RegexValidator(
    r"^[A-Za-z0-9_]{1,30}$",
    "A handle is 1 to 30 letters, digits or underscores.",
)


class Role(models.TextChoices):
    USER = "user", "User"
    MODERATOR = "moderator", "Moderator"
    LEGAL = "legal", "Legal"
    LEGAL_ADMIN = "legal_admin", "Legal admin"
    ADMIN = "admin", "Admin"
    #: Speaks for one legal Authority (``legal.AuthorityMember``): uses the portal only.
    AUTHORITY = "authority", "Authority"


class AccountKind(models.TextChoices):
    PERSON = "person", "Person"
    NEWS = "news", "News outlet"
    JOURNALIST = "journalist", "Journalist"
    POLITICIAN = "politician", "Politician"
    UNION = "union", "Union"
    ACTIVIST = "activist", "Activist"
    CELEBRITY = "celebrity", "Celebrity"
    ORGANISATION = "organisation", "Organisation"


class AccountManager(UserManager["Account"]):
    def get_by_natural_key(self, username: str | None) -> Account:
        """Sign-in is case-insensitive on the handle, as handles are."""
        return self.get(username__iexact=username)


class Account(AbstractBaseUser, PermissionsMixin):
    """A person or organisation with a handle; also the Django user."""

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    username = models.CharField(
        "handle",
        max_length=HANDLE_MAX_LENGTH,
        unique=True,
        validators=[handle_validator, ASCIIUsernameValidator()],
    )
    email = models.EmailField(blank=True)
    display_name = models.CharField(max_length=60, blank=True)
    bio = models.TextField(max_length=500, blank=True)
    country = models.CharField(
        max_length=2, blank=True, help_text="Self-declared country (ISO 3166-1 alpha-2)."
    )
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    kind = models.CharField(max_length=16, choices=AccountKind.choices, default=AccountKind.PERSON)
    verified = models.BooleanField(default=False)
    locked = models.BooleanField(default=False)
    suspended_at = models.DateTimeField(null=True, blank=True)
    limited_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set by a moderator: posts kept off public lists and trends.",
    )
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(
        default=True, help_text="False while a sign-up waits for approval (registrations=approval)."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    followers_count = models.PositiveIntegerField(default=0)
    following_count = models.PositiveIntegerField(default=0)
    posts_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(null=True, blank=True)

    objects = AccountManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="account_username_ci_unique"),
        ]
        indexes = [
            models.Index(fields=["created_at"]),
            # The instance document names its first admin on every request: no scan for it.
            models.Index(fields=["role", "id"], name="account_role_id"),
            # Home timelines merge in the posts of the few accounts followed past the fan-out
            # limit: found from this index, not by looking up every account the viewer follows.
            models.Index(fields=["followers_count"], name="account_followers_count"),
        ]

    def __str__(self) -> str:
        return f"@{self.username}"

    @property
    def handle(self) -> str:
        return self.username

    @property
    def name(self) -> str:
        """What to show as the account's name: display name, else handle."""
        return self.display_name or self.username

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    UNLISTED = "unlisted", "Unlisted"
    FOLLOWERS = "followers", "Followers only"
    DIRECT = "direct", "Mentioned people only"


class Post(models.Model):
    """A post, a reply (``in_reply_to``) or a repost (``repost_of``, empty text).

    ``text`` is stored exactly as written; it is only ever rendered escaped.
    A post that a legal record points at is never deleted: its author's delete
    makes it a tombstone (``deleted_at``), shown to no one; its text stays only
    while a legal hold preserves it (see ``tidings.legal.holds``).
    """

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    author = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="posts")
    text = models.TextField(max_length=POST_MAX_LENGTH, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    in_reply_to_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    repost_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reposts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the author deleted a post that a legal record points at: a tombstone.",
    )
    text_sha256 = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",
        help_text="SHA-256 of the text, kept when a tombstone is made.",
    )
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="When the author last edited the text (see PostEdit)."
    )
    replies_count = models.PositiveIntegerField(default=0)
    reposts_count = models.PositiveIntegerField(default=0)
    favourites_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["author", "-id"], name="post_author_id"),
            models.Index(fields=["visibility", "-id"], name="post_visibility_id"),
            models.Index(fields=["in_reply_to", "id"], name="post_reply_id"),
            models.Index(fields=["repost_of", "author"], name="post_repost_author"),
        ]
        constraints = [
            # One repost of a post per author: two clicks at once cannot make two.
            models.UniqueConstraint(
                fields=["author", "repost_of"],
                condition=models.Q(repost_of__isnull=False),
                name="post_one_repost_per_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"

    @property
    def is_repost(self) -> bool:
        return self.repost_of_id is not None

    @property
    def is_tombstone(self) -> bool:
        return self.deleted_at is not None


class Hashtag(models.Model):
    """A hashtag, stored lower-cased; the first spelling seen is kept for display."""

    name = models.CharField(max_length=100, unique=True)
    display_name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"#{self.display_name}"


class PostHashtag(models.Model):
    """A hashtag used by a post; ``post_id`` is copied so the tag timeline is one index scan."""

    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="hashtag_links")
    author = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    listed = models.BooleanField(default=True, help_text="Public post: shown on tag pages.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hashtag", "post"], name="posthashtag_unique")
        ]
        indexes = [
            models.Index(fields=["hashtag", "listed", "-post"], name="posthashtag_tag_post"),
            models.Index(fields=["created_at"], name="posthashtag_created"),
        ]


class Mention(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "account"], name="mention_unique")]
        indexes = [models.Index(fields=["account", "-post"], name="mention_account_post")]


class Follow(models.Model):
    follower = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="following_links")
    followee = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="follower_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_unique")
        ]
        indexes = [models.Index(fields=["followee", "-id"], name="follow_followee")]


class FollowRequest(models.Model):
    """A request to follow a locked account, waiting for the account to authorize or reject it.

    Only a ``Follow`` grants access to followers-only posts; a request grants nothing.
    The id is a snowflake, so the list of requests pages by id like every list.
    """

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    requester = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="outgoing_follow_requests"
    )
    target = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="incoming_follow_requests"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requester", "target"], name="followrequest_unique")
        ]
        indexes = [models.Index(fields=["target", "-id"], name="followrequest_target")]


class Block(models.Model):
    blocker = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="blocking_links")
    blocked = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="blocked_by_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique")]
        indexes = [models.Index(fields=["blocked"], name="block_blocked")]


class Mute(models.Model):
    muter = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="muting_links")
    muted = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["muter", "muted"], name="mute_unique")]


class Favourite(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="favourites")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "post"], name="favourite_unique")]
        indexes = [models.Index(fields=["post", "-id"], name="favourite_post")]


class HomeEntry(models.Model):
    """One post in one account's home timeline (fan-out on write).

    ``author`` is copied so that unfollowing removes entries with one indexed delete.
    """

    owner = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="home_entries")
    author = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "post"], name="homeentry_unique")]
        indexes = [models.Index(fields=["owner", "author"], name="homeentry_owner_author")]


class NotificationKind(models.TextChoices):
    FOLLOW = "follow", "Follow"
    FOLLOW_REQUEST = "follow_request", "Follow request"
    MENTION = "mention", "Mention"
    REPLY = "reply", "Reply"
    REPOST = "repost", "Repost"
    FAVOURITE = "favourite", "Favourite"
    LEGAL = "legal", "Legal notice"
    UPDATE = "update", "A reposted post was edited"
    POLL = "poll", "Poll ended"
    MODERATION = "moderation", "Moderation notice"


class Notification(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    recipient = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    actor = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField(blank=True, help_text="The text of a legal notice.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_recipient"),
            # Every page's unread badge asks "any unread?"; read ones stay out of this index.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]


class MarkerTimeline(models.TextChoices):
    HOME = "home", "Home"
    NOTIFICATIONS = "notifications", "Notifications"


class Marker(models.Model):
    """Where an account stopped reading a timeline (Mastodon's read markers).

    ``version`` counts the saves, so clients can tell a newer position from a stale one.
    The notifications marker and ``Notification.read_at`` move together: saving it marks
    everything up to it read.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    timeline = models.CharField(max_length=16, choices=MarkerTimeline.choices)
    last_read_id = models.BigIntegerField()
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "timeline"], name="marker_unique")
        ]


from tidings.social.models_accountdel import AccountDeletion  # noqa: E402, F401
from tidings.social.models_direct import *  # noqa: E402, F403  (conversations and polls)
from tidings.social.models_edits import PostEdit  # noqa: E402,F401
from tidings.social.models_home import HomeFloor  # noqa: E402, F401
from tidings.social.models_lists import *  # noqa: E402, F403
from tidings.social.models_media import MediaAttachment  # noqa: E402, F401
from tidings.social.models_moderation import ModerationNotice, Report  # noqa: E402, F401
from tidings.social.models_streaming import StreamEvent  # noqa: E402, F401
