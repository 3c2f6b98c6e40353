"""The record that an account was deleted by its owner.

The ``Account`` row itself stays: legal records point at it with ``PROTECT``,
the audit log names its id, and its handle stays reserved so nobody can take
it over. Deleting also marks the account suspended (``suspended_at``), so
every form of the visibility rule already treats it as not live; this record
is what tells a deletion from a suspension (410 Gone, never lifted).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tidings.social.models import Account


class AccountDeletion(models.Model):
    account = models.OneToOneField(
        Account, primary_key=True, on_delete=models.PROTECT, related_name="deletion"
    )
    handle = models.CharField(max_length=30, help_text="The handle, kept reserved.")
    deleted_at = models.DateTimeField(default=timezone.now)
    posts_deleted = models.PositiveIntegerField(default=0)
    posts_tombstoned = models.PositiveIntegerField(
        default=0, help_text="Posts kept as tombstones because a legal record points at them."
    )

    def __str__(self) -> str:
        return f"@{self.handle} (deleted {self.deleted_at:%Y-%m-%d})"
