"""``tidings backup FILE``: the whole database, as one consistent snapshot, into FILE.

FILE is gzip-compressed JSON (Django's serialisation with times to the
microsecond, tidings/lib/backup_format.py; every row of every model with its
own primary key), so it restores into SQLite or PostgreSQL alike with
``tidings restore FILE``. The audit key and the checkpoint file live outside
the database and are backed up separately (see README).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from tidings.lib import backup_format


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """A read transaction: every table as of one moment, while writers carry on."""
    if connection.in_atomic_block:  # the caller's transaction already fixes the snapshot
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        mode = connection.transaction_mode
        connection.transaction_mode = "DEFERRED"  # in WAL mode, readers never block writers
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = mode
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


class Command(BaseCommand):
    help = "Write the whole database to FILE (gzip-compressed JSON) for `tidings restore`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="where to write the backup (e.g. tidings.json.gz)")
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"]).resolve()
        if target.exists() and not options["force"]:
            raise CommandError(f"{target} exists; pass --force to replace it.")
        if not target.parent.is_dir():
            raise CommandError(f"No directory {target.parent} to write the backup into.")
        # Written aside and renamed into place, so FILE is never a half-written backup.
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".tidings-backup-") as aside:
            partial = Path(aside) / f"backup.{backup_format.FORMAT}.gz"
            with _one_snapshot():
                backup_format.register()
                call_command(
                    "dumpdata",
                    all=True,
                    exclude=list(backup_format.NOT_BACKED_UP),
                    format=backup_format.FORMAT,
                    output=str(partial),
                    verbosity=0,
                )
            os.replace(partial, target)
        self.stdout.write(f"Backup written to {target}.")
