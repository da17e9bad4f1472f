"""The import's writes on PostgreSQL through `COPY … FROM STDIN` (psycopg 3), and its look-ups
against the stored registry as joins with a staging table (docs/decisions/0019-import-copy.md).

Rows reach this module validated already (registry.import_rows, the same rules as the forms,
in Python — the one place those rules live), so the full rows are copied straight into their
tables inside the batch's transaction: a row the server refuses aborts the batch's COPY, and
with it the whole batch, exactly like the executemany it replaces. What needs the stored data
— which ID numbers are known (upsert), which household numbers exist and in which grid — is
asked set-wise: the batch's keys are copied into a temporary staging table and joined with
the registry's unique indexes, two statements per batch whatever its size.

Ids are taken from the tables' sequences before the COPY (`nextval` over a series), so the
import knows each new row's id without reading the rows back by their unique keys.
"""

from django.db import connection

STAGE = "registry_import_stage"


def enabled() -> bool:
    """The COPY path is PostgreSQL's; SQLite keeps its executemany path (import_fastpath)."""
    return connection.vendor == "postgresql"


def _raw_cursor(cursor):
    """psycopg's own cursor under Django's wrapper (and its debug wrapper in tests)."""
    return getattr(cursor, "cursor", cursor)


def copy_rows(table: str, columns: list[str], rows) -> None:
    """COPY `rows` (tuples in `columns` order) into `table`. Values go in COPY's text format:
    psycopg dumps each by its Python type, and the server parses the text by the column's
    type (JSON text into jsonb included)."""
    rows = list(rows)
    if not rows:
        return
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, _raw_cursor(cursor).copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def next_ids(model, n: int) -> list[int]:
    """`n` new primary keys from `model`'s sequence, in increasing order."""
    if n <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, n],
        )
        return sorted(r[0] for r in cursor.fetchall())


def _stage(column: str, values) -> None:
    """The batch's keys in the staging table (emptied first: it lives for the session)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (k text PRIMARY KEY)")
        cursor.execute(f"TRUNCATE {STAGE}")
    copy_rows(STAGE, ["k"], ((v,) for v in dict.fromkeys(values)))


def joined(model, key: str, values, columns: list[str]) -> list[tuple]:
    """Rows (`columns`) of `model` whose unique `key` is among `values`: the values copied into
    the staging table, then one join with the key's unique index."""
    _stage(key, values)
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    selected = ", ".join(f"t.{qn(c)}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selected} FROM {STAGE} s JOIN {table} t ON t.{qn(key)} = s.k")
        return cursor.fetchall()
