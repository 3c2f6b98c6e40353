"""The log becomes several chains ("streams") so that concurrent writers do not queue on one lock.

Events already written are not touched (the table refuses UPDATE): they take the
column default, stream 1, and keep a NULL ``stream_seq`` (their position in stream 1
is their ``seq``). The existing head row (id 1) becomes the head of stream 1.
On PostgreSQL, ``seq`` is drawn from the sequence ``audit_event_seq``, started
after the newest event. On SQLite the table is rebuilt by these operations, which
drops its triggers: they are made again here (see migration 0003).
"""

import importlib

from django.db import migrations, models

REFUSE_REWRITES = importlib.import_module("tidings.audit.migrations.0003_refuse_rewrites")

POSTGRES_FORWARD = [
    "CREATE SEQUENCE IF NOT EXISTS audit_event_seq AS bigint",
    "SELECT setval('audit_event_seq', COALESCE((SELECT MAX(seq) FROM audit_auditevent), 0) + 1,"
    " false)",
]
POSTGRES_BACKWARD = ["DROP SEQUENCE IF EXISTS audit_event_seq"]
SQLITE_TRIGGERS = [
    statement
    for statement in REFUSE_REWRITES.SQLITE_FORWARD
    if statement.startswith("CREATE TRIGGER")
]
SQLITE_DROP_TRIGGERS = [
    statement
    for statement in REFUSE_REWRITES.SQLITE_BACKWARD
    if statement.startswith("DROP TRIGGER")
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_refuse_rewrites")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_DROP_TRIGGERS}), _run({"sqlite": SQLITE_TRIGGERS})
        ),
        migrations.AlterModelOptions(name="chainhead", options={"ordering": ["id"]}),
        migrations.AddField(
            model_name="auditevent",
            name="stream",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="stream_seq",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["stream", "seq"], name="audit_stream"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("stream", "stream_seq"), name="audit_stream_position_unique"
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_DROP_TRIGGERS, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
