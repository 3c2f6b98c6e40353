"""Images attached to posts: uploaded first, attached when the post is written.

An upload belongs to its owner alone until it is attached to one of the
owner's posts (at most ``MEDIA_PER_POST`` per post); from then on whoever may
see the post may see the image, and nobody else. Files are only ever served
through ``tidings.web.views.media``, which asks ``tidings.visibility`` first.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tidings.lib.snowflake import new_snowflake
from tidings.social.models import Account, Post

MEDIA_PER_POST = 4
DESCRIPTION_MAX_LENGTH = 1500


class MediaAttachment(models.Model):
    """One uploaded image: the re-encoded original, its preview, their sizes and a blurhash."""

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    owner = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="media")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="media_attachments"
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within the post.")
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    focus_x = models.FloatField(default=0.0)
    focus_y = models.FloatField(default=0.0)
    file = models.ImageField(upload_to="media/original/")
    thumbnail = models.ImageField(upload_to="media/small/")
    meta = models.JSONField(default=dict)
    blurhash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["post", "position"], name="media_post_position"),
            models.Index(fields=["post", "created_at"], name="media_unattached_age"),
        ]

    def __str__(self) -> str:
        return f"media {self.id} of {self.owner}"

    @property
    def original_name(self) -> str:
        """The file name of the stored original (``original.jpg``), as it appears in its URL."""
        return self.file.name.rsplit("/", 1)[-1]

    @property
    def small_name(self) -> str:
        """The file name of the preview (``small.jpg``)."""
        return self.thumbnail.name.rsplit("/", 1)[-1]


def media_path(media: MediaAttachment, *, small: bool = False) -> str:
    """Where an image (or its preview) is served, through the visibility check."""
    return f"/media/{media.id}/{media.small_name if small else media.original_name}"
