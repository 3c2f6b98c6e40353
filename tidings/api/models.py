"""What the API keeps besides django-oauth-toolkit's tables: app details and idempotency keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from oauth2_provider.models import Application


class ClientApp(models.Model):
    """The Mastodon side of an OAuth application: the scopes it registered and its website."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="client_app"
    )
    scopes = models.CharField(max_length=2000, default="read")
    website = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.application.name


class IdempotencyKey(models.Model):
    """One ``Idempotency-Key`` a client sent when posting, and the post it made (shared by all workers)."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=200)
    post = models.ForeignKey(
        "social.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="idempotencykey_unique")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotencykey_created")]
