"""The search structures behind `registry.selectors.search` and how they are kept current.

Derived structures besides the pinyin columns (docs/decisions/0003-resident-search.md):

* Name suffixes: `Resident.name_s1` and `name_s2` (the name from its second and third
  character on, computed by `validation.search_keys` with the pinyin), so any part of a name
  of up to four characters is a prefix of the name or of one of them — a B-tree range on
  SQLite and PostgreSQL alike, which works for two-character names where trigram indexes
  cannot. Longer names (five characters or more, rare) also get `ResidentNamePart` rows for
  their parts starting further in: `index_new_residents` for new rows (the services, and the
  import's raw inserts once per batch), `reindex_names` after a name changes.
* Digit index (SQLite only): an FTS5 trigram table over "ID number + phone + #last four of
  the phone", so any fragment of three or more characters of an ID or phone number, and the
  end of a phone number (what its mask shows), is found without scanning a million rows. New rows are indexed with their name parts by `index_new_residents`; updates
  and deletes by triggers. SQLite drops a table's triggers when a migration rebuilds the
  table, so `ensure_digit_index` runs after every `migrate` and refills the index when a
  trigger had gone or the row counts differ. On PostgreSQL the search is a plain
  `LIKE '%…%'`, answered by pg_trgm's GIN indexes where the extension could be created
  (registry.pg_search, docs/decisions/0018-postgres-search.md), else by a scan.
"""

from django.db import connections

DIGITS_TABLE = "registry_resident_digits"
# Inserts are indexed from Python (`index_new_residents`), in bulk: an FTS5 insert fired by a
# trigger flushes the index once per row and made a raw bulk insert eight times slower.
# Updates and deletes, one row at a time and from any path, are kept by triggers.
_TRIGGERS = {
    f"{DIGITS_TABLE}_ad": "AFTER DELETE ON registry_resident BEGIN {delete} END",
    f"{DIGITS_TABLE}_au": "AFTER UPDATE OF id_number, phone ON registry_resident BEGIN {delete} {insert} END",
}
# Each row's document: the ID number, the phone and, between "#" marks, the phone's last four
# digits, so that "the phone ends with 034" (what a mask shows, registry.number_search) is the
# FTS phrase "034#" — answered from the index like any fragment, where `LIKE '%034'` would scan.
MARK = "#"


def _document(prefix: str) -> str:
    """The SQL expression of a row's document, its columns read from `prefix` (new. or '')."""
    return f"{prefix}id_number || ' ' || {prefix}phone || ' {MARK}' || substr({prefix}phone, -4) || '{MARK}'"


def document(id_number: str, phone: str) -> str:
    """A row's document built in Python (equal to `_document`)."""
    phone = phone or ""
    return f"{id_number} {phone} {MARK}{phone[-4:]}{MARK}"


_INSERT = f"INSERT INTO {DIGITS_TABLE}(rowid, d) VALUES (new.id, {_document('new.')});"
_DELETE = f"DELETE FROM {DIGITS_TABLE} WHERE rowid = old.id;"
_CHUNK = 500  # ids per statement, below SQLite's 999-parameter cap on old builds


# Parts starting at the first three characters are prefixes of name, name_s1 and name_s2.
PART_FROM = 3


def name_parts(name: str) -> list[str]:
    """The suffixes of two or more characters from the fourth character on — the parts the
    name and its suffix columns do not cover: 张三, 欧阳娜娜 → []; 阿依古丽买买提 → [丽买买提,
    买买提, 买提]."""
    name = name or ""
    return list(dict.fromkeys(name[i:][:50] for i in range(PART_FROM, len(name) - 1)))


def reindex_names(resident_ids=None, *, id_numbers=None, using="default"):
    """Rewrite the name parts and suffix columns of the given residents (by primary key or ID
    number) from the names now stored: after names change (`update_resident` does it), or to
    repair rows written by a path that did not derive them."""
    from .models import Resident, ResidentNamePart
    from .validation import name_suffixes

    qs = Resident.objects.using(using)
    if resident_ids is not None:
        keys, field = list(resident_ids), "pk__in"
    else:
        keys, field = list(id_numbers or ()), "id_number__in"
    for i in range(0, len(keys), _CHUNK):
        rows = list(qs.filter(**{field: keys[i : i + _CHUNK]}).values_list("pk", "name", "name_s1", "name_s2"))
        for pk, name, s1, s2 in rows:
            if name_suffixes(name) != {"name_s1": s1, "name_s2": s2}:
                qs.filter(pk=pk).update(**name_suffixes(name))
        rows = [(pk, name) for pk, name, _, _ in rows]
        ResidentNamePart.objects.using(using).filter(resident_id__in=[pk for pk, _ in rows]).delete()
        ResidentNamePart.objects.using(using).bulk_create(
            [ResidentNamePart(resident_id=pk, part=part) for pk, name in rows for part in name_parts(name)],
            batch_size=_CHUNK,
        )


