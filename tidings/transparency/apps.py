from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "tidings.transparency"
    label = "transparency"
