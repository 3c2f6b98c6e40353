"""Who may see an uploaded image: its owner until it is attached, then whoever may see its post.

An image never has a rule of its own: attached, it is part of its post (hidden
where the post is hidden, 451 where the post or its author is withheld); not
yet attached, it is the owner's alone. Both forms below say so through
``access_post``, so an image cannot be seen where its post cannot.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tidings.lib.errors import NotFound
from tidings.social.models import Account, MediaAttachment
from tidings.visibility.policy import access_post
from tidings.visibility.viewer import Viewer

NO_SUCH_MEDIA = "That image does not exist or is not visible to you."


def _load(media_id: int | str) -> MediaAttachment:
    try:
        return MediaAttachment.objects.get(id=int(media_id))
    except (MediaAttachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(NO_SUCH_MEDIA) from None


def access_media(viewer: Viewer, media_id: int | str) -> MediaAttachment:
    """The image ``media_id`` if ``viewer`` may see it; ``NotFound``, or ``Withheld`` (451)
    when its post is withheld for the viewer."""
    media = _load(media_id)
    if media.post_id is None:
        if media.owner_id != viewer.account_id:
            raise NotFound(NO_SUCH_MEDIA)
        return media
    access_post(viewer, media.post_id)
    return media


def access_own_media(account: Account, media_id: int | str) -> MediaAttachment:
    """``account``'s own image ``media_id`` (attached or not); ``NotFound`` for anyone else's."""
    media = _load(media_id)
    if media.owner_id != account.id:
        raise NotFound(NO_SUCH_MEDIA)
    return media


def own_unattached_media(account: Account) -> QuerySet[MediaAttachment]:
    """The uploads ``account`` may still attach to a new post."""
    return MediaAttachment.objects.filter(owner=account, post__isnull=True)
