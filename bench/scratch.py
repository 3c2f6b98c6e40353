"""A scratch SQLite database for in-process benchmarks, so nothing of the user's is touched."""

from __future__ import annotations

import os


def setup_scratch_database(data_dir: str, **settings: str) -> None:
    """Point Tidings at ``data_dir`` (plus ``settings``, as ``TIDINGS_*`` variables) and migrate."""
    os.environ["TIDINGS_DATA_DIR"] = data_dir
    os.environ.pop("TIDINGS_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tidings.settings")
    os.environ.update(settings)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
