from django.apps import AppConfig


class TidingsConfig(AppConfig):
    """The project package itself: holds the CLI's management commands."""

    name = "tidings"
    label = "tidings"
