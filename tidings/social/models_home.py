"""How far down each home timeline's index is complete, once trimming has cut its tail."""

from __future__ import annotations

from django.db import models

from tidings.social.models import Account

__all__ = ["HomeFloor"]


class HomeFloor(models.Model):
    """The oldest post id the owner's ``HomeEntry`` index still answers for.

    Entries with ``post_id >= post_id`` are complete; below it they may have been
    trimmed, so the home timeline reads those posts directly from the followed
    accounts' posts. The floor only ever rises; no row means "never trimmed".
    """

    owner = models.OneToOneField(
        Account, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    post_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"home of {self.owner_id} indexed from post {self.post_id}"
