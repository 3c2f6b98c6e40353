"""``flush`` that may empty the audit log: Django's, inside the audit maintenance hatch.

Flushing is how transactional tests reset the database; it deletes everything,
so the database's refusal to delete audit events is lifted for its one
transaction (see tidings/audit/guard.py).
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS

from tidings.audit.guard import audit_maintenance


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        with audit_maintenance(options.get("database") or DEFAULT_DB_ALIAS):
            super().handle(**options)
