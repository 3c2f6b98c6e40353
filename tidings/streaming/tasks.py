"""Pruning the stream event table (the path used when no Redis is configured)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tidings.social.models_streaming import STREAM_EVENT_KEEP, StreamEvent
from tidings.tasks import periodic


@periodic(every=timedelta(minutes=5))
def prune_stream_events() -> int:
    """Delete stream events older than ``STREAM_EVENT_KEEP``; returns how many."""
    deleted, _ = StreamEvent.objects.filter(
        created_at__lt=timezone.now() - STREAM_EVENT_KEEP
    ).delete()
    return deleted
