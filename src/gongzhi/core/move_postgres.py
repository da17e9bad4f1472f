"""Moving a site from its SQLite file into a new PostgreSQL database (`gongzhi move-to-postgres`,
docs/decisions/0031-move-to-postgres.md).

One transaction on the target does everything, so a failure leaves it as empty as it was:
the migrations (PostgreSQL's DDL is transactional), then every table of every installed model
emptied of what the migrations' seeding wrote (content types, permissions, roles, calendar)
and filled with the source's rows, ids included, by `COPY … FROM STDIN` (psycopg 3) in
dependency order; then the sequences set past the copied ids, the row count of every table
compared with the source's (a difference stops the move), and one audit entry recording it.

The source is read through one read transaction of the SQLite file, so the counts and the rows
are the same snapshot. Only tables that belong to a model are copied; what else the file holds
is derived and rebuilt by the target's own migrations (SQLite's digit search index) or a cache.
Values are converted where SQLite stores them differently: booleans (0/1), decimals (REAL, so
quantized to the field's places as Django reads them) and durations (microseconds).
"""

import datetime as dt
import decimal
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _


class MoveError(Exception):
    """A move that must stop; the message says why, in Chinese."""


@dataclass
class MoveReport:
    """What a move copied: rows per table (in copy order) and how long it took."""

    source: Path
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    migrate_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def model_tables() -> list:
    """Every installed model that owns a table (auto-created many-to-many tables included),
    parents before the models whose foreign keys point at them (cycles — a household's head,
    a resident's household — are broken arbitrarily: PostgreSQL checks Django's foreign keys at
    commit, `DEFERRABLE INITIALLY DEFERRED`)."""
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    by_table = {m._meta.db_table: m for m in models}
    ordered, seen = [], set()

    def visit(model, trail):
        table = model._meta.db_table
        if table in seen or table in trail:
            return
        trail.add(table)
        for f in model._meta.local_concrete_fields:
            target = f.related_model if f.is_relation else None
            if target is not None and target._meta.db_table in by_table and target is not model:
                visit(by_table[target._meta.db_table], trail)
        trail.discard(table)
        seen.add(table)
        ordered.append(model)

    for m in sorted(models, key=lambda m: m._meta.db_table):
        visit(m, set())
    return ordered


def _converter(f):
    """How one column's SQLite value becomes the value PostgreSQL's column takes (None: as is)."""
    kind = f.get_internal_type()
    if kind in ("BooleanField", "NullBooleanField"):
        return lambda v: None if v is None else bool(v)
    if kind == "DecimalField":
        places = decimal.Decimal(1).scaleb(-f.decimal_places)
        return lambda v: None if v is None else decimal.Decimal(str(v)).quantize(places)
    if kind == "DurationField":
        return lambda v: None if v is None else dt.timedelta(microseconds=v)
    return None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _source_migrations(src) -> set:
    try:
        return set(src.execute("SELECT app, name FROM django_migrations").fetchall())
    except sqlite3.DatabaseError:
        raise MoveError(_("源文件不是本系统的 SQLite 数据库（没有迁移记录）")) from None


