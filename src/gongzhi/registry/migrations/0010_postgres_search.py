"""PostgreSQL's search indexes (docs/decisions/0018-postgres-search.md): pg_trgm where the role
may create it (else a clear message, and the search keeps working without it), trigram GIN
indexes on the ID and phone numbers, `COLLATE "C"` B-trees for one-character name searches and
a pattern index on the name parts. Nothing on SQLite, whose digit index is its own (0003)."""

import sys

from django.db import migrations


def forward(apps, schema_editor):
    from gongzhi.registry import pg_search

    using = schema_editor.connection.alias
    if schema_editor.connection.vendor != "postgresql":
        return
    pg_search.create_extension(using, out=lambda message: sys.stdout.write(f"\n  {message}\n"))
    pg_search.ensure_indexes(using)


def backward(apps, schema_editor):
    from gongzhi.registry import pg_search

    pg_search.drop_indexes(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_migrant_fields"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
