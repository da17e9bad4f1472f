"""Importing residents from .xlsx or .csv (the CLI `gongzhi import residents FILE` and the
upload page both call `import_residents`).

Rules a user can rely on:
- every row is validated like a form (see import_rows); bad rows go to `<name>.errors.xlsx`
  beside the input with their row number and the reason in Chinese, good rows are saved;
- residents are matched by ID number (upsert): a row for a known person updates that record
  through the registry services (and moves it, with history, when grid or household differ);
  re-importing a file therefore creates no duplicates;
- counts: `imported` = new residents, `updated` = known residents whose values changed,
  `unchanged` = known residents the row did not change (counted as neither), `rejected` = bad
  rows. Empty cells never clear a stored value;
- rows are written in batches (settings.GONGZHI_IMPORT_BATCH), each in one transaction: a
  killed import leaves only whole batches, and running it again finishes the job (rows already
  saved count as unchanged);
- every created or changed record gets its audit entry with source "import", and the run itself
  one `import` entry with its counts;
- a large file is read and validated in a worker process while this one writes the previous
  batch (import_pipeline); what is stored and reported is the same as without it.
"""

import contextlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.scoping import has_perm_at
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from . import duplicates, import_copy, services
from . import import_columns as cols
from . import import_pipeline as pipeline
from .import_fastpath import Slot as S
from .import_fastpath import Writer, household_address, ids_by, now
from .import_reader import ErrorBook, ImportFileError, estimate_rows, open_rows
from .import_rows import IMPORT_PERM, SENSITIVE_PERM, RowCleaner, RowError
from .models import Household, Resident, Tag
from .search import index_new_id_range, index_new_residents

__all__ = ["ImportFileError", "ImportResult", "import_residents"]

# Fields compared when a known resident is imported again.
_UPDATABLE = (
    "name",
    "phone",
    "ethnicity",
    "relation",
    "employment",
    "employer",
    "social_relations",
    "fertility",
    "labour_security",
    "residence_type",
    "separation",
    "hukou_place",
    "arrived_on",
    "permit_issued_on",
    "permit_valid_until",
    "notes",
)


@dataclass
class ImportResult:
    """What an import did; `error_path` is the error workbook, or None when no row failed."""

    imported: int = 0
    updated: int = 0
    rejected: int = 0
    error_path: Path | None = None
    unchanged: int = 0

    def summary(self) -> str:
        return f"imported {self.imported}, updated {self.updated}, rejected {self.rejected}"


def read_layout(headers: list[str], *, has_default_grid=False) -> dict[str, int]:
    """{field: column index} from the header row; ImportFileError naming missing columns."""
    layout = {}
    for i, header in enumerate(headers):
        col = cols.BY_HEADER.get(header.replace(" ", "").rstrip("*"))
        if col is not None and col.field not in layout:
            layout[col.field] = i
    missing = [
        c.header
        for c in cols.COLUMNS
        if c.required and c.field not in layout and not (c.field == "grid" and has_default_grid)
    ]
    if missing:
        raise ImportFileError(
            _("缺少必需的列：%(missing)s。第一行应为表头，列名见导入模板") % {"missing": "、".join(missing)}
        )
    return layout


def _grid_table() -> dict:
    return {
        code: (pk, path, name)
        for pk, code, path, name in Node.objects.filter(level=Level.GRID).values_list("id", "code", "path", "name")
    }


def _tag_table() -> dict:
    table = {}
    for pk, slug, name, sensitive in Tag.objects.values_list("id", "slug", "name", "sensitive"):
        table[slug] = table[name] = (pk, name, sensitive)
    return table


