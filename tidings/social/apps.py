from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SocialConfig(AppConfig):
    name = "tidings.social"
    label = "social"

    def ready(self) -> None:
        from tidings.social.search_triggers import restore_search_triggers

        post_migrate.connect(restore_search_triggers, sender=self)
