"""The database refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) of audit events.

Outside the hatch in tidings/audit/guard.py (one transaction at a time), the
refusal holds for every client of the database, not just Django.
SQLite: a table rebuilt by a later migration loses its triggers; such a
migration must run this SQL again.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE TABLE IF NOT EXISTS audit_maintenance (active INTEGER NOT NULL)",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "WHEN NOT EXISTS (SELECT 1 FROM audit_maintenance) "
    "BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed or removed'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "WHEN NOT EXISTS (SELECT 1 FROM audit_maintenance) "
    "BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed or removed'); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TABLE IF EXISTS audit_maintenance",
]
POSTGRES_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION audit_refuse_rewrite() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('tidings.audit_maintenance', true) = 'on' THEN
            IF TG_LEVEL = 'STATEMENT' THEN
                RETURN NULL;
            ELSIF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit events cannot be changed or removed (%)', TG_OP
            USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    "CREATE TRIGGER audit_event_no_rewrite BEFORE UPDATE OR DELETE ON audit_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_rewrite()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_rewrite()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_event_no_rewrite ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_refuse_rewrite()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_keyed_chain")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
