"""Reading post images: the images of a page of posts, in one query."""

from __future__ import annotations

from collections.abc import Sequence

from tidings.social.models import MediaAttachment, Post


def media_by_post(posts: Sequence[Post]) -> dict[int, tuple[MediaAttachment, ...]]:
    """The images of each post (of the original, for a repost) in the order they were attached.

    The posts must already be ones the viewer may see: an image is shown wherever its post is.
    """
    ids = {p.repost_of_id or p.id for p in posts}
    if not ids:
        return {}
    found: dict[int, list[MediaAttachment]] = {}
    for media in MediaAttachment.objects.filter(post_id__in=ids).order_by("post_id", "position"):
        found.setdefault(media.post_id, []).append(media)  # type: ignore[arg-type]
    return {post_id: tuple(items) for post_id, items in found.items()}
