from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "tidings.legal"
    label = "legal"
