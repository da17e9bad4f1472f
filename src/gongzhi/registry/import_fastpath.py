"""The import's fast path: new residents, their new households, tag links and audit entries
written with one `executemany` per table per batch, through Django's connection (so it runs
on SQLite and PostgreSQL alike, "%s" parameters, inside the caller's transaction).

Why it exists and which invariants it keeps is written down in
docs/decisions/0001-import-fast-path.md. In short: the values written are exactly what the
services would write (same validation, `version` = 1, derived search keys, `has_sensitive`,
one audit entry per record with the same snapshot shape as `core.services.snapshot`); only
the per-row ORM round trips are gone. Column lists come from the models' metadata, so a field
another change adds to Resident is written with its default instead of breaking the import.
"""

import datetime as dt
import enum
import json
import operator

from django.db import connection, models
from django.utils import timezone

from gongzhi.core import audit_rows
from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry

from . import import_copy
from .models import Household, Resident

_LOOKUP_CHUNK = 500  # below SQLite's 999-parameter cap


# One encoder for the run: `json.dumps` with non-default options builds a new JSONEncoder
# per call, which cost more than the encoding itself (≈ 12 µs against ≈ 5 µs per snapshot).
# Snapshots are flat dicts of plain values, so the circular-reference check (≈ 20 % of the
# encoding) has nothing to find.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def _dumps(value) -> str:
    return _ENCODE(value)


def _value(default):
    """A field default as the plain value stored: TextChoices members become their str value
    (same SQL parameter, but cheap to pickle when a row crosses to another process)."""
    return default.value if isinstance(default, enum.Enum) else default


class Table:
    """INSERT of whole rows of one model, every concrete column but the primary key. Rows are
    dicts of attname → value; missing attnames take the field default."""

    def __init__(self, model, last=()):
        self.model = model
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        # Columns named in `last` go at the end, so a caller can prepare the rest of a row
        # while cleaning it and append the late values (ids, timestamps) as a short tuple.
        fields = [f for f in fields if f.attname not in last] + [model._meta.get_field(a) for a in last]
        self.attnames = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.defaults = {f.attname: (_value(f.get_default()) if f.has_default() else None) for f in fields}
        for f in fields:
            if not f.has_default() and not f.null and isinstance(f, (models.CharField, models.TextField)):
                self.defaults[f.attname] = ""
        qn = connection.ops.quote_name
        pg = connection.vendor == "postgresql"
        marks = ["%s::jsonb" if pg and isinstance(f, models.JSONField) else "%s" for f in fields]
        self._has_triggers = None if connection.vendor == "sqlite" else False
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES ({', '.join(marks)})"

    def insert(self, rows: list[dict], extra=None):
        """Insert `rows`; `extra(row)` may return values overriding the row's own."""
        if not rows:
            return
        pick, defaults = operator.itemgetter(*self.attnames), self.defaults
        if extra is None:
            params = [pick({**defaults, **row}) for row in rows]
        else:
            params = [pick({**defaults, **row, **extra(row)}) for row in rows]
        self.insert_params(params)

    def insert_params(self, params: list[tuple]):
        """Insert ready parameter tuples, in column order (COPY on PostgreSQL, import_copy)."""
        if import_copy.enabled():
            import_copy.copy_rows(self.model._meta.db_table, self.columns, params)
            return
        with connection.cursor() as cursor:
            if self._triggered(cursor):
                self._staged(cursor, params)
            else:
                cursor.executemany(self.sql, params)

    def _triggered(self, cursor) -> bool:
        """Does the table fire triggers on insert (SQLite: the sensitive flags, the per-grid
        figures)? Asked once per Table."""
        if self._has_triggers is None:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [self.model._meta.db_table],
            )
            self._has_triggers = bool(cursor.fetchone()[0]) if connection.vendor == "sqlite" else False
        return self._has_triggers

    def _staged(self, cursor, params):
        """Insert through a temporary table of the same columns, then one INSERT … SELECT: a
        statement that fires triggers gets a statement journal in SQLite, and an `executemany`
        is one statement per row — one journal per row was most of the cost the per-grid
        figures' triggers added to the import (docs/decisions/0028). The rows keep their order,
        so their ids stay consecutive (`new_ids`)."""
        qn = connection.ops.quote_name
        stage = qn("gz_stage_" + self.model._meta.db_table)
        # Made afresh for each batch (a fraction of a millisecond), so its columns are always
        # the Table's, and nothing is left on a connection that serves other requests after.
        cursor.execute(f"DROP TABLE IF EXISTS temp.{stage}")
        columns = ", ".join(qn(c) for c in self.columns)
        cursor.execute(f"CREATE TEMP TABLE {stage} AS SELECT {columns} FROM {qn(self.model._meta.db_table)} WHERE 0")
        marks = ", ".join(["%s"] * len(self.columns))
        cursor.executemany(f"INSERT INTO temp.{stage} ({columns}) VALUES ({marks})", params)
        cursor.execute(
            f"INSERT INTO {qn(self.model._meta.db_table)} ({columns}) SELECT {columns} FROM temp.{stage} ORDER BY rowid"
        )
        cursor.execute(f"DROP TABLE temp.{stage}")

    def insert_new(self, params: list[tuple], key_index: int, ids=None) -> list:
        """Insert ready parameter tuples and return the new rows' ids, in order: on PostgreSQL
        taken from the sequence first (or given as `ids`, reserved by the caller with
        `import_copy.next_ids`) and copied with the rows; elsewhere read back (`new_ids`, by the
        unique column at `key_index` of each tuple)."""
        if not params:
            return []
        if import_copy.enabled():
            ids = ids if ids is not None else import_copy.next_ids(self.model, len(params))
            import_copy.copy_rows(
                self.model._meta.db_table, ["id", *self.columns], [(pk, *p) for pk, p in zip(ids, params)]
            )
            return ids
        self.insert_params(params)
        return new_ids(self.model, self.attnames[key_index], [p[key_index] for p in params])