def import_residents(
    path, *, batch_size=None, progress=None, default_grid=None, user=None, parallel=None
) -> ImportResult:
    """Import residents from `path` (.xlsx or .csv); see the module docstring for the rules.

    `progress(n)` is called after each batch with the number of rows it handled. `default_grid`
    (a grid Node or its code) is used for rows without 网格代码. With `user`, rows are accepted
    only in grids where the user holds registry.import_resident (and sensitive tags only where
    they may see them); without one (the CLI) the system imports everywhere.

    `parallel`: prepare the next batch in a worker process while this one is written
    (import_pipeline). None decides by the file's size and the machine; the result is the same.
    """
    batch_size = int(batch_size or settings.GONGZHI_IMPORT_BATCH)
    if batch_size < 1:
        raise ImportFileError(_("批大小须为正整数"))
    grid_code = default_grid.code if isinstance(default_grid, Node) else (default_grid or None)
    unreadable = []  # CSV rows that did not decode: rejected rows, see import_reader
    headers, rows = open_rows(path, unreadable)
    layout = read_layout(headers, has_default_grid=bool(grid_code))
    grids = _grid_table()
    if grid_code and grid_code not in grids:
        raise ImportFileError(_("默认网格代码 %(grid_code)s 不存在（须为网格一级的代码）") % {"grid_code": grid_code})
    with audit.acting(user=user, source="import", new_action=True), _import_pragmas():
        cleaner = RowCleaner(layout, grids, _tag_table(), user=user, default_grid=grid_code)
        run = _Run(cleaner, ErrorBook(path, headers), user)
        preparer = pipeline.Preparer(cleaner, run.writer.prebuild)
        if parallel is None:
            parallel = pipeline.can_run_parallel() and (estimate_rows(path) or 0) >= pipeline.PARALLEL_MIN_ROWS
        if parallel:
            rows.close()  # the worker reads the file itself
        try:
            # closing(): on an error the worker is ended right here, not when the traceback that
            # keeps this frame alive is finally dropped.
            with contextlib.closing(
                pipeline.batches(path, preparer, batch_size, rows, unreadable, parallel=parallel)
            ) as batches:
                for good, rejected, count in batches:
                    for item in rejected:
                        run.errors.add(*item)
                    run.write(good)
                    if progress is not None:
                        progress(count)
        except ImportFileError as e:
            # A limit met part-way through the file (an oversized cell deep in a worksheet, a
            # malformed CSV line): the whole batches written so far stay, as after a kill. The
            # run is recorded with what it did, and the message says so.
            result = run.finish(path, aborted=str(e))
            raise ImportFileError(
                _(
                    "%(error)s。导入已在此中止：此前已新增 %(imported)s 人、更新 %(updated)s 人；改正文件后重新导入即可，已导入的行不会重复"
                )
                % {"error": e, "imported": result.imported, "updated": result.updated}
            ) from None
        result = run.finish(path)
    return result


