"""``tidings restore FILE``: load a ``tidings backup`` into an empty, migrated database.

Every row comes back with its own primary key, so ids, links and the audit chain
are exactly as they were; ``tidings audit verify`` then passes on the copy (with
the same audit key). The whole restore is one transaction: if anything fails,
the database stays empty.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tidings.audit.models import AuditEvent, ChainHead
from tidings.lib import backup_format
from tidings.social.models import Account, Post

# Created by `migrate` itself; the backup's own rows replace them.
_MADE_BY_MIGRATE = (ContentType, Permission)


def _pending_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _non_empty_models() -> list[str]:
    return [
        model._meta.label
        for model in apps.get_models()
        if model not in _MADE_BY_MIGRATE
        and model._meta.label not in backup_format.NOT_BACKED_UP
        and model._meta.managed
        and not model._meta.proxy
        and model._base_manager.exists()
    ]


class Command(BaseCommand):
    help = "Load a `tidings backup` FILE into this (empty, migrated) database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="a file written by `tidings backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"No backup at {source}.")
        if _pending_migrations():
            raise CommandError("This database is not fully migrated: run `tidings migrate` first.")
        occupied = _non_empty_models()
        if occupied:
            raise CommandError(
                "Restore needs an empty database; this one already holds "
                + ", ".join(occupied[:5])
                + (" and more" if len(occupied) > 5 else "")
                + "."
            )
        with tempfile.TemporaryDirectory(prefix="tidings-restore-") as aside:
            fixture = Path(aside) / f"backup.{backup_format.FORMAT}.gz"
            shutil.copyfile(source, fixture)
            backup_format.register()
            try:
                with transaction.atomic():
                    for model in _MADE_BY_MIGRATE:
                        model.objects.all().delete()
                    call_command("loaddata", str(fixture), verbosity=0)
            except Exception as error:
                raise CommandError(f"Could not restore {source}: {error}") from error
            finally:
                ContentType.objects.clear_cache()
        streams = ChainHead.objects.filter(last_seq__gt=0).count()
        self.stdout.write(
            f"Restored {Account.objects.count()} accounts, {Post.objects.count()} posts and "
            f"{AuditEvent.objects.count()} audit events (in {streams} chain stream"
            f"{'' if streams == 1 else 's'})."
            " Now run `tidings audit verify`."
        )
