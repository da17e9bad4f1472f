"""The search structures PostgreSQL gets besides Django's own indexes
(docs/decisions/0018-postgres-search.md). SQLite has its own: the FTS5 digit index
(registry.search).

* `pg_trgm` GIN indexes on `id_number` and `phone`: a fragment of three or more digits
  (`LIKE '%19800101%'`) is answered from the trigram index instead of reading every resident.
  pg_trgm is a contrib extension shipped with PostgreSQL, but creating it needs a role allowed
  to; where it may not, the search still answers (a sequential scan) and `migrate` says so.
  Once an administrator has run `CREATE EXTENSION pg_trgm`, the next `migrate` adds the
  indexes (post_migrate calls `ensure_indexes`).
* B-tree indexes on `name COLLATE "C"` and `name_initials COLLATE "C"` with the scope columns,
  for a one-character surname or letter: the selectors compare the same `COLLATE "C"`
  expression with a range, so PostgreSQL reads only that surname's entries, in the index's
  order (the database's own collation cannot turn a prefix into a range).
* A `varchar_pattern_ops` index on the name-part table, like the ones Django adds to every
  indexed CharField of the resident row, so `part LIKE '买提%'` is an index range too.
"""

import logging

from django.db import connections, transaction

from gongzhi.core import masking

log = logging.getLogger(__name__)

# (name, SQL) of each index; the trigram ones only where pg_trgm is installed.
TRIGRAM_INDEXES = (
    ("registry_resident_id_number_trgm", "ON registry_resident USING gin (id_number gin_trgm_ops)"),
    ("registry_resident_phone_trgm", "ON registry_resident USING gin (phone gin_trgm_ops)"),
)
# A reader who sees numbers masked finds a phone by its visible start only where the mask
# shows that many digits: four need a number of 12 characters or more (a landline with its
# area code, never an 11-digit mobile). Django's index of every phone read the ~8,000 mobiles
# starting with, say, 1374 to drop them all (75 ms at 1,000,000 residents); this one holds only
# the long numbers (registry.selectors._visible_only, docs/decisions/0029-capped-search-count.md).
LONG_PHONE = masking.ID_HEAD + masking.PHONE_HIDDEN + masking.PHONE_TAIL
PLAIN_INDEXES = (
    ("registry_resident_name_c", '(name COLLATE "C", grid_id, has_sensitive, id)'),
    ("registry_resident_initials_c", '(name_initials COLLATE "C", grid_id, has_sensitive, id)'),
    ("registry_residentnamepart_part_like", "(part varchar_pattern_ops, resident_id)"),
    ("registry_resident_phone_long", f"(phone varchar_pattern_ops) WHERE length(phone) >= {LONG_PHONE}"),
    # The end of a phone number (four digits a masked reader sees) as a prefix of its reverse:
    # an index range instead of the trigram index (registry.selectors._phone_tail).
    ("registry_resident_phone_reverse", "(reverse(phone) varchar_pattern_ops)"),
)
_TABLES = {
    name: "registry_residentnamepart" if "namepart" in name else "registry_resident" for name, _ in PLAIN_INDEXES
}

CREATE_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
NO_EXTENSION = (
    "pg_trgm could not be created (%s). Searching for part of an ID or phone number reads every "
    "resident. Ask a database administrator to run `CREATE EXTENSION pg_trgm;` in this database, "
    "then run `migrate` again to add the trigram indexes (docs/decisions/0018-postgres-search.md)."
)


def has_trigram(using="default") -> bool:
    """Is pg_trgm installed in the database of `using`?"""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def create_extension(using="default", out=None) -> bool:
    """Try `CREATE EXTENSION IF NOT EXISTS pg_trgm` (in a savepoint: a refusal must not abort
    the migration's transaction). Returns whether the extension is there; says why not."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return False
    if has_trigram(using):
        return True
    try:
        with transaction.atomic(using=using), conn.cursor() as cursor:
            cursor.execute(CREATE_EXTENSION)
    except Exception as exc:  # not available, or the role may not create extensions
        message = NO_EXTENSION % str(exc).strip().splitlines()[0]
        log.warning(message)
        if out:
            out(message)
        return False
    return True


MIGRATION = ("registry", "0010_postgres_search")


def after_migrate(using="default"):
    """post_migrate: add the indexes still missing (pg_trgm installed since) — only while the
    migration that made them is applied, so migrating back to before it stays without them."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return
    from django.db.migrations.recorder import MigrationRecorder

    if MIGRATION in MigrationRecorder(conn).applied_migrations():
        ensure_indexes(using)


def ensure_indexes(using="default"):
    """Create the PostgreSQL-only search indexes that are missing (trigram ones only where
    pg_trgm is installed). Idempotent; run by the migration and after every migrate."""
    conn = connections[using]
    if conn.vendor != "postgresql" or "registry_resident" not in conn.introspection.table_names():
        return
    wanted = [(name, f"ON {_TABLES[name]} {sql}") for name, sql in PLAIN_INDEXES]
    if has_trigram(using):
        wanted += list(TRIGRAM_INDEXES)
    with conn.cursor() as cursor:
        for name, sql in wanted:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} {sql}")


def drop_indexes(using="default"):
    """Remove the indexes (the migration's reverse); the extension stays, others may use it."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        for name, _sql in TRIGRAM_INDEXES + PLAIN_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