def _check_source(src):
    """The source must be at exactly the migrations this program has: the target is built by
    them, and a column the source lacks (or has extra) would not copy."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    wanted = set(loader.graph.nodes)
    found = _source_migrations(src)
    missing, unknown = sorted(wanted - found), sorted(found - wanted)
    if missing:
        names = "、".join(f"{a}.{n}" for a, n in missing[:5])
        raise MoveError(_("源数据库尚有未应用的迁移（%(names)s 等）：请先对它运行 gongzhi migrate") % {"names": names})
    if unknown:
        names = "、".join(f"{a}.{n}" for a, n in unknown[:5])
        raise MoveError(
            _("源数据库有本程序不认识的迁移（%(names)s 等）：请用与它相同或更新的版本迁移") % {"names": names}
        )


def _check_empty_target(using):
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise MoveError(_("目标必须是 PostgreSQL 数据库（postgres://…）"))
    tables = connection.introspection.table_names()
    if tables:
        raise MoveError(
            _("目标数据库不是空的（已有 %(n)s 张表，如 %(names)s）：只能迁入新建的空数据库，以免覆盖数据")
            % {"n": len(tables), "names": "、".join(sorted(tables)[:3])}
        )


def move(source, using="default", *, stdout=None) -> MoveReport:
    """Copy the SQLite site at `source` into the empty PostgreSQL database `using`; see the
    module docstring. Raises MoveError, leaving the target empty, when anything is refused."""
    source = Path(source).resolve()
    if not source.is_file():
        raise MoveError(_("源文件 %(p)s 不存在") % {"p": source})
    try:
        _check_empty_target(using)
    except DatabaseError as e:
        raise MoveError(_("无法连接目标数据库：%(e)s") % {"e": str(e).strip()[:500]}) from None
    started = time.monotonic()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
    try:
        src.execute("BEGIN")  # one read snapshot for counts and rows
        _check_source(src)
        report = MoveReport(source)
        try:
            _move_into(src, report, using, stdout, started)
        except DatabaseError as e:  # the transaction is rolled back: the target is as it was
            raise MoveError(_("迁入失败，目标数据库未作任何改动：%(e)s") % {"e": str(e).strip()[:500]}) from e
    finally:
        src.close()
    return report


def _move_into(src, report: MoveReport, using, stdout, started):
    """Migrate, copy, check and record, in one transaction of the target."""
    present = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    connection = connections[using]
    with transaction.atomic(using=using):
        # Migrations in one transaction: a foreign key checked at commit would leave "pending
        # trigger events" after a data migration, and PostgreSQL refuses to ALTER a table
        # with those. Checked per statement while migrating, at the end of the copy after.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("migrate", database=using, verbosity=0, interactive=False)
        report.migrate_seconds = time.monotonic() - started
        models = model_tables()
        tables = [m._meta.db_table for m in models]
        missing = [t for t in tables if t not in present]
        if missing:
            raise MoveError(_("源数据库缺少表：%(t)s") % {"t": "、".join(missing[:5])})
        # django_migrations was written by the target's own migrate (the same set, checked).
        report.skipped = sorted(t for t in present - {*tables, "django_migrations"} if not t.startswith("sqlite_"))
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # tables in cycles reference each other
            cursor.execute("SET LOCAL TIME ZONE 'UTC'")  # SQLite holds Django's UTC datetimes as text
            # What the migrations seeded goes: the source's own rows (and ids) replace it.
            cursor.execute(f"TRUNCATE {', '.join(_quote(t) for t in tables)} RESTART IDENTITY CASCADE")
            # A copy is verbatim: the tables' own triggers (the sensitive flags, the per-grid
            # figures) would write derived rows the copy brings anyway — twice counted, or a
            # duplicate key. Foreign-key checks are internal triggers and stay on.
            cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
            triggered = [row[0] for row in cursor.fetchall()]
            for table in triggered:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for model in models:
                report.counts[model._meta.db_table] = _copy_table(src, cursor, model)
                if stdout is not None:
                    stdout(f"  {model._meta.db_table}: {report.counts[model._meta.db_table]}")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # every foreign key checked here, not at commit
            for table in triggered:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            _verify(src, cursor, report.counts)
        report.seconds = time.monotonic() - started
        _record(report, using)


def _copy_table(src, cursor, model) -> int:
    """COPY every row of `model`'s table from the SQLite source; returns the rows copied."""
    fields = model._meta.local_concrete_fields
    columns = [f.column for f in fields]
    convert = [(i, c) for i, c in enumerate(_converter(f) for f in fields) if c is not None]
    table = _quote(model._meta.db_table)
    rows = src.execute(f"SELECT {', '.join(_quote(c) for c in columns)} FROM {table}")
    n = 0
    sql = f"COPY {table} ({', '.join(_quote(c) for c in columns)}) FROM STDIN"
    with getattr(cursor, "cursor", cursor).copy(sql) as copy:
        while chunk := rows.fetchmany(5000):
            for row in chunk:
                if convert:
                    row = list(row)
                    for i, fn in convert:
                        row[i] = fn(row[i])
                copy.write_row(row)
            n += len(chunk)
    return n


def _verify(src, cursor, counts: dict):
    """Every table's rows counted again on both sides; any difference stops the move."""
    diff = []
    for table, copied in counts.items():
        (source_rows,) = src.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")
        (target_rows,) = cursor.fetchone()
        if not source_rows == copied == target_rows:
            diff.append(f"{table}: {source_rows} → {target_rows}")
    if diff:
        raise MoveError(_("迁入后的行数与源数据库不符，已全部撤销：%(diff)s") % {"diff": "；".join(diff[:10])})


def _record(report: MoveReport, using):
    """The move's audit entry, in the target and in the move's transaction."""
    from gongzhi.core import audit
    from gongzhi.core import services as core
    from gongzhi.core.choices import AuditAction

    with audit.acting(source="cli", new_action=True):
        entry = core.build_entry(
            AuditAction.IMPORT,
            None,
            object_repr=_("从 SQLite 迁入"),
            reason=_("从 %(p)s 迁入（%(t)s 张表，%(r)s 行）")
            % {"p": str(report.source)[:150], "t": len(report.counts), "r": report.rows},
        )
        entry.save(using=using, force_insert=True)
