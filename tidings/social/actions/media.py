"""Uploading, describing, attaching and purging post images."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput
from tidings.lib.images import prepare_post_image
from tidings.social.models import Account, MediaAttachment, Post
from tidings.social.models_media import DESCRIPTION_MAX_LENGTH, MEDIA_PER_POST


def check_description(description: str | None) -> str:
    """Alt text: at most ``DESCRIPTION_MAX_LENGTH`` characters, no NUL or control bytes."""
    description = (description or "").strip()
    if "\x00" in description:
        raise InvalidInput("A description cannot contain a NUL character.")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise InvalidInput(
            f"A description is at most {DESCRIPTION_MAX_LENGTH} characters; "
            f"this one has {len(description)}."
        )
    return description


def check_focus(focus: str | None) -> tuple[float, float]:
    """Mastodon's focal point ``"x,y"``, each between -1 and 1; empty means the centre."""
    if not focus:
        return 0.0, 0.0
    try:
        x, y = (float(part) for part in str(focus)[:40].split(","))
    except ValueError:
        raise InvalidInput("A focus is two numbers between -1 and 1, as in '0.5,-0.2'.") from None
    if not (-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0):
        raise InvalidInput("A focus is two numbers between -1 and 1, as in '0.5,-0.2'.")
    return x, y


@transaction.atomic
def do_upload_media(
    upload: object, *, acting_user: Account, description: str = "", focus: str | None = None
) -> MediaAttachment:
    """A new, unattached image of ``acting_user``'s, stored re-encoded without metadata.

    Raises ``InvalidInput`` (422) for anything the image pipeline refuses.
    """
    description = check_description(description)
    focus_x, focus_y = check_focus(focus)
    prepared = prepare_post_image(upload)
    media = MediaAttachment(
        owner=acting_user,
        description=description,
        focus_x=focus_x,
        focus_y=focus_y,
        meta={**prepared.meta(), "focus": {"x": focus_x, "y": focus_y}},
        blurhash=prepared.blurhash,
    )
    for field, stored in ((media.file, prepared.original), (media.thumbnail, prepared.thumbnail)):
        field.save(f"{media.id}/{stored.content.name}", stored.content, save=False)
    media.save(force_insert=True)
    record_event(
        "media.upload",
        actor_id=acting_user.id,
        subject_type="media",
        subject_id=media.id,
        data={"size": prepared.meta()["original"]["size"], "described": bool(description)},
    )
    return media


@transaction.atomic
def do_describe_media(
    media: MediaAttachment,
    *,
    acting_user: Account,
    description: str | None = None,
    focus: str | None = None,
) -> MediaAttachment:
    """Change the alt text (and focal point) of ``acting_user``'s own image."""
    if media.owner_id != acting_user.id:
        raise InvalidInput("Only the owner can describe an image.")
    fields = []
    if description is not None:
        media.description = check_description(description)
        fields.append("description")
    if focus is not None:
        media.focus_x, media.focus_y = check_focus(focus)
        media.meta = {**media.meta, "focus": {"x": media.focus_x, "y": media.focus_y}}
        fields += ["focus_x", "focus_y", "meta"]
    if fields:
        media.save(update_fields=fields)
        record_event(
            "media.describe",
            actor_id=acting_user.id,
            subject_type="media",
            subject_id=media.id,
            data={"fields": fields},
        )
    return media


def check_media_ids(media_ids: Sequence[object], *, owner: Account) -> list[MediaAttachment]:
    """``owner``'s unattached uploads named by ``media_ids``, in that order.

    Refuses (422) more than ``MEDIA_PER_POST``, and any id that is not an
    unattached upload of ``owner``'s (someone else's reads as unknown).
    """
    if len(media_ids) > MEDIA_PER_POST:
        raise InvalidInput(f"A post has at most {MEDIA_PER_POST} images; {len(media_ids)} given.")
    ids: list[int] = []
    for raw in media_ids:
        try:
            ids.append(int(str(raw)[:20]))
        except ValueError:
            raise InvalidInput("Media ids are numbers.") from None
    if len(set(ids)) != len(ids):
        raise InvalidInput("The same image is attached twice.")
    if not ids:
        return []  # most posts: no query built
    found = {m.id: m for m in MediaAttachment.objects.filter(id__in=ids, owner=owner)}
    for media_id in ids:
        media = found.get(media_id)
        if media is None or media.post_id is not None:
            raise InvalidInput(f"Image {media_id} does not exist or is already attached to a post.")
    return [found[i] for i in ids]


def attach_media(post: Post, media: Sequence[MediaAttachment], *, acting_user: Account) -> None:
    """Attach ``media`` to ``post`` inside the posting action's transaction (whose
    ``post.create`` event lists them).

    The rows are claimed with one conditional update, so two posts written at
    once cannot both take the same upload: the second gets a 422.
    """
    for position, item in enumerate(media):
        claimed = MediaAttachment.objects.filter(
            id=item.id, owner=acting_user, post__isnull=True
        ).update(post=post, position=position)
        if claimed != 1:
            raise InvalidInput(f"Image {item.id} does not exist or is already attached to a post.")
        item.post, item.position = post, position


@transaction.atomic
def do_post_with_images(
    text: str,
    images: Sequence[tuple[object, str]],
    *,
    acting_user: Account,
    visibility: str,
    in_reply_to: Post | None = None,
) -> Post:
    """Upload ``images`` (file, description) and post them with ``text``, all or nothing."""
    from tidings.social.actions.posts import do_create_post

    if len(images) > MEDIA_PER_POST:
        raise InvalidInput(f"A post has at most {MEDIA_PER_POST} images; {len(images)} given.")
    media = [
        do_upload_media(upload, acting_user=acting_user, description=description)
        for upload, description in images
    ]
    return do_create_post(
        text, acting_user=acting_user, visibility=visibility, in_reply_to=in_reply_to, media=media
    )


def _remove_files_on_commit(media: Sequence[MediaAttachment]) -> None:
    names = [name for m in media for name in (m.file.name, m.thumbnail.name) if name]
    storage = MediaAttachment._meta.get_field("file").storage

    def remove_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)


def discard_media_of(post_ids: Iterable[int]) -> int:
    """Inside a delete or a purge: drop the images of these posts and, once it commits, their files.

    Never called for a tombstone a legal hold preserves: its images stay, as its text does.
    """
    media = list(MediaAttachment.objects.filter(post_id__in=list(post_ids)))
    if media:
        MediaAttachment.objects.filter(id__in=[m.id for m in media]).delete()
        _remove_files_on_commit(media)
    return len(media)


@transaction.atomic
def do_purge_unattached_media(*, older_than: datetime, acting_user: Account | None) -> int:
    """Delete uploads never attached to a post and created before ``older_than``; their files
    go once the deletion commits. Returns how many."""
    stale = list(
        MediaAttachment.objects.filter(post__isnull=True, created_at__lt=older_than).order_by("id")
    )
    if not stale:
        return 0
    MediaAttachment.objects.filter(id__in=[m.id for m in stale], post__isnull=True).delete()
    _remove_files_on_commit(stale)
    record_event(
        "media.purge",
        actor_id=acting_user.id if acting_user else None,
        subject_type="media",
        subject_id="",
        data={"count": len(stale), "before": older_than.isoformat()},
    )
    return len(stale)
