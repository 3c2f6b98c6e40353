from django.apps import AppConfig


class TasksConfig(AppConfig):
    """The task queue: retries, periodic schedules and the worker loop."""

    name = "tidings.tasks"
    label = "tasks"
