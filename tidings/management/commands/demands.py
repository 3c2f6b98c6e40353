"""``tidings demands import FILE --authority NAME --country IN --reference REF [...]``.

``tidings demands resume ID`` finishes an import that was interrupted;
``tidings demands discard ID --reason TEXT`` gives it up (nothing is deleted).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tidings.legal.actions.intake import do_discard_import, do_import_demand, do_resume_import
from tidings.legal.intake.decode import check_size, size_text
from tidings.legal.models import Demand, DemandKind
from tidings.legal.roles import DESK_ADMIN_ROLES, can_use_desk
from tidings.lib.errors import TidingsError
from tidings.social.models import Account

MAX_FILE_BYTES = 50 * 1024 * 1024


def acting_account(handle: str | None) -> Account:
    """The named desk account, or the first legal admin when none is named."""
    if handle:
        account = Account.objects.filter(username__iexact=handle.lstrip("@")).first()
        if account is None:
            raise CommandError(f"There is no account @{handle.lstrip('@')}.")
        if not can_use_desk(account):
            raise CommandError(f"@{account.username} is not on the legal team.")
        return account
    account = (
        Account.objects.filter(role__in=DESK_ADMIN_ROLES, is_active=True).order_by("id").first()
    )
    if account is None:
        raise CommandError("Name the legal team member importing the order with --as HANDLE.")
    return account


class Command(BaseCommand):
    help = "Legal demands. 'import' takes an order file in, one item per line."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help="Import an order file (CSV, TSV, text, .xlsx or PDF).")
        imp.add_argument("file", help="Path of the order file, or - for standard input.")
        imp.add_argument("--authority", required=True, help="Name of the authority.")
        imp.add_argument("--country", required=True, help="ISO country code, e.g. IN.")
        imp.add_argument("--reference", required=True, help="The authority's reference number.")
        imp.add_argument("--legal-basis", default="", help="Legal basis in words.")
        imp.add_argument(
            "--legal-basis-code", default="", help="Legal basis code, e.g. IN-ITA-69A."
        )
        imp.add_argument("--emergency", action="store_true", help="An emergency (interim) order.")
        imp.add_argument("--court-order", action="store_true", help="An order of a court.")
        imp.add_argument(
            "--confidential",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Hold notices back (default: as the rule pack says; India: yes).",
        )
        imp.add_argument(
            "--column", default=None, help="Target column: header name or 1-based index."
        )
        imp.add_argument(
            "--as", dest="acting", default=None, help="Handle of the importing staff member."
        )
        resume = sub.add_parser("resume", help="Finish an import that was interrupted.")
        resume.add_argument("demand", type=int, help="Id of the demand still importing.")
        resume.add_argument("--as", dest="acting", default=None, help="Handle of the staff member.")
        discard = sub.add_parser("discard", help="Give up an interrupted import.")
        discard.add_argument("demand", type=int, help="Id of the demand still importing.")
        discard.add_argument("--reason", required=True, help="Why the import is given up.")
        discard.add_argument(
            "--as", dest="acting", default=None, help="Handle of the staff member."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] in ("resume", "discard"):
            self._resume_or_discard(options)
            return
        path = options["file"]
        try:
            if path == "-":
                import sys

                data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
                if len(data) > MAX_FILE_BYTES:
                    raise CommandError(
                        f"Standard input holds more than {size_text(MAX_FILE_BYTES)}; "
                        f"the limit is {size_text(MAX_FILE_BYTES)}."
                    )
            else:
                file = Path(path)
                if not file.is_file():
                    raise CommandError(f"No such file: {path}")
                check_size(file.stat().st_size, MAX_FILE_BYTES)  # its true size, before reading
                with file.open("rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
                check_size(len(data), MAX_FILE_BYTES)  # it grew while we looked
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        except TidingsError as error:
            raise CommandError(error.message) from None
        kind = DemandKind.ORDER
        if options["emergency"]:
            kind = DemandKind.EMERGENCY_ORDER
        elif options["court_order"]:
            kind = DemandKind.COURT_ORDER
        column: str | int | None = options["column"]
        if isinstance(column, str) and column.isdigit():
            column = int(column)
        try:
            result = do_import_demand(
                data,
                authority_name=options["authority"],
                country=options["country"],
                reference=options["reference"],
                legal_basis=options["legal_basis"],
                legal_basis_code=options["legal_basis_code"],
                kind=kind,
                confidential=options["confidential"],
                filename=Path(path).name if path != "-" else "stdin",
                column=column,
                acting_user=acting_account(options["acting"]),
            )
        except TidingsError as error:
            raise CommandError(error.message) from None
        self._report(result)

    def _resume_or_discard(self, options: dict[str, Any]) -> None:
        demand = Demand.objects.filter(id=options["demand"]).first()
        if demand is None:
            raise CommandError(f"There is no demand {options['demand']}.")
        acting_user = acting_account(options["acting"])
        try:
            if options["subcommand"] == "discard":
                do_discard_import(demand, reason=options["reason"], acting_user=acting_user)
                self.stdout.write(f"Import of demand {demand.id} discarded; its rows are kept.")
                return
            self._report(do_resume_import(demand, acting_user=acting_user))
        except TidingsError as error:
            raise CommandError(error.message) from None

    def _report(self, result: Any) -> None:
        demand, counts = result.demand, result.counts
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        self.stdout.write(
            f"Demand {demand.id} from {demand.authority.name} ({demand.reference}): "
            f"{sum(counts.values())} items — {summary}."
        )
        size = len(demand.original_bytes)  # bytes as received, not characters
        self.stdout.write(f"Original file kept: {size:,} bytes ({size_text(size)}).")
        if result.order.blank_lines:
            self.stdout.write(f"Skipped {len(result.order.blank_lines)} blank lines.")
        self.stdout.write(f"Due {demand.due_at:%Y-%m-%d %H:%M} UTC.")
