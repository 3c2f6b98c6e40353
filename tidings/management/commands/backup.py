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
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from tidings.lib import backup_format


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
            nested = connection.in_atomic_block  # then the caller's transaction sets the snapshot
            with transaction.atomic():
                if connection.vendor == "postgresql" and not nested:
                    # One snapshot for every table, while writers carry on.
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                backup_format.register()
                call_command(
                    "dumpdata",
                    all=True,
                    format=backup_format.FORMAT,
                    output=str(partial),
                    verbosity=0,
                )
            os.replace(partial, target)
        self.stdout.write(f"Backup written to {target}.")
