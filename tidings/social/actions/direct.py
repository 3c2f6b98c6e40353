"""Polls (creating one with its post, voting, ending) and a participant's own conversations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput, NotFound
from tidings.social.actions.posts import do_create_post
from tidings.social.models import Account, Notification, NotificationKind, Post, Visibility
from tidings.social.models_direct import (
    POLL_MAX_EXPIRATION,
    POLL_MAX_OPTIONS,
    POLL_MIN_EXPIRATION,
    POLL_MIN_OPTIONS,
    POLL_OPTION_MAX_LENGTH,
    AccountConversation,
    Poll,
    PollOption,
    PollVote,
)
from tidings.social.models_media import MediaAttachment
from tidings.social.notify import notify


@dataclass(frozen=True)
class PollSpec:
    options: tuple[str, ...]
    expires_in: int
    multiple: bool = False
    hide_totals: bool = False


def check_poll(
    options: list[object], expires_in: object, *, multiple: bool = False, hide_totals: bool = False
) -> PollSpec:
    """A valid poll: 2 to 4 distinct, non-empty options of at most 50 characters each, ending in
    5 minutes to 7 days (``expires_in`` in seconds)."""
    if not isinstance(options, list | tuple):
        raise InvalidInput("A poll's options are a list.")
    if not POLL_MIN_OPTIONS <= len(options) <= POLL_MAX_OPTIONS:
        raise InvalidInput(
            f"A poll has {POLL_MIN_OPTIONS} to {POLL_MAX_OPTIONS} options; this one has {len(options)}."
        )
    titles = []
    for option in options:
        if not isinstance(option, str) or not option.strip():
            raise InvalidInput("A poll option cannot be empty.")
        if "\x00" in option:
            raise InvalidInput("A poll option contains a NUL character.")
        if len(option.strip()) > POLL_OPTION_MAX_LENGTH:
            raise InvalidInput(
                f"A poll option is at most {POLL_OPTION_MAX_LENGTH} characters; "
                f"one has {len(option.strip())}."
            )
        titles.append(option.strip())
    if len(set(titles)) != len(titles):
        raise InvalidInput("A poll's options must differ from each other.")
    try:
        seconds = int(str(expires_in).strip())
    except (TypeError, ValueError):
        raise InvalidInput("A poll's expires_in is a number of seconds.") from None
    if not POLL_MIN_EXPIRATION <= seconds <= POLL_MAX_EXPIRATION:
        raise InvalidInput("A poll lasts from 5 minutes (300 s) to 7 days (604800 s).")
    return PollSpec(tuple(titles), seconds, bool(multiple), bool(hide_totals))


#: The lengths a composer offers (Mastodon's choices), in seconds, with their names.
POLL_DURATIONS = (
    (5 * 60, "5 minutes"),
    (30 * 60, "30 minutes"),
    (60 * 60, "1 hour"),
    (6 * 60 * 60, "6 hours"),
    (24 * 60 * 60, "1 day"),
    (3 * 24 * 60 * 60, "3 days"),
    (7 * 24 * 60 * 60, "7 days"),
)


def check_poll_alone(poll: PollSpec | None, media_count: int) -> None:
    """A post carries a poll or images, never both (as on Mastodon)."""
    if poll is not None and media_count:
        raise InvalidInput("A post can have a poll or images, not both.")


@transaction.atomic
def do_create_post_with_poll(
    text: str,
    *,
    poll: PollSpec,
    acting_user: Account,
    visibility: str = Visibility.PUBLIC,
    in_reply_to: Post | None = None,
    media: Sequence[MediaAttachment] = (),
) -> Post:
    """A new post (as :func:`do_create_post`) carrying ``poll``, which ends ``expires_in`` from now.

    Refused with any ``media``: a post has a poll or images, not both.
    """
    check_poll_alone(poll, len(media))
    post = do_create_post(
        text, acting_user=acting_user, visibility=visibility, in_reply_to=in_reply_to
    )
    created = Poll.objects.create(
        post=post,
        expires_at=post.created_at + timedelta(seconds=poll.expires_in),
        multiple=poll.multiple,
        hide_totals=poll.hide_totals,
    )
    PollOption.objects.bulk_create(
        [PollOption(poll=created, position=i, title=t) for i, t in enumerate(poll.options)]
    )
    record_event(
        "poll.create",
        actor_id=acting_user.id,
        subject_type="post",
        subject_id=post.id,
        data={
            "options": len(poll.options),
            "expires_at": created.expires_at.isoformat(),
            "multiple": poll.multiple,
        },
    )
    return post


@transaction.atomic
def do_vote(poll: Poll, choices: list[object], *, acting_user: Account) -> Poll:
    """``acting_user`` votes once in ``poll`` (whose post it may see: callers use ``access_poll``).

    ``choices`` are option indexes: one, or several in a multiple-choice poll. Refused
    after the poll ended, for a second vote, and for an unknown option.
    """
    poll = Poll.objects.select_for_update().get(id=poll.id)
    if poll.expired():
        raise InvalidInput("The poll has already ended.")
    if PollVote.objects.filter(poll=poll, account=acting_user).exists():
        raise InvalidInput("You have already voted on this poll.")
    options = list(poll.options.all())
    try:
        indexes = sorted({int(str(c).strip()) for c in choices})
    except (TypeError, ValueError):
        raise InvalidInput("A choice is the index of an option.") from None
    if not indexes:
        raise InvalidInput("Choose at least one option.")
    if any(not 0 <= i < len(options) for i in indexes):
        raise InvalidInput(f"A choice is an option index from 0 to {len(options) - 1}.")
    if len(indexes) > 1 and not poll.multiple:
        raise InvalidInput("This poll takes a single choice.")
    try:
        with transaction.atomic():
            PollVote.objects.bulk_create(
                [PollVote(poll=poll, option=options[i], account=acting_user) for i in indexes]
            )
    except IntegrityError:
        raise InvalidInput("You have already voted on this poll.") from None
    PollOption.objects.filter(id__in=[options[i].id for i in indexes]).update(
        votes_count=F("votes_count") + 1
    )
    Poll.objects.filter(id=poll.id).update(
        votes_count=F("votes_count") + len(indexes), voters_count=F("voters_count") + 1
    )
    record_event(
        "poll.vote",
        actor_id=acting_user.id,
        subject_type="post",
        subject_id=poll.post_id,
        data={"choices": indexes},
    )
    poll.refresh_from_db()
    return poll


@transaction.atomic
def do_end_polls(*, acting_user: Account | None, now=None) -> int:
    """Tell the voters and the author of each poll that ended (by the clock) that it did; once
    each. Returns how many polls ended."""
    now = now or timezone.now()
    ended = list(
        Poll.objects.select_for_update(skip_locked=True)
        .filter(ended_notified_at__isnull=True, expires_at__lte=now)
        .select_related("post")[:500]
    )
    for poll in ended:
        voters = list(
            PollVote.objects.filter(poll=poll).values_list("account_id", flat=True).distinct()
        )
        # notify() never tells the actor; the author is told by this one row of its own.
        notify(
            NotificationKind.POLL,
            recipient_ids=voters,
            actor_id=poll.post.author_id,
            post_id=poll.post_id,
        )
        Notification.objects.create(
            recipient_id=poll.post.author_id,
            kind=NotificationKind.POLL,
            actor_id=poll.post.author_id,
            post_id=poll.post_id,
        )
        Poll.objects.filter(id=poll.id).update(ended_notified_at=now)
        record_event(
            "poll.end",
            actor_id=acting_user.id if acting_user else None,
            subject_type="post",
            subject_id=poll.post_id,
            data={"voters": len(voters), "votes": poll.votes_count},
        )
    return len(ended)


def _mine(conversation_id: int | str, account: Account) -> AccountConversation:
    try:
        return AccountConversation.objects.select_for_update().get(
            id=int(conversation_id), account=account
        )
    except (AccountConversation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("There is no such conversation.") from None


@transaction.atomic
def do_hide_conversation(conversation_id: int | str, *, acting_user: Account) -> None:
    """Hide one of ``acting_user``'s conversations from its list (until a new message arrives)."""
    mine = _mine(conversation_id, acting_user)
    AccountConversation.objects.filter(id=mine.id).update(hidden=True, unread=False)
    record_event(
        "conversation.hide",
        actor_id=acting_user.id,
        subject_type="conversation",
        subject_id=mine.id,
    )


@transaction.atomic
def do_read_conversation(
    conversation_id: int | str, *, acting_user: Account
) -> AccountConversation:
    """Mark one of ``acting_user``'s conversations read."""
    mine = _mine(conversation_id, acting_user)
    if mine.unread:
        AccountConversation.objects.filter(id=mine.id).update(unread=False)
        record_event(
            "conversation.read",
            actor_id=acting_user.id,
            subject_type="conversation",
            subject_id=mine.id,
        )
        mine.unread = False
    return mine
