import django.db.models.deletion
from django.db import migrations, models


def _fk_index_name(schema_editor, apps):
    """The name Django gave the grid's own index (the same on every database)."""
    resident = apps.get_model("registry", "Resident")
    return schema_editor._create_index_name(resident._meta.db_table, ["grid_id"], suffix="")


def drop_grid_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(_fk_index_name(schema_editor, apps))}")


def restore_grid_index(apps, schema_editor):
    name = schema_editor.quote_name(_fk_index_name(schema_editor, apps))
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON "registry_resident" ("grid_id")')


class Migration(migrations.Migration):
    """The composite index first, so lookups by grid always have one; then the grid's own index
    is dropped by name. Not an AlterField: on SQLite that rebuilds the resident table, which the
    sensitive-flag triggers (registry/sensitive_flag.py) refuse on an existing database."""

    dependencies = [
        ("registry", "0012_postgres_unused_indexes"),
        ("territory", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(fields=["grid", "has_sensitive"], name="resident_grid_sens"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="resident",
                    name="grid",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="residents",
                        to="territory.node",
                        verbose_name="网格",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_grid_index, restore_grid_index)],
        ),
    ]