def index_new_residents(rows, using="default"):
    """Index residents just inserted: `rows` of (pk, name, id_number, phone). Name parts of long
    names, and on SQLite the digit index, in one executemany each (the suffix columns are
    part of the row itself). `create_resident` calls it, and so
    must any path inserting residents with raw SQL (the import's fast path, once per batch)."""
    rows = list(rows)
    parts = [(pk, part) for pk, name, _, _ in rows for part in name_parts(name)]
    with connections[using].cursor() as cursor:
        if parts:
            cursor.executemany("INSERT INTO registry_residentnamepart (resident_id, part) VALUES (%s, %s)", parts)
        if rows and has_digit_index(using):
            cursor.executemany(
                f"INSERT INTO {DIGITS_TABLE}(rowid, d) VALUES (%s, %s)",
                [(pk, document(ident, phone)) for pk, _, ident, phone in rows],
            )


def index_new_id_range(first_id: int, last_id: int, names, using="default"):
    """`index_new_residents` for residents just inserted with the consecutive ids first_id …
    last_id (the import's batches on SQLite, see import_fastpath.new_ids), whose `names` are
    given in id order: the digit index is filled from the stored rows by one INSERT … SELECT,
    so no per-row parameters are built and bound in Python."""
    # Only names longer than PART_FROM + 1 characters have parts (rare); skip the call for the rest.
    parts = [
        (pk, part)
        for pk, name in zip(range(first_id, last_id + 1), names)
        if len(name) > PART_FROM + 1
        for part in name_parts(name)
    ]
    with connections[using].cursor() as cursor:
        if parts:
            cursor.executemany("INSERT INTO registry_residentnamepart (resident_id, part) VALUES (%s, %s)", parts)
        if has_digit_index(using):
            cursor.execute(
                f"INSERT INTO {DIGITS_TABLE}(rowid, d) SELECT id, {_document('')} FROM registry_resident "
                "WHERE id BETWEEN %s AND %s",
                [first_id, last_id],
            )


def reindex_all_names(using="default", out=None):
    """Rebuild every name part and suffix column (after a migration or a repair), in chunks of
    primary keys."""
    from .models import Resident

    ids = list(Resident.objects.using(using).order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), 10_000):
        reindex_names(ids[i : i + 10_000], using=using)
        if out:
            out(f"  name parts: {min(i + 10_000, len(ids))}/{len(ids)}")


# --- the SQLite digit index ---------------------------------------------------------------
def has_digit_index(using="default") -> bool:
    """Is the FTS5 digit index there (SQLite with FTS5, after migrate)? Cached per connection."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return False
    cached = getattr(conn, "_gongzhi_digit_index", None)
    if cached is None:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [DIGITS_TABLE])
            cached = cursor.fetchone() is not None
        conn._gongzhi_digit_index = cached
    return cached


def ensure_digit_index(using="default", **kwargs):
    """Create the FTS5 digit index and its triggers on SQLite if missing, and refill it when a
    trigger was missing (a migration rebuilt registry_resident) or it does not hold one entry
    per resident. Idempotent; connected to post_migrate."""
    conn = connections[using]
    if conn.vendor != "sqlite" or "registry_resident" not in conn.introspection.table_names():
        return
    with conn.cursor() as cursor:
        try:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {DIGITS_TABLE} USING fts5(d, tokenize='trigram', detail='full')"
            )
        except Exception:  # an SQLite without FTS5 or older than 3.34: the search scans instead
            conn._gongzhi_digit_index = False
            return
        conn._gongzhi_digit_index = True
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'registry_resident'")
        present = set()
        for name, sql in cursor.fetchall():
            if name in _TRIGGERS and MARK not in sql:  # written before the tail mark: replace, refill
                cursor.execute(f"DROP TRIGGER {name}")
                continue
            present.add(name)
        for name, body in _TRIGGERS.items():
            if name not in present:
                cursor.execute(f"CREATE TRIGGER {name} " + body.format(insert=_INSERT, delete=_DELETE))
        cursor.execute(f"SELECT (SELECT count(*) FROM registry_resident), (SELECT count(*) FROM {DIGITS_TABLE})")
        residents, indexed = cursor.fetchone()
        if set(_TRIGGERS) <= present and residents == indexed:
            return
        cursor.execute(f"DELETE FROM {DIGITS_TABLE}")
        cursor.execute(f"INSERT INTO {DIGITS_TABLE}(rowid, d) SELECT id, {_document('')} FROM registry_resident")
        cursor.execute(f"INSERT INTO {DIGITS_TABLE}({DIGITS_TABLE}) VALUES ('optimize')")  # one segment: faster reads


def digit_match_condition(fragment: str) -> tuple[str, list]:
    """The condition on the digit index (joined as DIGITS_TABLE) that its row's ID number or
    phone contains `fragment` (three or more digits/X), with its parameters: an FTS5 phrase of
    trigrams is an exact substring test."""
    return f"{DIGITS_TABLE} MATCH %s", ['"' + fragment.replace('"', "") + '"']


def phone_tail_sql(tail: str) -> tuple[str, list]:
    """SQL selecting the ids of residents whose phone ends with `tail` (three or four digits)."""
    return f"SELECT rowid FROM {DIGITS_TABLE} WHERE {DIGITS_TABLE} MATCH %s", ['"' + tail.replace('"', "") + MARK + '"']


def digit_match_sql(fragment: str) -> tuple[str, list]:
    """SQL selecting the ids of residents whose ID number or phone contains `fragment`."""
    condition, params = digit_match_condition(fragment)
    return f"SELECT rowid FROM {DIGITS_TABLE} WHERE {condition}", params
