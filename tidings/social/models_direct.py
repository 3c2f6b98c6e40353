"""Direct-message conversations and polls.

A **conversation** is a thread of direct posts: a direct post that replies to a
direct post joins its conversation, any other starts one. Each participant (the
author and the accounts a post mentions) has an ``AccountConversation``: its own
view of the thread (newest post, unread, hidden), as Mastodon keeps it.

A **poll** belongs to one post; it is seen exactly when its post is seen. It ends
by the clock (``expires_at``), read at request time; ``ended_notified_at`` records
that the voters and the author were told.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tidings.lib.snowflake import new_snowflake
from tidings.social.models import Account, Post

__all__ = [
    "AccountConversation",
    "Conversation",
    "ConversationPost",
    "Poll",
    "PollOption",
    "PollVote",
]

POLL_MIN_OPTIONS = 2
POLL_MAX_OPTIONS = 4
POLL_OPTION_MAX_LENGTH = 50
POLL_MIN_EXPIRATION = 5 * 60
POLL_MAX_EXPIRATION = 7 * 24 * 60 * 60


class Conversation(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    created_at = models.DateTimeField(default=timezone.now)


class ConversationPost(models.Model):
    """Which conversation a direct post belongs to."""

    post = models.OneToOneField(
        Post, primary_key=True, on_delete=models.CASCADE, related_name="conversation_link"
    )
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="links")


class AccountConversation(models.Model):
    """One participant's view of a conversation; its id is the conversation id the API shows."""

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    last_post_id = models.BigIntegerField(help_text="The newest post of the thread (its cursor).")
    unread = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "conversation"], name="accountconversation_unique"
            )
        ]
        indexes = [
            models.Index(fields=["account", "-last_post_id"], name="accountconv_account_last")
        ]


class Poll(models.Model):
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="poll")
    expires_at = models.DateTimeField()
    multiple = models.BooleanField(default=False)
    hide_totals = models.BooleanField(default=False)
    votes_count = models.PositiveIntegerField(default=0)
    voters_count = models.PositiveIntegerField(default=0)
    ended_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["ended_notified_at", "expires_at"], name="poll_to_notify"),
        ]

    def expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=POLL_OPTION_MAX_LENGTH)
    votes_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="polloption_unique")
        ]


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "account"], name="pollvote_unique")
        ]
        indexes = [models.Index(fields=["poll", "account"], name="pollvote_poll_account")]
