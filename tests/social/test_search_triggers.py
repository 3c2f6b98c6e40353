"""Search keeps working after a migration rebuilds the posts table on SQLite."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import viewer
from tidings.social.queries import Cursor
from tidings.social.search import search_posts


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 triggers exist on SQLite only")
def test_search_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(alice, make_post):
    with connection.cursor() as cursor:  # what SQLite's table rebuild does to them
        for name in ("social_post_fts_ai", "social_post_fts_ad", "social_post_fts_au"):
            cursor.execute(f"DROP TRIGGER {name}")
    make_post(alice, "written while the triggers were gone: tamarind")
    call_command("migrate", verbosity=0)
    make_post(alice, "written after: jackfruit")
    assert [p.text for p in search_posts(viewer(None), "tamarind", Cursor())]
    assert [p.text for p in search_posts(viewer(None), "jackfruit", Cursor())]
