"""``tidings authority add-member HANDLE --authority NAME --country IN [--kind ministry]``.

Binds an account to the authority it speaks for (created if new) and gives it the
role ``authority``: it then uses the portal and nothing else. With ``--email`` and
``--password`` an account that does not exist yet is created first.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tidings.legal.actions.portal import do_add_authority_member, do_find_or_create_authority
from tidings.legal.models import AuthorityKind
from tidings.lib.errors import TidingsError
from tidings.social.actions import do_create_account
from tidings.social.models import Account


class Command(BaseCommand):
    help = "Authorities that use the portal. 'add-member' binds an account to one."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        add = sub.add_parser("add-member", help="Let an account speak for an authority.")
        add.add_argument("handle", help="The account's handle.")
        add.add_argument("--authority", required=True, help="Name of the authority.")
        add.add_argument("--country", required=True, help="ISO country code, e.g. IN.")
        add.add_argument(
            "--kind",
            default=AuthorityKind.MINISTRY,
            choices=AuthorityKind.values,
            help="Kind of authority, used when it is new.",
        )
        add.add_argument("--email", default="", help="Create the account with this e-mail.")
        add.add_argument("--password", default="", help="… and this password.")

    def handle(self, *args: Any, **options: Any) -> None:
        handle = options["handle"].lstrip("@")
        try:
            with transaction.atomic():
                account = Account.objects.filter(username__iexact=handle).first()
                if account is None:
                    if not (options["email"] and options["password"]):
                        raise CommandError(
                            f"There is no account @{handle}; give --email and --password to create it."
                        )
                    account = do_create_account(
                        handle,
                        email=options["email"],
                        password=options["password"],
                        acting_user=None,
                    )
                authority, created = do_find_or_create_authority(
                    options["authority"],
                    country=options["country"],
                    kind=options["kind"],
                    acting_user=None,
                )
                do_add_authority_member(account, authority, acting_user=None)
        except TidingsError as error:
            raise CommandError(error.message) from None
        new = " (new authority)" if created else ""
        self.stdout.write(f"@{account.username} now speaks for {authority}{new}.")
