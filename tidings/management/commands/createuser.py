"""``tidings createuser USERNAME --email E --password P [--role ROLE]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tidings.lib.errors import InvalidInput
from tidings.social.actions import do_create_account
from tidings.social.models import Role


class Command(BaseCommand):
    help = "Create an account with a role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", default=Role.USER, choices=Role.values)
        parser.add_argument("--display-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            account = do_create_account(
                options["username"],
                email=options["email"],
                password=options["password"],
                role=options["role"],
                display_name=options["display_name"],
                acting_user=None,
            )
        except InvalidInput as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Created @{account.username} ({account.role}).")
