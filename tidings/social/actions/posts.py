"""Posting, replying, reposting, favouriting and deleting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.actions.media import attach_media, discard_media_of
from tidings.social.conversations import track_conversation
from tidings.social.fanout import schedule_fanout
from tidings.social.models import (
    POST_MAX_LENGTH,
    Account,
    Favourite,
    Hashtag,
    HomeEntry,
    MediaAttachment,
    Mention,
    Notification,
    NotificationKind,
    Post,
    PostEdit,
    PostHashtag,
    Visibility,
)
from tidings.social.notify import notify
from tidings.social.text import extract_hashtags, extract_mentions
from tidings.streaming.events import publish_delete


def check_post_text(text: str, *, with_media: bool = False) -> str:
    """The text of a new post; it may be empty only when images carry the post."""
    if text is None or (not text.strip() and not with_media):
        raise InvalidInput("A post cannot be empty.")
    if len(text) > POST_MAX_LENGTH:
        raise InvalidInput(
            f"A post is at most {POST_MAX_LENGTH} characters; this one has {len(text)}."
        )
    return text


def _link_hashtags(post: Post) -> None:
    names = extract_hashtags(post.text)
    if not names:
        return
    Hashtag.objects.bulk_create(
        [Hashtag(name=n.lower(), display_name=n) for n in names], ignore_conflicts=True
    )
    tags = Hashtag.objects.filter(name__in=[n.lower() for n in names])
    PostHashtag.objects.bulk_create(
        [
            PostHashtag(
                hashtag=t,
                post=post,
                author_id=post.author_id,
                created_at=post.created_at,
                listed=post.visibility == Visibility.PUBLIC,
            )
            for t in tags
        ]
    )


def _link_mentions(post: Post) -> list[int]:
    handles = extract_mentions(post.text)
    if not handles:
        return []
    ids = list(
        Account.objects.annotate(handle_lower=Lower("username"))
        .filter(handle_lower__in=handles, suspended_at__isnull=True)
        .values_list("id", flat=True)
    )
    Mention.objects.bulk_create([Mention(post=post, account_id=i) for i in ids])
    return ids


def _count_new_post(author: Account, created_at: datetime) -> None:
    """Add the new post to ``author``'s counters, and set them on ``author`` as written (the
    posting answer shows them without reading the account back). One statement with
    ``RETURNING`` (PostgreSQL, SQLite 3.35+): exact even while the author posts elsewhere."""
    table = Account._meta.db_table
    quote = connection.ops.quote_name
    count, last = (
        quote(Account._meta.get_field(f).column) for f in ("posts_count", "last_post_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {count} = {count} + 1, {last} = %s "  # noqa: S608 (names)
            f"WHERE {quote(Account._meta.pk.column)} = %s RETURNING {count}",
            [connection.ops.adapt_datetimefield_value(created_at), author.id],
        )
        row = cursor.fetchone()
    if row is None:  # the account row is gone (deleted meanwhile): the insert's foreign key fails
        raise InvalidInput("This account no longer exists.")
    author.posts_count, author.last_post_at = row[0], created_at


@transaction.atomic
def do_create_post(
    text: str,
    *,
    acting_user: Account,
    visibility: str = Visibility.PUBLIC,
    in_reply_to: Post | None = None,
    created_at=None,
    media: Sequence[MediaAttachment] = (),
) -> Post:
    """A new post by ``acting_user``; hashtags and mentions linked, ``media`` (the author's
    unattached uploads, see ``check_media_ids``) attached, fan-out to followers queued."""
    text = check_post_text(text, with_media=bool(media))
    if visibility not in Visibility.values:
        raise InvalidInput(
            f"Unknown visibility {visibility!r}; choose one of {', '.join(Visibility.values)}."
        )
    if in_reply_to is not None and in_reply_to.repost_of_id is not None:
        in_reply_to = in_reply_to.repost_of
    post = Post(
        author=acting_user,
        text=text,
        visibility=visibility,
        in_reply_to=in_reply_to,
        in_reply_to_account_id=in_reply_to.author_id if in_reply_to else None,
        created_at=created_at or timezone.now(),
    )
    post.save(force_insert=True)
    attach_media(post, media, acting_user=acting_user)
    _link_hashtags(post)
    mentioned = all_mentioned = _link_mentions(post)
    _count_new_post(acting_user, post.created_at)
    if in_reply_to is not None:
        Post.objects.filter(id=in_reply_to.id).update(replies_count=F("replies_count") + 1)
        notify(
            NotificationKind.REPLY,
            recipient_ids=[in_reply_to.author_id],
            actor_id=acting_user.id,
            post_id=post.id,
        )
        mentioned = [m for m in mentioned if m != in_reply_to.author_id]
    notify(
        NotificationKind.MENTION, recipient_ids=mentioned, actor_id=acting_user.id, post_id=post.id
    )
    if visibility == Visibility.DIRECT:
        track_conversation(post, mentioned_ids=all_mentioned)
    schedule_fanout(post)
    # Last, so the chain head's row lock is held only until the commit that follows.
    record_event(
        "post.create",
        actor_id=acting_user.id,
        subject_type="post",
        subject_id=post.id,
        data={
            "visibility": visibility,
            "in_reply_to": in_reply_to.id if in_reply_to else None,
            **({"media": [m.id for m in media]} if media else {}),
        },
    )
    return post


@transaction.atomic
def do_delete_post(post: Post, *, acting_user: Account) -> None:
    """Deleting is the author's act alone (legal actions withhold, they never delete).

    A post that a legal record points at becomes a tombstone instead of going:
    hidden from everyone, its text kept only under a legal hold (see
    ``tidings.legal.holds``). The audit event keeps the text's SHA-256, never the text.
    (A moderator's deletion is ``do_moderator_delete_post``: always a tombstone.)
    """
    if post.author_id != acting_user.id:
        raise NotPermitted("Only the author can delete a post.")
    remove_post(post, action="post.delete", actor_id=acting_user.id)


def remove_post(
    post: Post,
    *,
    action: str,
    actor_id: int,
    keep_tombstone: bool = False,
    data: dict[str, object] | None = None,
) -> bool:
    """Take ``post`` down inside the caller's transaction and record ``action``; False if gone already.

    A tombstone is left when a legal record points at the post or ``keep_tombstone``
    asks for one (a report's evidence); its text survives only under a legal hold.
    """
    from tidings.legal.holds import (
        demands_preserving,
        legally_referenced,
        place_holds,
        text_sha256,
    )

    locked = Post.objects.select_for_update().filter(id=post.id).first()
    if locked is None or locked.deleted_at is not None:
        return False  # deleted meanwhile by a simultaneous request: its counters are already down
    post = locked
    Account.objects.filter(id=post.author_id, posts_count__gt=0).update(
        posts_count=F("posts_count") - 1
    )
    if post.in_reply_to_id:
        Post.objects.filter(id=post.in_reply_to_id, replies_count__gt=0).update(
            replies_count=F("replies_count") - 1
        )
    if post.repost_of_id:
        Post.objects.filter(id=post.repost_of_id, reposts_count__gt=0).update(
            reposts_count=F("reposts_count") - 1
        )
    digest = text_sha256(post.text)
    event: dict[str, object] = {
        **(data or {}),
        "text_sha256": digest,
        "repost_of": post.repost_of_id,
    }
    preserving = demands_preserving(post)
    if preserving or keep_tombstone or legally_referenced(post):
        now = timezone.now()
        holds = place_holds(post, preserving, now)
        post.deleted_at, post.text_sha256 = now, digest
        if not holds:
            post.text = ""
            PostEdit.objects.filter(post_id=post.id).update(text="")  # earlier versions too
            if discarded := discard_media_of([post.id]):
                event["images_discarded"] = discarded
        post.save(update_fields=["deleted_at", "text_sha256", "text"])
        HomeEntry.objects.filter(post_id=post.id).delete()
        PostHashtag.objects.filter(post_id=post.id).delete()
        Notification.objects.filter(post_id=post.id).delete()
        event["tombstone"] = True
        event["held_until"] = max(h.ends_at for h in holds).isoformat() if holds else None
    elif discarded := discard_media_of([post.id]):
        event["images_discarded"] = discarded
    record_event(action, actor_id=actor_id, subject_type="post", subject_id=post.id, data=event)
    publish_delete(post.id)
    if post.deleted_at is None:
        post.delete()
    return True


def _original(post: Post) -> Post:
    return post.repost_of if post.repost_of_id is not None else post


@transaction.atomic
def do_repost(post: Post, *, acting_user: Account) -> Post:
    """Repost ``post`` (or what it reposts); reposting twice returns the existing repost."""
    original = _original(post)
    if original.visibility == Visibility.FOLLOWERS:
        raise InvalidInput("A followers-only post cannot be reposted.")
    if original.visibility == Visibility.DIRECT:
        raise InvalidInput("A direct message cannot be reposted.")
    existing = Post.objects.filter(author=acting_user, repost_of=original).first()
    if existing is not None:
        return existing
    repost = Post(author=acting_user, text="", visibility=original.visibility, repost_of=original)
    try:
        with transaction.atomic():
            repost.save(force_insert=True)
    except IntegrityError:
        # The same repost committed in another request meanwhile (post_one_repost_per_author).
        return Post.objects.get(author=acting_user, repost_of=original)
    Post.objects.filter(id=original.id).update(reposts_count=F("reposts_count") + 1)
    Account.objects.filter(id=acting_user.id).update(posts_count=F("posts_count") + 1)
    notify(
        NotificationKind.REPOST,
        recipient_ids=[original.author_id],
        actor_id=acting_user.id,
        post_id=original.id,
    )
    record_event(
        "post.repost",
        actor_id=acting_user.id,
        subject_type="post",
        subject_id=repost.id,
        data={"repost_of": original.id},
    )
    schedule_fanout(repost)
    return repost


@transaction.atomic
def do_unrepost(post: Post, *, acting_user: Account) -> Post:
    """Undo ``acting_user``'s repost of ``post``; returns the original. Idempotent."""
    original = _original(post)
    repost = Post.objects.filter(author=acting_user, repost_of=original).first()
    if repost is not None:
        do_delete_post(repost, acting_user=acting_user)
        original.refresh_from_db()
    return original


@transaction.atomic
def do_favourite(post: Post, *, acting_user: Account) -> Post:
    """Favourite ``post`` (or what it reposts); idempotent."""
    original = _original(post)
    try:
        with transaction.atomic():
            Favourite.objects.create(account=acting_user, post=original)
    except IntegrityError:
        return original
    Post.objects.filter(id=original.id).update(favourites_count=F("favourites_count") + 1)
    notify(
        NotificationKind.FAVOURITE,
        recipient_ids=[original.author_id],
        actor_id=acting_user.id,
        post_id=original.id,
    )
    record_event(
        "post.favourite", actor_id=acting_user.id, subject_type="post", subject_id=original.id
    )
    original.refresh_from_db()
    return original


@transaction.atomic
def do_unfavourite(post: Post, *, acting_user: Account) -> Post:
    original = _original(post)
    deleted, _ = Favourite.objects.filter(account=acting_user, post=original).delete()
    if deleted:
        Post.objects.filter(id=original.id, favourites_count__gt=0).update(
            favourites_count=F("favourites_count") - 1
        )
        record_event(
            "post.unfavourite", actor_id=acting_user.id, subject_type="post", subject_id=original.id
        )
    original.refresh_from_db()
    return original
