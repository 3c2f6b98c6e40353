"""Search keeps working after a migration rebuilds the posts table (SQLite drops its triggers)."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection

from tests.conftest import viewer
from tidings.social.queries import Cursor
from tidings.social.search import search_posts


def test_search_finds_posts_written_around_a_migration_that_rebuilt_the_posts_table(
    alice, make_post
):
    if connection.vendor == "sqlite":  # what SQLite's table rebuild does to the FTS triggers
        with connection.cursor() as cursor:
            for name in ("social_post_fts_ai", "social_post_fts_ad", "social_post_fts_au"):
                cursor.execute(f"DROP TRIGGER {name}")
    make_post(alice, "written while the triggers were gone: tamarind")
    call_command("migrate", verbosity=0)
    make_post(alice, "written after: jackfruit")
    assert [p.text for p in search_posts(viewer(None), "tamarind", Cursor())]
    assert [p.text for p in search_posts(viewer(None), "jackfruit", Cursor())]