class _Run:
    """State of one import run: the row cleaner (for known residents, see `write`), the error
    book, the writer and the running counts. (Preparing rows, with the ID numbers seen so far,
    is import_pipeline.Preparer's.)"""

    def __init__(self, cleaner: RowCleaner, errors: ErrorBook, user):
        self.cleaner = cleaner
        self.errors = errors
        self.user = user
        self.result = ImportResult()
        self.writer = Writer()

    def finish(self, path, aborted="") -> "ImportResult":
        """Save the error workbook and write the run's audit entry; the result."""
        result = self.result
        result.rejected = len(self.errors)
        result.error_path = self.errors.save()
        after = {
            "imported": result.imported,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": result.rejected,
        }
        if aborted:
            after["aborted"] = aborted[:500]
        core.record(AuditAction.IMPORT, None, model=Resident, object_repr=Path(path).name[:200], after=after)
        return result

    def write(self, good):
        """Save a batch of prepared rows, (number, values, prepared row), in one transaction."""
        pending = []  # rejections found against the database; kept only if the batch commits
        with transaction.atomic():
            existing = _existing(p[S.ID] for _, _, p in good)
            households = _households({p[S.HOUSEHOLD] for _, _, p in good if p[S.HOUSEHOLD]})
            new_rows, known_rows, new_households = [], [], {}
            for number, values, prepared in good:
                try:
                    self._place(prepared, households, new_households)
                except RowError as e:
                    pending.append((number, values, str(e)))
                    continue
                known = existing.get(prepared[S.ID])
                if known is None:
                    new_rows.append(prepared)
                else:
                    known_rows.append((number, values, prepared, known))
            created = self._insert(new_rows, new_households, households)
            for number, values, prepared, known in known_rows:
                # Known residents are rare in a bulk file: their full clean row is computed
                # again here (the same result the preparing side had) for the services.
                row = self.cleaner.clean(pipeline.values_of(values))
                row["household_id"] = prepared[S.HOUSEHOLD_ID]
                if row["_household"] and row["household_id"] is None:
                    row["household_id"] = created[row["_household"]]
                try:
                    with transaction.atomic():  # a savepoint: a refused update leaves nothing behind
                        self._upsert(known, row)
                except RowError as e:
                    pending.append((number, values, str(e)))
                except ValidationError as e:
                    pending.append((number, values, "；".join(e.messages)))
        for number, values, reason in pending:
            self.errors.add(number, pipeline.values_of(values), reason)

    def _place(self, row, households, new_households):
        """Resolve the household number of a prepared row: an existing one must be in the
        row's grid; an unknown one is created in that grid (once, however many rows name it)."""
        number = row[S.HOUSEHOLD]
        if not number:
            row[S.HOUSEHOLD_ID] = None
            return
        found = households.get(number)
        if found is None:
            planned = new_households.get(number)
            if planned is None:
                new_households[number] = {
                    "grid_id": row[S.GRID],
                    "address": household_address(row[S.ADDRESS], row[S.GRID_NAME]),
                    "after": row[S.NEW_HOUSEHOLD],
                }
            elif planned["grid_id"] != row[S.GRID]:
                raise RowError(_("户号 %(number)s 在本文件中已用于另一网格") % {"number": number})
            row[S.HOUSEHOLD_ID] = None
            return
        if found["grid_id"] != row[S.GRID]:
            raise RowError(_("户号 %(number)s 属于另一网格，与网格代码不符") % {"number": number})
        row[S.HOUSEHOLD_ID] = found["id"]

    def _upsert(self, resident, row):
        """Update a known resident through the services when the row changes anything."""
        if self.user is not None and not (
            has_perm_at(self.user, IMPORT_PERM, resident.grid.path)
            and (not resident.has_sensitive or has_perm_at(self.user, SENSITIVE_PERM, resident.grid.path))
        ):
            raise RowError(duplicates.import_refusal(self.user, resident))
        changes = {f: row[f] for f in _UPDATABLE if f in row and row[f] != getattr(resident, f)}
        tags = None
        if "_tags" in row and set(row["_tags"]) != {t.pk for t in resident.tags.all()}:
            tags = Tag.objects.filter(pk__in=row["_tags"])
        if row["_household"]:
            household_id = row["household_id"]
        else:  # no household number: keep the household unless the person changes grid
            household_id = resident.household_id if row["grid_id"] == resident.grid_id else None
        move = row["grid_id"] != resident.grid_id or household_id != resident.household_id
        if not changes and tags is None and not move:
            self.result.unchanged += 1
            return
        if changes or tags is not None:
            services.update_resident(resident, changes, tags=tags, reason="批量导入更新")
        if move:
            target = Household.objects.get(pk=household_id) if household_id else None
            grid = None if target else Node.objects.get(pk=row["grid_id"])
            services.move_resident(
                resident,
                household=target,
                grid=grid,
                relation=row.get("relation", resident.relation),
                reason="批量导入迁移",
            )
        self.result.updated += 1

    def _insert(self, rows, new_households, households) -> dict:
        """The fast path for new residents (prepared rows, see import_fastpath); returns the
        ids of the households it created, {number: id}."""
        if not rows and not new_households:
            return {}
        at = now()
        w = self.writer
        reserved, planned_heads = None, {}
        if import_copy.enabled():
            # The residents' ids come from their sequence before anything is copied, so a new
            # household is copied with its head already in place: no UPDATE pass over the
            # batch's households (each a new row version with an entry in every index).
            reserved = import_copy.next_ids(Resident, len(rows))
            for row, pk in zip(rows, reserved):
                if row[S.RELATION] == "head" and row[S.HOUSEHOLD] in new_households:
                    planned_heads.setdefault(row[S.HOUSEHOLD], pk)
        created = w.create_households(new_households, at, planned_heads) if new_households else {}
        for row in rows:
            if row[S.HOUSEHOLD] and row[S.HOUSEHOLD_ID] is None:
                row[S.HOUSEHOLD_ID] = created[row[S.HOUSEHOLD]]
        ids = w.create_residents(rows, at, reserved)
        # The search structures for new rows (name parts, SQLite digit index), in bulk; from
        # the stored rows when their ids are consecutive (always on SQLite, see new_ids).
        if rows and ids == list(range(ids[0], ids[0] + len(ids))):
            index_new_id_range(ids[0], ids[-1], [r[S.NAME] for r in rows])
        else:
            index_new_residents([(pk, r[S.NAME], r[S.ID], r[S.PHONE]) for r, pk in zip(rows, ids)])
        w.link_tags([(pk, t) for r, pk in zip(rows, ids) for t in r[S.TAGS]])
        existing_heads, new_heads = {}, {}
        written_heads = {created[n] for n in planned_heads}  # copied with their household
        created_ids = set(created.values())
        head_free = {h["id"] for h in households.values() if h["head_id"] is None} | created_ids
        for row, pk in zip(rows, ids):
            hid = row[S.HOUSEHOLD_ID]
            if row[S.RELATION] == "head" and hid in head_free and hid not in existing_heads and hid not in new_heads:
                (new_heads if hid in created_ids else existing_heads)[hid] = pk
        w.set_heads({h: r for h, r in {**existing_heads, **new_heads}.items() if h not in written_heads})
        paths = {row[S.GRID]: row[S.PATH] for row in rows}
        paths.update(_paths({v["grid_id"] for v in new_households.values()} - set(paths)))
        w.audit_residents(rows, ids, at)
        w.audit_households(new_households, created, new_heads, paths, at)
        by_id = {h["id"]: h for h in households.values()}
        w.audit_new_heads(
            existing_heads, by_id, paths | _paths({by_id[h]["grid_id"] for h in existing_heads} - set(paths)), at
        )
        self.result.imported += len(rows)
        return created


