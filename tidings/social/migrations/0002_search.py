"""Full-text search: an FTS5 table kept by triggers on SQLite, a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE social_post_fts USING fts5("
    "text, content='social_post', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER social_post_fts_ai AFTER INSERT ON social_post BEGIN "
    "INSERT INTO social_post_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER social_post_fts_ad AFTER DELETE ON social_post BEGIN "
    "INSERT INTO social_post_fts(social_post_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER social_post_fts_au AFTER UPDATE OF text ON social_post BEGIN "
    "INSERT INTO social_post_fts(social_post_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO social_post_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO social_post_fts(social_post_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS social_post_fts_ai",
    "DROP TRIGGER IF EXISTS social_post_fts_ad",
    "DROP TRIGGER IF EXISTS social_post_fts_au",
    "DROP TABLE IF EXISTS social_post_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS social_post_text_fts ON social_post "
    "USING GIN (to_tsvector('simple', text))",
    "CREATE INDEX IF NOT EXISTS social_account_username_prefix ON social_account "
    "(lower(username) text_pattern_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS social_post_text_fts",
    "DROP INDEX IF EXISTS social_account_username_prefix",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("social", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
