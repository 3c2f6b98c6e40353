"""The SQLite triggers that keep the FTS5 index of posts (``social_post_fts``) in step.

SQLite cannot alter a table in place for many schema changes, so Django's
migrations rebuild ``social_post`` (copy, drop, rename), and dropping a table
drops its triggers. After every ``migrate`` the triggers are put back if a
migration removed them, and the index is rebuilt from the posts.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

TRIGGERS = {
    "social_post_fts_ai": (
        "CREATE TRIGGER social_post_fts_ai AFTER INSERT ON social_post BEGIN "
        "INSERT INTO social_post_fts(rowid, text) VALUES (new.id, new.text); END"
    ),
    "social_post_fts_ad": (
        "CREATE TRIGGER social_post_fts_ad AFTER DELETE ON social_post BEGIN "
        "INSERT INTO social_post_fts(social_post_fts, rowid, text) "
        "VALUES ('delete', old.id, old.text); END"
    ),
    "social_post_fts_au": (
        "CREATE TRIGGER social_post_fts_au AFTER UPDATE OF text ON social_post BEGIN "
        "INSERT INTO social_post_fts(social_post_fts, rowid, text) "
        "VALUES ('delete', old.id, old.text); "
        "INSERT INTO social_post_fts(rowid, text) VALUES (new.id, new.text); END"
    ),
}


def restore_search_triggers(using: str = "default", **kwargs: Any) -> None:
    """Re-create missing FTS triggers on SQLite (and rebuild the index); nothing elsewhere."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') "
            "AND name LIKE 'social_post_fts%%'"
        )
        present = {row[0] for row in cursor.fetchall()}
        if "social_post_fts" not in present:
            return  # search not migrated yet
        missing = [sql for name, sql in TRIGGERS.items() if name not in present]
        for sql in missing:
            cursor.execute(sql)
        if missing:
            cursor.execute("INSERT INTO social_post_fts(social_post_fts) VALUES ('rebuild')")