# SQLite page cache for the import connection while it runs, in KiB (0: leave the default,
# 2 MB). The resident table's indexes are on random keys (name, pinyin, ID number, phone …);
# once they outgrow the default cache every batch re-reads their pages. Measured in
# docs/benchmarks.md ("Resident import").
IMPORT_CACHE_KIB = 128 * 1024
# WAL pages after which the import connection's commits checkpoint (SQLite's default: 1,000).
# Every batch dirties more than 1,000 pages, so by default every commit copied the WAL back
# into the database file with two fsyncs, and index pages touched by every batch were written
# back every time. With a larger threshold they are written back once per several batches.
# The WAL may grow to about this many pages (× 4 KiB); the import checkpoints at its end, so
# the next writer does not inherit that work. 0: leave the connection's setting.
IMPORT_WAL_PAGES = 16_000


@contextlib.contextmanager
def _import_pragmas():
    """A larger page cache and checkpoint threshold on SQLite for the duration of the import,
    then the connection's previous values (it may serve other requests after). `temp_store =
    MEMORY` was considered too: SQLite refuses to change it inside a transaction (tests, a view
    in ATOMIC_REQUESTS), and the import makes no temporary tables or sorts for it to speed up."""
    if connection.vendor != "sqlite":
        yield
        return
    settings_ = [
        (name, value)
        for name, value in (("cache_size", -int(IMPORT_CACHE_KIB)), ("wal_autocheckpoint", int(IMPORT_WAL_PAGES)))
        if value
    ]
    previous = []
    with connection.cursor() as cursor:
        for name, value in settings_:
            cursor.execute(f"PRAGMA {name}")
            previous.append((name, int(cursor.fetchone()[0])))
            cursor.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in previous:
                cursor.execute(f"PRAGMA {name} = {value}")
            if IMPORT_WAL_PAGES and not connection.in_atomic_block:
                # What the larger threshold left in the WAL goes back into the database now,
                # as part of the import's own time (no-op outside WAL mode).
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _existing(id_numbers) -> dict:
    """Known residents by ID number. A cheap indexed lookup first: on a first import nearly
    every row is new, and building model instances for nothing costs more than the insert."""
    ids = list(ids_by(Resident, "id_number", id_numbers))
    found = {}
    for i in range(0, len(ids), 500):
        for r in Resident.objects.filter(id_number__in=ids[i : i + 500]).select_related("grid"):
            found[r.id_number] = r
    return found


def _households(numbers) -> dict:
    """Stored households by number: {number: {id, number, grid_id, head_id}}. Raw SQL in
    chunks: once per batch for up to a thousand numbers, where the ORM's rows cost more than
    the lookup."""
    numbers = list(numbers)
    if import_copy.enabled():  # one join with the batch's numbers in the staging table
        rows = import_copy.joined(Household, "number", numbers, ["id", "number", "grid_id", "head_id"])
        return {n: {"id": pk, "number": n, "grid_id": g, "head_id": h} for pk, n, g, h in rows}
    qn = connection.ops.quote_name
    sql = f"SELECT {qn('id')}, {qn('number')}, {qn('grid_id')}, {qn('head_id')} FROM {qn(Household._meta.db_table)} WHERE {qn('number')} IN "
    found = {}
    with connection.cursor() as cursor:
        for i in range(0, len(numbers), 500):
            chunk = numbers[i : i + 500]
            cursor.execute(sql + f"({', '.join(['%s'] * len(chunk))})", chunk)
            for pk, number, grid_id, head_id in cursor.fetchall():
                found[number] = {"id": pk, "number": number, "grid_id": grid_id, "head_id": head_id}
    return found


def _paths(grid_ids) -> dict:
    return dict(Node.objects.filter(pk__in=list(grid_ids)).values_list("id", "path")) if grid_ids else {}
