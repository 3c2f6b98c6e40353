from django.apps import AppConfig


class StreamingConfig(AppConfig):
    """Streaming API: its periodic pruning task lives in ``tasks.py``."""

    name = "tidings.streaming"
    label = "streaming"
