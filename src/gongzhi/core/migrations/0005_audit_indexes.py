"""The audit log drops two indexes no read uses: `content_type_id` alone (the
(content_type, object_id, at) index begins with it) and `correlation_id` (never looked up).
Dropped by name rather than by AlterField, which on SQLite would copy the whole log into a new
table twice."""

import django.db.models.deletion
from django.db import migrations, models

CONTENT_TYPE = "core_auditentry_content_type_id_797ef574"
CORRELATION = "core_auditentry_correlation_id_21616632"


def drop(apps, schema_editor):
    names = [CONTENT_TYPE, CORRELATION]
    if schema_editor.connection.vendor == "postgresql":
        names.append(CORRELATION + "_like")  # Django's varchar_pattern_ops twin
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create(apps, schema_editor):
    schema_editor.execute(f'CREATE INDEX "{CONTENT_TYPE}" ON "core_auditentry" ("content_type_id")')
    schema_editor.execute(f'CREATE INDEX "{CORRELATION}" ON "core_auditentry" ("correlation_id")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{CORRELATION}_like" ON "core_auditentry" ("correlation_id" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_auditentry_correlation_id"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="content_type",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="correlation_id",
                    field=models.CharField(blank=True, max_length=32, verbose_name="关联编号"),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        )
    ]
