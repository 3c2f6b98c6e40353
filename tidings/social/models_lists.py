"""What an account keeps for itself: bookmarks, lists of accounts, pinned posts, keyword filters.

None of these changes who may see what: every read of them goes through
``tidings.visibility`` like any other list, and filters apply after it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tidings.lib.snowflake import new_snowflake
from tidings.social.models import Account, Post

__all__ = [
    "AccountList",
    "Bookmark",
    "Filter",
    "FilterAction",
    "FilterContext",
    "FilterKeyword",
    "FilterStatus",
    "ListMember",
    "Pin",
    "RepliesPolicy",
]

LIST_TITLE_MAX_LENGTH = 100
LISTS_PER_ACCOUNT = 50
LIST_MEMBERS_MAX = 500
PINS_PER_ACCOUNT = 5
FILTER_TITLE_MAX_LENGTH = 100
FILTER_KEYWORD_MAX_LENGTH = 100
FILTERS_PER_ACCOUNT = 100
KEYWORDS_PER_FILTER = 100
STATUSES_PER_FILTER = 100


class Bookmark(models.Model):
    """A post an account saved for later; the id (a snowflake) is the cursor of the list."""

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "post"], name="bookmark_unique")]
        indexes = [models.Index(fields=["account", "-id"], name="bookmark_account_id")]


class RepliesPolicy(models.TextChoices):
    FOLLOWED = "followed", "Replies to any followed account"
    LIST = "list", "Replies to members of the list"
    NONE = "none", "No replies"


class AccountList(models.Model):
    """A named list of followed accounts whose posts make a timeline of their own."""

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    owner = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=LIST_TITLE_MAX_LENGTH)
    replies_policy = models.CharField(
        max_length=10, choices=RepliesPolicy.choices, default=RepliesPolicy.LIST
    )
    exclusive = models.BooleanField(
        default=False, help_text="Posts of its members stay out of the owner's home timeline."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["owner", "id"], name="accountlist_owner")]


class ListMember(models.Model):
    list = models.ForeignKey(AccountList, on_delete=models.CASCADE, related_name="members")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["list", "account"], name="listmember_unique")
        ]
        indexes = [models.Index(fields=["account"], name="listmember_account")]


class Pin(models.Model):
    """One of an account's own posts shown on top of its profile (at most ``PINS_PER_ACCOUNT``)."""

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="pins")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "post"], name="pin_unique")]


class FilterAction(models.TextChoices):
    WARN = "warn", "Show with a warning"
    HIDE = "hide", "Hide completely"


class FilterContext(models.TextChoices):
    HOME = "home", "Home and lists"
    NOTIFICATIONS = "notifications", "Notifications"
    PUBLIC = "public", "Public timelines"
    THREAD = "thread", "Conversations"
    ACCOUNT = "account", "Profiles"


class Filter(models.Model):
    """An account's keyword filter (Mastodon's v2 filter): where it applies and what it does."""

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=FILTER_TITLE_MAX_LENGTH)
    context = models.JSONField(default=list, help_text="FilterContext values.")
    action = models.CharField(max_length=4, choices=FilterAction.choices, default=FilterAction.WARN)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["account", "id"], name="filter_account")]


class FilterKeyword(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    filter = models.ForeignKey(Filter, on_delete=models.CASCADE, related_name="keywords")
    keyword = models.CharField(max_length=FILTER_KEYWORD_MAX_LENGTH)
    whole_word = models.BooleanField(default=True)


class FilterStatus(models.Model):
    """A post a filter matches by id rather than by its words."""

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    filter = models.ForeignKey(Filter, on_delete=models.CASCADE, related_name="statuses")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["filter", "post"], name="filterstatus_unique")
        ]
