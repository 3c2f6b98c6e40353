"""Keeping each participant's view of a direct-message conversation, inside ``do_create_post``."""

from __future__ import annotations

from tidings.social.models import Post, Visibility
from tidings.social.models_direct import AccountConversation, Conversation, ConversationPost


def track_conversation(post: Post, *, mentioned_ids: list[int]) -> Conversation:
    """File the direct ``post`` in its conversation (its parent's, when that is direct) and bring
    it to the top for the author and every mentioned account: unread for all but the author,
    shown again to those who had hidden it."""
    parent = post.in_reply_to
    link = None
    if parent is not None and parent.visibility == Visibility.DIRECT:
        link = ConversationPost.objects.filter(post_id=parent.id).first()
    conversation = link.conversation if link else Conversation.objects.create()
    ConversationPost.objects.create(post=post, conversation=conversation)
    for account_id in dict.fromkeys([post.author_id, *mentioned_ids]):
        unread = account_id != post.author_id
        updated = AccountConversation.objects.filter(
            account_id=account_id, conversation=conversation
        ).update(last_post_id=post.id, unread=unread, hidden=False)
        if not updated:
            AccountConversation.objects.create(
                account_id=account_id,
                conversation=conversation,
                last_post_id=post.id,
                unread=unread,
            )
    return conversation
