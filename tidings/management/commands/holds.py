"""``tidings holds purge``: end the legal holds whose time is up (the worker also runs it)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from tidings.legal.actions.holds import do_purge_ended_holds


class Command(BaseCommand):
    help = "Legal holds on deleted content: 'purge' blanks content whose holds have all ended."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["purge"])

    def handle(self, *args: object, **options: object) -> None:
        ended = do_purge_ended_holds(acting_user=None)
        self.stdout.write(f"{ended} legal hold{'s' if ended != 1 else ''} ended and purged.")
