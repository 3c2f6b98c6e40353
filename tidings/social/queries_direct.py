"""Reads for direct messages and polls: the viewer's conversations, and a page's polls.

Every post and account shown comes through ``tidings.visibility``: a conversation
shows its newest post the viewer may see, and only participants it may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from tidings.social.models import Account, Post
from tidings.social.models_direct import AccountConversation, Poll, PollVote
from tidings.social.queries import POST_RELATED, Cursor, page_by_cursor
from tidings.visibility import Listing, Viewer, visible_accounts, visible_posts


@dataclass(frozen=True)
class ConversationEntry:
    id: int
    accounts: list[Account]
    last_post: Post
    unread: bool
    cursor_id: int  # the id pages go by: the newest message's, as stored for the viewer


def conversations(viewer: Viewer, cursor: Cursor) -> list[ConversationEntry]:
    """The viewer's conversations not hidden, newest message first, paged by that message's id.

    A conversation none of whose posts the viewer may see any more (withheld, deleted,
    blocked) is left out.
    """
    assert viewer.account_id is not None
    rows = page_by_cursor(
        AccountConversation.objects.filter(account_id=viewer.account_id, hidden=False),
        "last_post_id",
        cursor,
        cursor.limit,
    )
    entries = []
    visible = visible_accounts(Account.objects.all(), viewer)
    for row in rows:
        last = (
            visible_posts(
                Post.objects.filter(conversation_link__conversation_id=row.conversation_id),
                viewer,
                Listing.DIRECT,
            )
            .select_related(*POST_RELATED)
            .order_by("-id")
            .first()
        )
        if last is None:
            continue
        others = list(
            visible.filter(
                id__in=AccountConversation.objects.filter(
                    conversation_id=row.conversation_id
                ).values("account_id")
            )
            .exclude(id=viewer.account_id)
            .order_by("id")
        )
        entries.append(ConversationEntry(row.id, others, last, row.unread, row.last_post_id))
    return entries


def unread_conversations_count(viewer: Viewer) -> int:
    if viewer.account_id is None:
        return 0
    return AccountConversation.objects.filter(
        account_id=viewer.account_id, hidden=False, unread=True
    ).count()


@dataclass
class PollView:
    """A poll as one viewer sees it now: expired by the clock, and the viewer's own votes."""

    poll: Poll
    options: list
    own_votes: list[int] = field(default_factory=list)
    expired: bool = False

    @property
    def voted(self) -> bool:
        return bool(self.own_votes)

    def show_totals(self, viewer: Viewer) -> bool:
        """Totals of a poll with hidden totals show only once it ended, or to its author."""
        return (
            not self.poll.hide_totals
            or self.expired
            or self.poll.post.author_id == viewer.account_id
        )


def polls_for(
    viewer: Viewer, posts: Sequence[Post], *, with_poll: frozenset[int] | None = None
) -> dict[int, PollView]:
    """The polls of ``posts`` (already shown to the viewer; for a repost, the original's) by
    post id, with their options and the viewer's votes: three queries a page, none when
    ``with_poll`` (the originals known to have a poll, from ``viewer_flags``) is empty."""
    originals = {(p.repost_of if p.repost_of_id else p).id: p.repost_of or p for p in posts}
    if with_poll is not None:
        originals = {i: p for i, p in originals.items() if i in with_poll}
    if not originals:
        return {}
    polls = list(Poll.objects.filter(post_id__in=originals).prefetch_related("options"))
    if not polls:
        return {}
    mine: dict[int, list[int]] = {}
    if viewer.account_id is not None:
        votes = PollVote.objects.filter(
            poll_id__in=[p.id for p in polls], account_id=viewer.account_id
        ).select_related("option")
        for vote in votes:
            mine.setdefault(vote.poll_id, []).append(vote.option.position)
    now = timezone.now()
    result = {}
    for poll in polls:
        poll.post = originals[poll.post_id]
        result[poll.post_id] = PollView(
            poll, list(poll.options.all()), sorted(mine.get(poll.id, [])), poll.expired(now)
        )
    return result
