"""Every version of an edited post's text, so its history can be shown and matched to records.

A post that was never edited has no rows here: its one version is the post itself.
The first edit stores the original text (dated when the post was made) and the new
text; each later edit adds one row. ``text_sha256`` stays when a tombstone's text is
blanked, so a withholding's snapshot can still be matched to the version it names.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tidings.lib.snowflake import new_snowflake
from tidings.social.models import POST_MAX_LENGTH, Post


class PostEdit(models.Model):
    """One version of a post's text, and when it became the current one."""

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="edits")
    text = models.TextField(max_length=POST_MAX_LENGTH, blank=True)
    text_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["post", "created_at"], name="postedit_post_created")]

    def __str__(self) -> str:
        return f"post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"