def ids_by(model, key: str, values) -> dict:
    """{key value: id} for rows of `model` whose unique `key` is in `values` (chunked; on
    PostgreSQL one join with the batch's keys in a staging table, import_copy)."""
    if import_copy.enabled():
        return dict(import_copy.joined(model, key, values, [model._meta.get_field(key).column, "id"]))
    table, qn = model._meta.db_table, connection.ops.quote_name
    column = model._meta.get_field(key).column
    found = {}
    values = list(values)
    with connection.cursor() as cursor:
        for i in range(0, len(values), _LOOKUP_CHUNK):
            chunk = values[i : i + _LOOKUP_CHUNK]
            cursor.execute(
                f"SELECT {qn(column)}, {qn('id')} FROM {qn(table)} WHERE {qn(column)} IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            found.update(cursor.fetchall())
    return found


def new_ids(model, key: str, values: list) -> list:
    """The ids of the rows just inserted for `values` (in order), inside the inserting
    transaction. On SQLite the transaction holds the write lock (IMMEDIATE), so one
    executemany into an AUTOINCREMENT table hands out consecutive ids ending at
    last_insert_rowid(); that is checked against the first and last row, and anything
    unexpected falls back to looking every id up by its unique key (as PostgreSQL always does)."""
    if not values:
        return []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
        first = last - len(values) + 1
        probe = ids_by(model, key, [values[0], values[-1]])
        if probe.get(values[0]) == first and probe.get(values[-1]) == last:
            return list(range(first, last + 1))
    found = ids_by(model, key, values)
    return [found[v] for v in values]


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


class Slot:
    """Positions in a prepared row (`Writer.prebuild`); HOUSEHOLD_ID is filled by the writer."""

    (
        ID,
        HOUSEHOLD,
        ADDRESS,
        GRID_NAME,
        GRID,
        PATH,
        NAME,
        PHONE,
        RELATION,
        TAGS,
        PRE,
        AFTER,
        NEW_HOUSEHOLD,
        HOUSEHOLD_ID,
    ) = range(14)


class Writer:
    """Writes one batch of new households and residents with their audit entries. Built once
    per import, inside its audit context: table SQL, content types, the actor and the run's
    correlation id are fixed for the run."""

    def __init__(self):
        self.residents = Table(Resident, last=_RESIDENT_LATE)
        self.households = Table(Household)
        self.links = Table(Resident.tags.through)
        # Audit rows from core's one builder: who acts, through which channel, under which
        # correlation id is fixed for the run (the import opened its audit context), so each
        # kind of entry has its head prepared once and a row adds only its own values.
        self.audit = audit_rows.sql()
        self._audit_head = self.audit.head(AuditAction.CREATE.value, Resident)
        self._household_audit_head = self.audit.head(AuditAction.CREATE.value, Household)
        self._head_update_head = self.audit.head(AuditAction.UPDATE.value, Household)
        self.resident_keys = _snapshot_keys(Resident)
        self.household_keys = _snapshot_keys(Household)
        early = self.residents.attnames[: -len(_RESIDENT_LATE)]
        self._pick_early = operator.itemgetter(*early)
        self._resident_defaults = {**self.residents.defaults, "version": 1}
        self._adapt_date = connection.ops.adapt_datefield_value
        # Every date column a row may carry (birth date, the migrant's dates): adapted for the
        # insert, written as ISO text in the audit snapshot.
        self._date_fields = tuple(
            f.attname for f in Resident._meta.concrete_fields if f.get_internal_type() == "DateField"
        )
        snap = [(k, a, d) for k, a, d in self.resident_keys if k != "household"]
        self._snap_keys = [k for k, _, _ in snap]
        self._snap_pick = operator.itemgetter(*[a for _, a, _ in snap])
        self._snap_defaults = {a: d for _, a, d in snap}

    def _audit_insert(self, params: list[tuple]):
        """Audit rows from core's builder: COPY on PostgreSQL (import_copy), else its executemany."""
        if params and import_copy.enabled():
            import_copy.copy_rows(AuditEntry._meta.db_table, self.audit.columns, params)
        else:
            self.audit.insert(params)

    def household_after(self, number: str, grid_id: int, address: str) -> tuple:
        """A new household's audit snapshot as JSON, split where its head goes (known only when
        the batch is written): (grid_id, address, text before, text after), see audit_households."""
        row = {
            "number": number,
            "room": "",
            "tenure": "owner",
            "notes": "",
            "building_id": None,
            "grid_id": grid_id,
            "address": address,
            "head_id": None,
        }
        text = _dumps({key: _plain(row.get(att, default)) for key, att, default in self.household_keys})
        # Inside JSON strings every quote is escaped, so this can only match the key itself.
        before, found, after = text.partition('"head":null')
        assert found, text
        return grid_id, address, before, after

    def prebuild(self, row: dict, new_household=False) -> list:
        """The prepared row (see `Slot`): everything of a new resident's insert and audit entry
        that does not depend on the database (all but timestamps, household and id), computed
        once while cleaning — the leading insert parameters and the audit snapshot as JSON
        (without the household, which `audit_residents` puts in front). A flat list, not the
        clean dict: it may be sent from the worker process, and a list of plain values is
        several times cheaper to unpickle than a dict. With `new_household` (the first row naming
        a household number) also the audit snapshot of that household, should it be created."""
        dates = {k: row[k] for k in self._date_fields if row.get(k) is not None}
        pre = self._pick_early({**self._resident_defaults, **row, **{k: self._adapt_date(v) for k, v in dates.items()}})
        after = dict(
            zip(
                self._snap_keys,
                self._snap_pick({**self._snap_defaults, **row, **{k: v.isoformat() for k, v in dates.items()}}),
            )
        )
        after["tags"] = row.get("_tag_names", [])
        return [
            row["id_number"],
            row["_household"],
            row["_address"],
            row["_grid_name"],
            row["grid_id"],
            row["_path"],
            row["name"],
            row.get("phone", ""),
            row.get("relation"),
            tuple(row.get("_tags", ())),
            pre,
            _dumps(after),
            self.household_after(
                row["_household"], row["grid_id"], household_address(row["_address"], row["_grid_name"])
            )
            if new_household
            else None,
            None,
        ]

    def create_households(self, new: dict, now, heads=None) -> dict:
        """Insert households {number: {grid_id, address}}; returns {number: id}. `heads`
        {number: resident id} are written with the row (PostgreSQL, where the residents' ids
        are reserved before either table is filled; the foreign key is checked at commit)."""
        stamp = connection.ops.adapt_datetimefield_value(now)
        numbers = list(new)
        table = self.households
        pick, defaults = operator.itemgetter(*table.attnames), table.defaults
        heads = heads or {}
        rows = [
            {
                "created_at": stamp,
                "updated_at": stamp,
                "version": 1,
                "number": n,
                "grid_id": new[n]["grid_id"],
                "address": new[n]["address"],
                "head_id": heads.get(n),
            }
            for n in numbers
        ]
        ids = table.insert_new([pick({**defaults, **row}) for row in rows], table.attnames.index("number"))
        return dict(zip(numbers, ids))

    def create_residents(self, rows: list[list], now, ids=None) -> list:
        """Insert prepared residents (see `prebuild`); returns their ids, in order (`ids`:
        reserved already, PostgreSQL only)."""
        stamp = connection.ops.adapt_datetimefield_value(now)
        pre, hh = Slot.PRE, Slot.HOUSEHOLD_ID
        params = [row[pre] + (stamp, stamp, row[hh]) for row in rows]
        return self.residents.insert_new(params, self.residents.attnames.index("id_number"), ids=ids)

    def link_tags(self, pairs: list[tuple[int, int]]):
        self.links.insert([{"resident_id": r, "tag_id": t} for r, t in pairs])

    def set_heads(self, heads: dict[int, int]):
        """household id → head resident id, for households that have no head yet."""
        if not heads:
            return
        qn = connection.ops.quote_name
        sql = f"UPDATE {qn(Household._meta.db_table)} SET {qn('head_id')} = %s WHERE {qn('id')} = %s AND {qn('head_id')} IS NULL"
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(r, h) for h, r in heads.items()])

    def audit_residents(self, rows: list[list], ids: list, now):
        """One `create` entry per new resident (`ids` in the order of `rows`), its snapshot in
        the shape of `core.services.snapshot` plus the tag names, as `core.services.create`
        writes it."""
        stamp, head, params = self.audit.stamp(now), self._audit_head, self.audit.params
        name, path, hh, after = Slot.NAME, Slot.PATH, Slot.HOUSEHOLD_ID, Slot.AFTER
        self._audit_insert(
            [
                params(
                    head,
                    pk,
                    row[name],
                    row[path],
                    stamp,
                    after='{"household":' + (str(row[hh]) if row[hh] else "null") + "," + row[after][1:],
                    encoded=True,
                )
                for row, pk in zip(rows, ids)
            ]
        )

    def audit_households(self, created: dict, ids: dict, heads: dict, paths: dict, now):
        """`create` entries for new households (with their head), `update` entries for existing
        households that got their head from this batch."""
        stamp, head, rows = self.audit.stamp(now), self._household_audit_head, []
        for number, values in created.items():
            hid, grid_id, address = ids[number], values["grid_id"], values["address"]
            split = values.get("after")  # prepared with the row that planned the household
            if split is None or split[:2] != (grid_id, address):
                split = self.household_after(number, grid_id, address)
            head_id = heads.get(hid)
            after = split[2] + '"head":' + (str(head_id) if head_id is not None else "null") + split[3]
            rows.append(
                self.audit.params(head, hid, f"{number} {address}", paths[grid_id], stamp, after=after, encoded=True)
            )
        self._audit_insert(rows)

    def audit_new_heads(self, heads: dict, households: dict, paths: dict, now):
        stamp, head = self.audit.stamp(now), self._head_update_head
        self._audit_insert(
            [
                self.audit.params(
                    head,
                    hid,
                    households[hid]["number"],
                    paths[households[hid]["grid_id"]],
                    stamp,
                    before=_dumps({"head": None}),
                    after=_dumps({"head": rid}),
                    reason="登记户主",
                    encoded=True,
                )
                for hid, rid in heads.items()
            ]
        )
        if heads:
            qn = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {qn(Household._meta.db_table)} SET {qn('version')} = {qn('version')} + 1 WHERE {qn('id')} = %s",
                    [(hid,) for hid in heads],
                )


def household_address(address: str, grid_name: str) -> str:
    """The address a new household gets: the row's, or a placeholder naming the grid."""
    return (address or f"{grid_name}（地址待补充）")[:200]


_RESIDENT_LATE = ("created_at", "updated_at", "household_id")


def _snapshot_keys(model) -> list[tuple[str, str, object]]:
    """(snapshot key, attname, default) in the order and naming of `core.services.snapshot`."""
    exclude = set(getattr(model, "AUDIT_EXCLUDE", ())) | {"id"}
    keys = []
    for field in model._meta.concrete_fields:
        if field.name in exclude:
            continue
        default = (
            _value(field.get_default())
            if field.has_default()
            else ("" if isinstance(field, (models.CharField, models.TextField)) and not field.null else None)
        )
        keys.append((field.name if field.is_relation else field.attname, field.attname, default))
    return keys


def now():
    return timezone.now()
