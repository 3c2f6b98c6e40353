"""Editing a post's text: a new version, re-linked hashtags and mentions, reposters told."""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.actions.posts import _link_hashtags, check_post_text
from tidings.social.models import (
    Account,
    Mention,
    NotificationKind,
    Post,
    PostEdit,
    PostHashtag,
)
from tidings.social.notify import notify
from tidings.social.text import extract_mentions
from tidings.streaming.events import publish_status_update


def _sha256(text: str) -> str:
    from tidings.legal.holds import text_sha256

    return text_sha256(text)


def _mentioned_ids(text: str) -> set[int]:
    handles = extract_mentions(text)
    if not handles:
        return set()
    return set(
        Account.objects.annotate(handle_lower=Lower("username"))
        .filter(handle_lower__in=handles, suspended_at__isnull=True)
        .values_list("id", flat=True)
    )


@transaction.atomic
def do_edit_post(post: Post, text: str, *, acting_user: Account) -> Post:
    """Replace ``post``'s text with ``text``, keeping every earlier version (see ``PostEdit``).

    Only the author edits, never a repost or a deleted post. Hashtags and mentions are
    parsed again; accounts newly mentioned are notified of the mention, and accounts
    that reposted the post get an ``update`` notification. A withholding is on the post,
    not on a text, so the edited post stays withheld wherever it was. The same text
    again changes nothing and records nothing.
    """
    text = check_post_text(text)
    if post.author_id != acting_user.id:
        raise NotPermitted("Only the author can edit a post.")
    locked = Post.objects.select_for_update().filter(id=post.id).first()
    if locked is None or locked.deleted_at is not None:
        raise InvalidInput("This post has been deleted.")
    if locked.repost_of_id is not None:
        raise InvalidInput("A repost has no text of its own to edit.")
    if locked.text == text:
        return locked
    now = timezone.now()
    if not PostEdit.objects.filter(post_id=locked.id).exists():
        PostEdit.objects.create(
            post=locked,
            text=locked.text,
            text_sha256=_sha256(locked.text),
            created_at=locked.created_at,
        )
    PostEdit.objects.create(post=locked, text=text, text_sha256=_sha256(text), created_at=now)
    before = set(Mention.objects.filter(post_id=locked.id).values_list("account_id", flat=True))
    locked.text, locked.edited_at = text, now
    locked.save(update_fields=["text", "edited_at"])
    PostHashtag.objects.filter(post_id=locked.id).delete()
    _link_hashtags(locked)
    mentioned = _mentioned_ids(text)
    Mention.objects.filter(post_id=locked.id).exclude(account_id__in=mentioned).delete()
    added = sorted(mentioned - before)
    Mention.objects.bulk_create([Mention(post=locked, account_id=i) for i in added])
    notify(
        NotificationKind.MENTION, recipient_ids=added, actor_id=acting_user.id, post_id=locked.id
    )
    reposters = list(
        Post.objects.filter(repost_of_id=locked.id, deleted_at__isnull=True)
        .order_by("id")
        .values_list("author_id", flat=True)
    )
    notify(
        NotificationKind.UPDATE,
        recipient_ids=reposters,
        actor_id=acting_user.id,
        post_id=locked.id,
    )
    record_event(
        "post.update",
        actor_id=acting_user.id,
        subject_type="post",
        subject_id=locked.id,
        data={"text_sha256": _sha256(text), "notified_reposters": len(set(reposters))},
    )
    publish_status_update(locked.id)
    return locked
