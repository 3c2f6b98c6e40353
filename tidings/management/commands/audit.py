"""``tidings audit verify``: walk the hash chain; exit 1 naming the first bad event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tidings.audit.chain import verify_chain
from tidings.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks the hash chain end to end."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problem = next(verify_chain(), None)
        if problem is not None:
            raise CommandError(f"Audit chain broken at event #{problem.seq}: {problem.reason}.")
        count = AuditEvent.objects.count()
        self.stdout.write(f"Audit chain intact: {count} events verified.")
