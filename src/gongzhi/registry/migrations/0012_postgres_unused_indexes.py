"""PostgreSQL only: drop the plain B-tree indexes Django made beside its `_like` ones on
resident columns that no query reads through them (docs/decisions/0019-import-copy.md).

For an indexed CharField Django creates two indexes on PostgreSQL: a plain one (ordering and
`=`) and a `varchar_pattern_ops` one (`LIKE 'x%'`). On `name_s1`, `name_s2`, `name_initials`
and `phone` every query is a prefix or an equality (registry.selectors: `_prefix`, the
one-letter initials through their `COLLATE "C"` index), which the `_like` index answers —
`varchar_pattern_ops` has `=` too — and nothing orders by them. Each such index is maintained
on every insert for nothing: the import paid for them on every row.

The model fields keep `db_index=True`, so SQLite keeps its one index per column (there the
plain index is the prefix index) and this migration does nothing on SQLite. A later change
of those fields finds the indexes by introspection and so copes with their absence.
"""

from django.db import migrations

COLUMNS = ("name_s1", "name_s2", "name_initials", "phone")


def _plain_indexes(schema_editor):
    """{column: index name} of the single-column, non-unique, non-pattern indexes on COLUMNS."""
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        found = conn.introspection.get_constraints(cursor, "registry_resident")
    plain = {}
    for name, info in found.items():
        columns = info["columns"]
        if (
            info["index"]
            and not info["unique"]
            and not info["primary_key"]
            and len(columns) == 1
            and columns[0] in COLUMNS
            and not name.endswith("_like")
            and info.get("type") in ("idx", "btree")  # Django reports a B-tree as "idx"
        ):
            plain[columns[0]] = name
    return plain


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _plain_indexes(schema_editor).values():
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("registry", "Resident")
    present = _plain_indexes(schema_editor)
    for column in COLUMNS:
        if column not in present:
            field = model._meta.get_field(column)
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0011_household_list_order"),
    ]

    operations = [migrations.RunPython(drop, restore, elidable=False)]
